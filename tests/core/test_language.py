"""Simplified Chinese and English (issue 19): the choice (browser, header switch, profile), what
reaches a person in their language (pages, notifications, e-mails), and the catalogue kept
complete and compiled."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.core import mail

from reviews import services as review_services
from scoring import services as scoring_services
from tests.factories import make_assignment, rubric_data
from tests.reviews.conftest import full

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_the_browser_language_is_the_first_choice(client):
    chinese = client.get("/login/", headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert '<html lang="zh-hans">' in chinese.text and "用户名" in chinese.text and "登录" in chinese.text
    english = client.get("/login/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.text and "Username" in english.text


def test_the_switch_on_the_login_page_is_remembered(client):
    page = client.get("/login/", headers={"accept-language": "en"}).text
    assert 'name="language" value="zh-hans"' in page and ">中文</button>" in page
    response = client.post("/language/", {"language": "zh-hans", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert response.cookies["django_language"].value == "zh-hans"
    assert "用户名" in client.get("/login/", headers={"accept-language": "en"}).text
    client.post("/language/", {"language": "en", "next": "/login/"})
    assert "Username" in client.get("/login/").text


def test_a_signed_in_persons_choice_is_saved_and_follows_them(client, agent, django_user_model):
    client.force_login(agent)
    client.post("/language/", {"language": "zh-hans", "next": "/"})
    agent.refresh_from_db()
    assert agent.language == "zh-hans"
    # Another browser, asking for English, no cookie: the saved choice wins.
    from django.test import Client

    other = Client()
    other.force_login(agent)
    page = other.get("/my-feedback/", headers={"accept-language": "en"}, follow=True).text
    assert '<html lang="zh-hans">' in page and "我的反馈" in page and "退出登录" in page


def test_the_switch_refuses_unknown_languages_and_other_sites(client, agent):
    client.force_login(agent)
    response = client.post("/language/", {"language": "fr", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    agent.refresh_from_db()
    assert agent.language != "fr" and "django_language" not in response.cookies
    assert client.get("/language/").status_code == 405


def test_notifications_and_e_mails_are_written_in_the_recipients_language(manager, reviewer, agent):
    agent.language, agent.email = "zh-hans", "agent@example.com"
    agent.save()
    rubric = scoring_services.rubric_create(actor=manager, data=rubric_data())
    scoring_services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
    keys = [str(c.pk) for s in rubric.sections.order_by("position") for c in s.criteria.order_by("position")]
    review = review_services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
    review_services.review_submit(
        actor=reviewer, review=review, data=full(keys), expected_revision=review.revision
    )  # the reviewer works in English
    from core.models import Notification

    note = Notification.objects.get(recipient=agent)
    assert note.message.startswith("你 2026-11-03 的电话会话有新的反馈"), note.message
    # (the mail is sent when the transaction commits: the test runs inside one)


def test_a_mail_is_in_the_recipients_language(agent, django_capture_on_commit_callbacks):
    from django.utils.translation import gettext as _

    from core.i18n import speaking_to
    from core.services import notification_send

    agent.language, agent.email = "zh-hans", "agent@example.com"
    agent.save()
    with django_capture_on_commit_callbacks(execute=True), speaking_to(agent):
        subject = _("Your dispute is decided")
        notification_send(recipient=agent, message=subject, email_subject=subject)
    assert mail.outbox[0].subject == "你的申诉已裁定"


# -- the catalogue ------------------------------------------------------------------------------


def _entries(catalogue) -> dict:
    return {
        (e.msgctxt, e.msgid): (e.msgstr_plural.get(0) if e.msgid_plural else e.msgstr)
        for e in catalogue
        if not e.obsolete
    }


def test_the_catalogue_has_every_string_translated_and_nothing_fuzzy():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated and not fuzzy, (untranslated[:10], fuzzy[:10])
    assert len(po) > 1500  # the whole interface, not a sample


def test_the_compiled_catalogue_is_the_catalogue():
    """The .mo in the repository (so a new machine needs no gettext tools) says what the .po says:
    after editing the .po, compile it (msgfmt --check, or `make messages`)."""
    assert _entries(polib.mofile(str(MO))) == {
        key: value for key, value in _entries(polib.pofile(str(PO))).items() if key[1]
    }


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="gettext is not installed (apt-get install gettext)"
)
def test_every_marked_string_is_in_the_catalogue(tmp_path):
    """makemessages over a copy of the tree adds no entry that the catalogue lacks: a string marked
    for translation since the catalogue was last filled fails here, named."""
    copy = tmp_path / "tree"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "artifacts", "staticfiles", "node_modules", "*.sqlite3", "media", "__pycache__",
            ".pytest_cache", ".ruff_cache", ".hypothesis", "bench", "tests",
        ),
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--ignore=.venv"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_DEBUG": "true"},
    )
    fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert not missing, f"{len(missing)} strings not in the catalogue: {missing[:10]}"
    assert len(_entries(fresh)) == len(_entries(polib.pofile(str(PO))))


def test_signing_in_keeps_the_browsers_language_until_a_choice(client, agent):
    agent.set_password("pw")
    agent.save()
    client.post(
        "/login/",
        {"username": agent.username, "password": "pw"},
        headers={"accept-language": "zh-CN,zh;q=0.9"},
    )
    agent.refresh_from_db()
    assert agent.language == "zh-hans"
    # A later sign-in from an English browser does not undo it: only the switch changes it.
    client.logout()
    client.post("/login/", {"username": agent.username, "password": "pw"}, headers={"accept-language": "en"})
    agent.refresh_from_db()
    assert agent.language == "zh-hans"


def test_a_background_job_writes_in_the_language_of_who_started_it(manager, team, tmp_path, settings):
    """The report's sheets and charts (and an import's row problems) are built by a worker with
    no request: in the language of the person who asked for them."""
    import io

    from openpyxl import load_workbook

    from coaching import tasks
    from coaching.models import ReportJob

    manager.language = "zh-hans"
    manager.save()
    job = ReportJob.objects.create(created_by=manager, month="2026-11-01")
    tasks.report_build(job.pk)  # as a worker runs it: English is active here
    job.refresh_from_db()
    assert job.status == "done", job.error
    with job.file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    assert "汇总" in book.sheetnames and "计算方法" in book.sheetnames, book.sheetnames
    titles = [
        "".join(run.t for paragraph in chart.title.tx.rich.p for run in paragraph.r or [])
        for sheet in book.worksheets
        for chart in sheet._charts
        if chart.title is not None
    ]
    assert titles and all(any("\u4e00" <= ch <= "\u9fff" for ch in title) for title in titles), titles
    # The CSV opens in Excel on a Chinese Windows machine: UTF-8 with a byte-order mark.
    with job.csv_file.open("rb") as handle:
        raw = handle.read()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].decode("utf-8").splitlines()[0]
    assert "坐席" in header and not re.search(r"[A-Za-z]{3,}", header), header


def test_the_api_answers_a_token_in_its_persons_language(reviewer, agent):
    """The API's refusals and problems read in the caller's saved language (else Accept-Language)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    reviewer.language = "zh-hans"
    reviewer.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=reviewer).key}")
    refused = api.post("/api/calibration/", {"title": "x"}, format="json")
    assert refused.status_code == 403 and refused.json()["message"] == "你没有执行此操作的权限。"
    assert refused["Content-Language"] == "zh-hans"
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=agent).key}")
    english = other.get("/api/calibration/", HTTP_ACCEPT_LANGUAGE="en")
    assert (
        english.status_code == 403
        and english.json()["message"] == "You do not have permission to perform this action."
    )


