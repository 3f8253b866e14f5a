"""A KPI scheme weighs a template's sections whichever language the rubric was created in, and
what a stored record names (its scheme, its KPIs) reads in the reader's language, not in the
language of whoever built it."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from coaching.models import PerformanceRecord, RecordLevel
from coaching.services.records import records_rebuild
from reviews import services as review_services
from reviews.services.reviewing import ReviewInput
from scoring import services as scoring_services
from scoring.selectors import rubric_spec_pinned
from scoring.templates_data import RUBRIC_TEMPLATES, section_key, section_title
from tests.factories import make_assignment

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)


def test_a_templates_section_has_one_key_in_every_language():
    assert section_key("业务知识") == section_key(" Knowledge ") == section_key("KNOWLEDGE") == "knowledge"
    assert section_key("客户体验") == "customer experience"
    assert section_key("Our own section") == "our own section"  # not a template's: as written
    with translation.override("zh-hans"):
        assert section_title("knowledge") == "业务知识"
        assert section_title("our own section", "Our own section") == "Our own section"
    with translation.override("en"):
        assert section_title("knowledge") == "Knowledge"
    # Two sections with one name in some language could not be told apart: none share one.
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            names = [str(s[0]).strip().lower() for t in RUBRIC_TEMPLATES.values() for s in t.sections]
        assert len(names) == len(set(names)), (code, names)


def release_email(agent, reviewer, day):
    """An e-mail of `agent` scored with the best answer everywhere and released."""
    review = review_services.review_start(
        actor=reviewer,
        assignment=make_assignment(agent, reviewer, channel="email", when=dt.datetime(2026, 11, day, 10)),
    )
    answers = {
        c.key: ("yes" if c.answer_type == "yes_no" else c.bounds()[1])
        for c in rubric_spec_pinned(review.rubric).criteria()
    } | review.data_answers  # the survey criterion keeps the data's answer (N/A: no CSAT)
    data = ReviewInput(
        answers=answers, strengths="Warm.", improvement="Summarise.", encouragement="Keep going."
    )
    review_services.review_submit(actor=reviewer, review=review, data=data, expected_revision=review.revision)


def test_the_starting_email_scheme_weighs_the_sections_of_a_rubric_created_in_chinese(
    client, manager, reviewer, agent, lead
):
    with translation.override("zh-hans"):
        rubric = scoring_services.rubric_create_from_template(actor=manager, template_key="default")
    assert [s.name for s in rubric.sections.order_by("position")][:3] == ["业务知识", "沟通", "流程"]
    scoring_services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
    for day in (3, 4, 5):
        release_email(agent, reviewer, day)
    records_rebuild(month=NOV)

    record = PerformanceRecord.objects.get(level=RecordLevel.AGENT, agent=agent, month=NOV)
    composite = record.figures["composite"]
    assert composite["scheme"] == "Ticketing (e-mail)"  # the starting scheme, by its stored name
    rows = {row["kpi"]: row for row in composite["rows"]}
    # The scheme says "Knowledge" and "Process"; the rubric says 业务知识 and 流程: they match.
    assert (rows["section:knowledge"]["n"], rows["section:knowledge"]["actual"]) == (3, "100.00")
    assert (rows["section:process"]["n"], rows["section:process"]["actual"]) == (3, "100.00")

    url = reverse("coaching:agent_record", args=[agent.pk])
    client.force_login(lead)
    english = client.get(url, headers={"accept-language": "en"}).text
    assert "Ticketing (e-mail)" in english and '<th scope="row">Knowledge</th>' in english
    assert '<th scope="row">Resolution rate</th>' in english
    lead.language = "zh-hans"
    lead.save(update_fields=["language"])
    chinese = client.get(url).text
    assert "工单（邮件）" in chinese and "Ticketing (e-mail)" not in chinese
    assert '<th scope="row">业务知识</th>' in chinese and '<th scope="row">流程</th>' in chinese
    assert '<th scope="row">解决率</th>' in chinese and "Resolution rate" not in chinese


def test_the_starting_schemes_read_in_the_readers_language_until_renamed(client, manager):
    client.force_login(manager)
    url = reverse("coaching:kpi_scheme_list")
    english = client.get(url, headers={"accept-language": "en"}).text
    assert "Online chat" in english and "Technical support" in english
    manager.language = "zh-hans"
    manager.save(update_fields=["language"])
    chinese = client.get(url).text
    assert "在线聊天" in chinese and "技术支持" in chinese and "Online chat" not in chinese
    from coaching.models import KpiScheme

    KpiScheme.objects.filter(name="Online chat").update(name="Chat (Shanghai)")
    assert "Chat (Shanghai)" in client.get(url).text  # a name someone chose is theirs: shown as written
