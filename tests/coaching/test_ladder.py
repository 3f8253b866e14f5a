"""The skill ladder: requirements set by QA managers, the level the records suggest, a lead's
confirmation with its history, and what the agent sees."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from coaching.models import AgentLevel, PerformanceRecord, RecordLevel, SkillLevel
from coaching.selectors.ladder import ladder_position
from coaching.services.ladder import parse_kpis
from core.exceptions import DomainError
from core.models import AuditAction, AuditEvent, Notification

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def test_kpi_thresholds_are_read_and_bad_ones_named():
    assert parse_kpis("fcr >= 70, aht<=420; csat >= 90.5") == [
        {"kpi": "fcr", "at_least": "70"}, {"kpi": "aht", "at_most": "420"}, {"kpi": "csat", "at_least": "90.5"},
    ]  # fmt: skip
    assert parse_kpis("  ") == []
    with pytest.raises(DomainError, match="“speed > 3”"):
        parse_kpis("fcr >= 70, speed > 3")


def months(agent, values):
    """Records for the months before TODAY's: [(qa_mean, n, critical, fcr)], oldest first."""
    start = dt.date(2026, 11 - len(values), 1)
    for i, (mean, n, critical, fcr) in enumerate(values):
        PerformanceRecord.objects.create(
            level=RecordLevel.AGENT, agent=agent, team=agent.team, month=start.replace(month=start.month + i),
            reviews_n=n, qa_mean=D(mean), critical_n=critical, built_at="2026-11-01T00:00Z",
            figures={"kpis": {"fcr": {"value": fcr, "n": 50}}}, fingerprint=str(i),
        )  # fmt: skip


def test_the_records_suggest_a_level_and_show_what_the_next_asks(agent):
    agent.hired_on = dt.date(2025, 6, 1)  # 17 months
    agent.save()
    months(agent, [("88.00", 15, 0, "72.00"), ("90.00", 15, 0, "75.00"), ("92.00", 15, 1, "80.00")])
    position = ladder_position(agent=agent, today=TODAY)
    assert position["current"] == "junior" and position["suggested"] == "intermediate"
    rows = {r["label"]: r for r in position["next_rows"]}  # intermediate: QA >= 85 over 3 months, 3 months in
    assert rows["QA mean over the last 3 months"]["actual"] == "90.00 (n = 45)" and rows["Tenure"]["met"]
    AgentLevel.objects.create(agent=agent, level="intermediate")
    position = ladder_position(agent=agent, today=TODAY)
    rows = {r["label"]: r for r in position["next_rows"]}  # senior: QA >= 90, no critical failure in 3 months
    assert rows["QA mean over the last 3 months"]["met"] is True
    assert rows["No critical failure for 3 months"]["met"] is False  # one in October
    assert position["suggested"] == "intermediate"


def test_a_manager_sets_requirements_and_others_may_not(client, manager, lead):
    level = SkillLevel.objects.get(level="senior")
    url = reverse("coaching:ladder_level_save", args=[level.pk])
    form = {"senior-qa_mean_min": "91", "senior-months": "3", "senior-no_critical_months": "2",
            "senior-tenure_months": "9", "senior-kpis_text": "fcr >= 75"}  # fmt: skip
    client.force_login(manager)
    assert "Skill ladder" in client.get(reverse("coaching:ladder")).content.decode()
    assert client.post(url, form).status_code == 302
    level.refresh_from_db()
    assert (level.qa_mean_min, level.tenure_months, level.kpis) == (
        D("91.00"),
        9,
        [{"kpi": "fcr", "at_least": "75"}],
    )
    assert AuditEvent.objects.filter(action=AuditAction.LADDER_LEVEL_SAVED).count() == 1
    bad = client.post(url, form | {"senior-kpis_text": "fcr = 75"})
    assert bad.status_code == 400 and "is not one of them" in bad.content.decode()
    client.force_login(lead)
    assert client.get(reverse("coaching:ladder")).status_code == 403
    assert client.post(url, form).status_code == 403


def test_a_lead_confirms_a_level_and_the_agent_sees_it(client, lead, agent, outsider, other_lead):
    client.force_login(lead)
    url = reverse("coaching:level_confirm", args=[agent.pk])
    response = client.post(url, {"level": "intermediate", "note": "Three good months", "next": "/coaching/"})
    assert response.status_code == 302 and response.url == "/coaching/"
    confirmed = AgentLevel.objects.get(agent=agent)
    assert (confirmed.level, confirmed.confirmed_by, confirmed.note) == (
        "intermediate",
        lead,
        "Three good months",
    )
    assert Notification.objects.filter(recipient=agent, message__contains="Intermediate").exists()
    from coaching.services.sessions import session_plan

    planner = client.get(reverse("coaching:session_detail", args=[session_plan(actor=lead, agent=agent).pk]))
    history = re.search(r"History: Intermediate \(\d{4}-\d\d-\d\d, (.+?)\)", planner.content.decode())
    assert history and history.group(1) == f"{lead}: “Three good months”"
    assert (
        client.post(reverse("coaching:level_confirm", args=[outsider.pk]), {"level": "expert"}).status_code
        == 404
    )
    client.force_login(other_lead)
    assert client.post(url, {"level": "expert"}).status_code == 404
    client.force_login(agent)
    assert client.post(url, {"level": "expert"}).status_code == 403
    body = client.get(reverse("coaching:my_coaching")).content.decode()
    assert "My level" in body and "Intermediate" in body and "What Senior asks for" in body
    assert AgentLevel.objects.count() == 1


def test_a_manager_sets_the_low_score_threshold_and_the_loop_window(client, manager, lead):
    from coaching.models import CoachingSettings

    client.force_login(manager)
    url = reverse("coaching:coaching_settings_save")
    assert client.post(url, {"low_score": "75", "loop_window": "4"}).status_code == 302
    assert (CoachingSettings.current().low_score, CoachingSettings.current().loop_window) == (D("75.00"), 4)
    assert AuditEvent.objects.filter(action=AuditAction.COACHING_SETTINGS_SAVED).exists()
    assert client.post(url, {"low_score": "175", "loop_window": "1"}).status_code == 400
    assert CoachingSettings.objects.count() == 1
    client.force_login(lead)
    assert client.post(url, {"low_score": "10", "loop_window": "5"}).status_code == 403
