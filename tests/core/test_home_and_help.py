"""Home pages link to what exists and show the month so far; the documentation is readable in the
app; terms link to their explanation (issue 17 §6)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from coaching.selectors.records import ATTENTION, by_severity
from core.views import HELP_PAGES

pytestmark = pytest.mark.django_db


def test_the_managers_home_shows_the_month_so_far_and_links_what_exists(client, manager):
    client.force_login(manager)
    page = client.get(reverse("manager_home")).content.decode()
    assert "Coming" not in page
    assert "The month so far" in page and "sampled interactions released" in page
    for name in ("coaching:programme", "reviews:sampling", "reviews:import_list", "reviews:review_list",
                 "coaching:coaching_results", "coaching:report_request", "coaching:kpi_scheme_list"):  # fmt: skip
        assert reverse(name) in page, name
    assert reverse("help", args=["metrics"]) in page


def test_the_documents_are_pages_with_anchors_and_links_between_them(client, agent):
    assert client.get(reverse("help", args=["metrics"])).status_code == 302  # sign in first
    client.force_login(agent)
    page = client.get(reverse("help", args=["metrics"])).content.decode()
    assert '<h2 id="the-composite-score-kpi-schemes">' in page and "<table>" in page
    coaching = client.get(reverse("help", args=["coaching"])).content.decode()
    assert 'id="the-loop-did-coaching-work"' in coaching
    assert client.get(reverse("help", args=["settings"])).status_code == 404
    readme_links = client.get(reverse("help", args=["domain"])).content.decode()
    assert '.md"' not in readme_links  # links between documents point at the help pages


def test_a_lead_plans_a_1on1_from_the_agent_record(client, lead, agent):
    client.force_login(lead)
    page = client.get(reverse("coaching:agent_record", args=[agent.pk])).content.decode()
    assert reverse("coaching:session_plan", args=[agent.pk]) in page and "Plan a 1-on-1" in page
    client.force_login(agent)
    assert "Plan a 1-on-1" not in client.get(reverse("coaching:my_performance")).content.decode()


def test_needs_attention_is_ordered_by_severity_not_by_name():
    rows = [
        {"name": "Ann", "reasons": ["short_sample"], "mean": 70},
        {"name": "Bob", "reasons": ["below_target"], "mean": 80},
        {"name": "Cy", "reasons": ["below_target"], "mean": 60},
        {"name": "Dee", "reasons": ["critical", "below_target"], "mean": 85},
        {"name": "Eve", "reasons": ["critical"], "mean": 50},
        {"name": "Fay", "reasons": [], "mean": 10},
    ]
    assert ATTENTION[0] == "critical"
    ordered = by_severity(rows, reasons=lambda r: r["reasons"], mean=lambda r: r["mean"])
    assert [r["name"] for r in ordered] == ["Dee", "Eve", "Cy", "Bob", "Ann"]


def test_the_workspace_says_which_days_its_recent_lists_cover(client, lead):
    client.force_login(lead)
    page = client.get(reverse("coaching:workspace")).content.decode()
    assert "released since 20" in page


def test_the_team_list_shows_each_teams_qa_90_90_flags_and_change(client, manager, team, other_team):
    from django.utils import timezone

    from coaching.models import PerformanceRecord, RecordLevel
    from coaching.services.records import previous_month
    from core.fields import month_to_open

    month = month_to_open(timezone.localdate())
    PerformanceRecord.objects.create(
        built_at=timezone.now(), level=RecordLevel.TEAM, team=team, month=month, reviews_n=12, qa_mean=86, qa_low="84.10", qa_high="87.90",
        flags=["below_target"], figures={"ninety_ninety": {"share": "75", "reached": 3, "n": 4, "met": False}},
    )  # fmt: skip
    PerformanceRecord.objects.create(
        built_at=timezone.now(), level=RecordLevel.TEAM, team=team, month=previous_month(month), reviews_n=10, qa_mean=80,
        qa_low="76.00", qa_high="83.50",
    )  # fmt: skip
    client.force_login(manager)
    page = client.get(reverse("coaching:team_home")).content.decode()
    assert "86.00" in page and "+6.00" in page and "real rise" in page
    assert '75% <span class="hint">(3/4)</span>' in page and "missed" in page and "Below target" in page
    assert "the month the dashboards open on" in page


def test_dates_have_one_format_everywhere():
    """Issue 17 §6: a date left to Django's default shows as on every other page (ISO)."""
    import datetime as dt

    from django.template import Context, Template

    out = Template("{{ d }}|{{ t }}|{{ d|date }}").render(
        Context({"d": dt.date(2026, 12, 4), "t": dt.datetime(2026, 12, 4, 10, 5)})
    )
    assert out == "2026-12-04|2026-12-04 10:05|2026-12-04"