def test_the_admin_names_every_model_and_field_in_the_readers_language(client, admin_user):
    """Every model the admin shows (and its inlines') has translatable names for itself and each
    field; the admin reads in Chinese for a person who chose it."""
    from django.contrib import admin
    from django.utils.functional import Promise

    ours = {"core", "scoring", "reviews", "coaching"}
    models = set()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in ours:
            models.add(model)
            models.update(inline.model for inline in model_admin.inlines)
    untranslatable = [
        f"{m.__name__}.{f.name}"
        for m in models
        for f in m._meta.get_fields()
        if f.concrete and not f.auto_created and not isinstance(f.verbose_name, Promise)
    ] + [m.__name__ for m in models if not isinstance(m._meta.verbose_name, Promise)]
    assert untranslatable == []
    admin_user.language = "zh-hans"
    admin_user.save()
    client.force_login(admin_user)
    assert "绩效记录" in client.get("/admin/coaching/performancerecord/").content.decode()
    form = client.get("/admin/core/team/add/").content.decode()
    assert "增加 班组" in form and "班组长" in form, form[:300]


@pytest.mark.urls("tests.core.error_urls")
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", {"404": "这里什么也没有", "403": "无权访问", "500": "我们这边出错了", "csrf": "登录"}),
        (
            "en",
            {"404": "There is nothing here", "403": "Not allowed", "500": "Something went wrong on our side"},
        ),
    ],
)
def test_the_error_pages_and_the_apis_errors_read_in_the_persons_language(agent, language, words):
    """404, 403, 500 and the CSRF page, and the API's JSON errors, for a person who chose Chinese
    and for one who did not (their browser asks for Chinese: the saved choice wins)."""
    from django.test import Client

    agent.language = language
    agent.save(update_fields=["language"])
    client = Client(
        raise_request_exception=False, headers={"accept-language": "zh-CN" if language == "en" else "en"}
    )
    client.force_login(agent)
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404 and words["404"] in not_found.text
    refused = client.get("/imports/")
    assert refused.status_code == 403 and words["403"] in refused.text
    failed = client.get("/fails/")
    assert failed.status_code == 500 and words["500"] in failed.text
    api = {
        "404": client.get("/api/v1/no-such-thing/").json()["message"],
        "500": client.get("/api/v1/fails/").json()["message"],
    }
    if language == "zh-hans":
        assert api == {"404": "未找到。", "500": "服务器出错，已记录日志。未做任何修改。"}
        anonymous = Client(enforce_csrf_checks=True, headers={"accept-language": "zh-CN"})
        csrf = anonymous.post("/login/", {"username": "x", "password": "y"})
        assert csrf.status_code == 403 and '<html lang="zh-hans">' in csrf.text
        assert not english_words_in(csrf.text)
    else:
        assert api == {
            "404": "Not found.",
            "500": "Something went wrong on the server; it was logged. Nothing was changed.",
        }


def english_words_in(html: str) -> set[str]:
    """The English words a page shows (tags, scripts and styles left out)."""
    import re

    from tests.browser.test_chinese import english_words

    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return english_words(re.sub(r"<[^>]+>", " ", body))


def test_a_word_of_the_rubric_templates_is_not_shared_with_the_interface():
    """ "Acknowledge" is a button (确认: I have read my feedback) and a HEARD step (认错: own the
    problem): one msgid would give both one translation. A template's words that the interface
    also uses carry a context."""
    from django.utils import translation

    from scoring.templates_data import RUBRIC_TEMPLATES

    shared = [
        entry.msgid
        for entry in polib.pofile(str(PO))
        if not entry.msgctxt
        and any(path == "scoring/templates_data.py" for path, _line in entry.occurrences)
        and any(path != "scoring/templates_data.py" for path, _line in entry.occurrences)
    ]
    assert shared == []
    with translation.override("zh-hans"):
        heard = [str(section[0]) for section in RUBRIC_TEMPLATES["heard"].sections]
        assert translation.gettext("Acknowledge") == "确认" and "认错" in heard