def test_each_agent_row_says_its_change_against_last_month(client, lead, agent, team):
    from django.utils import timezone

    from coaching.models import PerformanceRecord, RecordLevel
    from coaching.services.records import previous_month
    from core.fields import month_to_open

    month = month_to_open(timezone.localdate())
    for when, mean, low, high in (
        (month, 70, "65.00", "75.00"),
        (previous_month(month), 86, "84.10", "87.90"),
    ):
        PerformanceRecord.objects.create(
            built_at=timezone.now(), level=RecordLevel.AGENT, agent=agent, team=team, month=when, reviews_n=8,
            qa_mean=mean, qa_low=low, qa_high=high,
        )  # fmt: skip
    client.force_login(lead)
    page = client.get(reverse("coaching:team_dashboard", args=[team.pk])).content.decode()
    assert "-16.00" in page and "real fall" in page


def test_every_headline_figure_says_its_change_against_last_month(client, lead, team):
    """QA mean with its intervals (real or not); 90/90, critical failures and the composite as a
    plain difference (they have no interval)."""
    from django.utils import timezone

    from coaching import metrics
    from coaching.models import PerformanceRecord, RecordLevel
    from coaching.services.records import previous_month
    from core.fields import month_to_open

    month = month_to_open(timezone.localdate())
    for when, critical, composite, share in (
        (month, 3, "81.50", "80"),
        (previous_month(month), 1, "84.00", "90"),
    ):
        PerformanceRecord.objects.create(
            built_at=timezone.now(), level=RecordLevel.TEAM, team=team, month=when, reviews_n=20, qa_mean=85,
            qa_low="80.00", qa_high="90.00", critical_n=critical, composite=composite,
            figures={"ninety_ninety": {"share": share, "reached": 8, "n": 10, "met": False},
                     "qa": metrics.qa_figures(metrics.empty_parts()["qa"]), "kpis": {}},
        )  # fmt: skip
    client.force_login(lead)
    page = client.get(reverse("coaching:team_dashboard", args=[team.pk])).content.decode()
    assert '+2 <span class="hint">against last month' in page  # critical failures 1 -> 3
    assert '-2.50 <span class="hint">against last month' in page  # composite
    assert '-10% <span class="hint">against last month' in page  # 90/90 share
    assert "within the intervals" in page  # the QA mean: 85 -> 85


def _structure(text: str) -> dict:
    """What a translation must keep of a document: its headings' anchors (the pages link to
    them), its code (`…`: commands, settings, paths), its decimal figures (the worked examples)
    and its tables."""
    import re

    from core.display import _anchor

    body = re.sub(r"```.*?```", "", text, flags=re.S)
    anchors = []
    for heading in re.findall(r"^#{2,6} (.+)$", body, flags=re.M):
        explicit = re.search(r"\{#([\w-]+)\}\s*$", heading)
        anchors.append(explicit[1] if explicit else _anchor(heading))
    return {
        "anchors": anchors,
        "code": sorted(set(re.findall(r"`([^`\n]+)`", body))),
        "decimals": sorted(set(re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])", body))),
        "tables": len(re.findall(r"^\|[-| ]+\|$", body, flags=re.M)),
    }


@pytest.mark.parametrize("name", HELP_PAGES)
def test_every_help_page_has_a_chinese_document_that_keeps_its_anchors_code_and_figures(name):
    """docs/zh-hans/<name>.md is docs/<name>.md in Chinese: a heading, a command or a figure of a
    worked example added to one and not the other fails here."""
    docs = settings.BASE_DIR / "docs"
    english = _structure((docs / f"{name}.md").read_text(encoding="utf-8"))
    chinese_text = (docs / "zh-hans" / f"{name}.md").read_text(encoding="utf-8")
    chinese = _structure(chinese_text)
    assert chinese["anchors"] == english["anchors"]
    assert set(english["code"]) <= set(chinese["code"]), set(english["code"]) - set(chinese["code"])
    assert set(english["decimals"]) <= set(chinese["decimals"]), set(english["decimals"]) - set(
        chinese["decimals"]
    )
    assert chinese["tables"] == english["tables"]
    prose = re.sub(r"`[^`]*`|```.*?```|\(\S+\.md[^)]*\)", "", chinese_text, flags=re.S)
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in prose) > len(prose) // 4  # written in Chinese


def test_the_help_pages_read_in_the_persons_language_with_the_same_anchors(client, agent):
    client.force_login(agent)
    english = client.get(reverse("help", args=["metrics"]), headers={"accept-language": "en"}).text
    assert "<title>Performance records" in english or "Performance records: every figure" in english
    agent.language = "zh-hans"
    agent.save(update_fields=["language"])
    page = client.get(reverse("help", args=["metrics"])).text
    assert "绩效记录：每个数字及其计算方法" in page and "Performance records: every figure" not in page
    assert '<h2 id="the-composite-score-kpi-schemes">综合得分（KPI 方案）</h2>' in page
    assert '<h2 id="flags">标记</h2>' in page and "{#" not in page
    assert 'href="/help/domain/"' in page  # links between the documents still lead to the help pages
    assert 'aria-current="page">绩效记录与数字</a>' in page and ">业务背景</a>" in page  # the help menu


def test_a_wrapped_chinese_line_shows_no_space_where_its_source_line_ended():
    from core.display import markdown_page

    _title, html = markdown_page(
        "# 标题\n\n质检分数\n和每个维度。An English\nline keeps its space.\n", pages=()
    )
    assert "质检分数和每个维度。An English\nline keeps its space." in html
