"""Building performance records from reviews and interactions: the worked examples of
docs/metrics.md through the database, rollups, idempotence and every way a rebuild starts."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from coaching import tasks
from coaching.models import KpiScheme, PerformanceRecord, RecordLevel
from coaching.services.records import Flag, _ninety_ninety, records_rebuild
from reviews import services as review_services
from scoring import services as scoring_services
from scoring.models import Criterion
from tests.coaching.conftest import NOV
from tests.factories import AgentFactory, make_assignment, make_interaction
from tests.reviews.conftest import full

pytestmark = pytest.mark.django_db


def record(agent, month=NOV):
    return PerformanceRecord.objects.get(level=RecordLevel.AGENT, agent=agent, month=month)


CALLS = [  # docs/metrics.md, worked example 6: (answered, wait, talk, hold, acw, fcr, csat, nps, effort, escalated, repeat)
    (True, 10, 300, 40, 60, True, 5, 10, 2, False, False),
    (True, 15, 350, 20, 30, True, 5, 9, 3, False, False),
    (True, 20, 320, 30, 50, True, 4, 9, 4, False, False),
    (True, 5, 300, 60, 40, False, 3, 7, None, False, True),
    (True, 18, 340, 40, 20, True, 2, 3, None, True, False),
    (True, 12, 330, 50, 20, True, None, None, None, False, False),
    (True, 40, 310, 40, 50, False, None, None, None, False, True),
    (True, 30, 300, 40, 60, True, None, None, None, False, False),
    (True, 30, 320, 40, 40, None, None, None, None, False, False),
    (False, 60, 0, 0, 0, None, None, None, None, False, False),
]


def test_example_6_one_agents_month_of_phone_calls(agent):
    for day, (answered, wait, talk, hold, acw, fcr, csat, nps, effort, escalated, repeat) in enumerate(
        CALLS, 1
    ):
        make_interaction(
            agent, dt.datetime(2026, 11, day, 10), "phone", answered=answered, wait_seconds=wait,
            talk_seconds=talk, hold_seconds=hold, acw_seconds=acw, first_contact_resolved=fcr, csat=csat,
            nps=nps, effort=effort, escalated=escalated, repeat_contact=repeat,
        )  # fmt: skip
    records_rebuild(month=NOV)
    kpis = record(agent).figures["kpis"]
    got = {code: (k["value"], k["n"]) for code, k in kpis.items()}
    assert got["volume"] == ("9", 10) and kpis["volume"]["channels"] == {"phone": 9}
    assert got["abandonment"] == ("10.00", 10)
    assert got["aht"] == ("400.00", 9) and got["hold_share"] == ("10.00", 9)
    assert got["asa"] == ("20.00", 9)
    assert got["fcr"] == ("75.00", 8)
    assert got["csat"] == ("60.00", 5) and got["csat_mean"] == ("3.80", 5)
    assert got["nps"] == ("40.00", 5) and got["ces"] == ("3.00", 3)
    assert got["escalation"] == ("11.11", 9) and got["repeat"] == ("22.22", 9)
    assert got["service_level"] == ("60.00", 10)
    assert got["utilisation"] == (None, 0)
    assert record(agent).interactions_n == 10


QUEUE_CALLS = [  # docs/metrics.md, worked example 10: (agent, queue, answered, wait)
    ("a", "Billing", True, 10), ("a", "Billing", True, 25), ("a", "Billing", True, 15), ("a", "Billing", False, 60),
    ("b", "Billing", True, 5), ("b", "Billing", True, 30),
    ("b", "Sales", True, 10), ("b", "Sales", True, 12), ("b", "Sales", True, 50),
]  # fmt: skip


def test_example_10_queues_of_a_team_and_the_programme(agent, team):
    mate = AgentFactory(username="mate", team=team)
    who = {"a": agent, "b": mate}
    for day, (person, queue, answered, wait) in enumerate(QUEUE_CALLS, 1):
        make_interaction(
            who[person], dt.datetime(2026, 11, day, 10), "phone", queue=queue, answered=answered,
            wait_seconds=wait, talk_seconds=240 if answered else 0, hold_seconds=30 if answered else 0,
            acw_seconds=30 if answered else 0,
        )  # fmt: skip
    records_rebuild(month=NOV)
    for level, owner in ((RecordLevel.TEAM, {"team": team}), (RecordLevel.PROGRAMME, {})):
        figures = PerformanceRecord.objects.get(level=level, month=NOV, **owner).figures
        queues = {q["queue"]: q for q in figures["queues"]}
        assert list(queues) == ["Billing", "Sales"]
        billing, sales = queues["Billing"], queues["Sales"]
        assert billing["offered"] == 6 and billing["volume"] == {"value": "5", "n": 6}
        assert billing["abandonment"] == {"value": "16.67", "n": 6}
        assert billing["service_level"] == {"value": "50.00", "n": 6}
        assert billing["asa"] == {"value": "17.00", "n": 5} and billing["aht"] == {"value": "300.00", "n": 5}
        assert sales["abandonment"] == {"value": "0.00", "n": 3}
        assert sales["service_level"] == {"value": "66.67", "n": 3} and sales["asa"] == {
            "value": "24.00",
            "n": 3,
        }
        assert figures["kpis"]["abandonment"] == {"value": "11.11", "n": 9}
        assert figures["kpis"]["service_level"] == {"value": "55.56", "n": 9}


def test_qa_figures_come_from_released_reviews_only(agent, reviewer, keys, release):
    release(agent)  # 95.00
    release(agent, c2="1")  # Explains clearly 1 of 4: Knowledge 75.00, total 85.00
    draft = review_services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
    review_services.review_save(actor=reviewer, review=draft, data=full(keys, c3="no"), expected_revision=1)
    records_rebuild(month=NOV)
    r = record(agent)
    assert (r.reviews_n, r.qa_mean, r.qa_target) == (2, D("90.00"), D("94.00"))
    qa = r.figures["qa"]
    assert (qa["min"], qa["max"], qa["critical"]) == ("85.00", "95.00", 0)
    sections = {s["name"]: s for s in qa["sections"]}
    assert sections["Knowledge"]["n"] == 2 and sections["Knowledge"]["mean"] == "83.34"  # (91.67 + 75) ÷ 2
    criteria = {c["label"]: c for c in qa["criteria"]}
    assert criteria["States facts accurately"]["value"] == "100.00"  # yes, yes: pass rate
    assert criteria["Explains clearly"]["value"] == "50.00"  # 3 and 1 of 0-4: 75 % and 25 %
    assert Flag.SHORT_SAMPLE in r.flags and Flag.BELOW_TARGET in r.flags


def test_a_critical_failure_scores_zero_and_keeps_the_raw_total(agent, release):
    release(agent)
    release(agent, c3="no")
    records_rebuild(month=NOV)
    qa = record(agent).figures["qa"]
    assert (qa["mean"], qa["raw_mean"], qa["critical"], qa["critical_rate"]) == ("47.50", "75.00", 1, "50.00")
    assert Flag.CRITICAL in record(agent).flags


def test_no_data_is_a_dash_not_a_zero(agent):
    records_rebuild(month=NOV)
    r = record(agent)
    assert r.reviews_n == 0 and r.qa_mean is None and r.composite is None
    assert r.figures["qa"]["mean"] is None and r.figures["kpis"]["aht"] == {"value": None, "n": 0}


def test_sections_keep_one_trend_across_rubric_versions(agent, manager, reviewer, rubric, release):
    release(agent)
    v2 = scoring_services.rubric_new_version(actor=manager, rubric=rubric)
    v2 = scoring_services.rubric_publish(actor=manager, rubric=v2, expected_revision=v2.revision)
    keys2 = [
        str(pk)
        for pk in Criterion.objects.filter(section__rubric=v2)
        .order_by("section__position", "position")
        .values_list("pk", flat=True)
    ]
    review = review_services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
    assert review.rubric == v2
    review_services.review_submit(
        actor=reviewer, review=review, data=full(keys2), expected_revision=review.revision
    )
    records_rebuild(month=NOV)
    qa = record(agent).figures["qa"]
    assert [s["name"] for s in qa["sections"]] == ["Knowledge", "Process"]
    assert all(s["n"] == 2 for s in qa["sections"])
    assert all(c["n"] == 2 for c in qa["criteria"])
    assert qa["rubrics"] == [
        {"lineage": str(rubric.lineage), "name": "Test rubric", "versions": [1, 2], "n": 2}
    ]


def test_team_and_programme_rollups_pool_their_agents(team, other_team, agent, outsider, release):
    mate = AgentFactory(username="mate", team=team)
    release(agent)  # 95
    release(agent, c2="1")  # 85
    release(mate)  # 95
    release(outsider, c3="no")  # 0
    records_rebuild(month=NOV)
    team_record = PerformanceRecord.objects.get(level=RecordLevel.TEAM, team=team, month=NOV)
    assert (team_record.agents_n, team_record.reviews_n, team_record.qa_mean) == (2, 3, D("91.67"))
    programme = PerformanceRecord.objects.get(level=RecordLevel.PROGRAMME, month=NOV)
    assert (programme.agents_n, programme.reviews_n, programme.qa_mean, programme.critical_n) == (
        3,
        4,
        D("68.75"),
        1,
    )
    # 90/90: agent 90.00 and mate 95.00 reach 90 % of 94.00 (84.60); the team meets it.
    assert team_record.figures["ninety_ninety"] == {"share": "100.00", "reached": 2, "n": 2, "met": True}
    assert Flag.NINETY_MISSED in programme.flags  # the outsider's 0.00 makes it 2 of 3


def test_example_9_ninety_ninety():
    class R:
        def __init__(self, near):
            self.qa_mean, self.qa_target = D("80"), D("90")
            self.flags = [Flag.NEAR_TARGET] if near else []

    assert _ninety_ninety([R(True)] * 8 + [R(False)] * 2) == {
        "share": "80.00",
        "reached": 8,
        "n": 10,
        "met": False,
    }


def test_rebuilding_is_idempotent(agent, release):
    release(agent)
    first = records_rebuild(month=NOV)
    assert first.created == 3  # the agent, the team, the programme
    before = {r.pk: (r.built_at, r.fingerprint) for r in PerformanceRecord.objects.all()}
    again = records_rebuild(month=NOV)
    assert (again.created, again.changed, again.unchanged, again.deleted) == (0, 0, 3, 0)
    assert {r.pk: (r.built_at, r.fingerprint) for r in PerformanceRecord.objects.all()} == before


def test_falling_compares_with_last_month(agent, release):
    oct_ = dt.date(2026, 10, 1)
    for _ in range(3):
        release(agent, when=dt.datetime(2026, 10, 5, 10))  # October: 95, 95, 95 and 100
    release(agent, when=dt.datetime(2026, 10, 6, 10), c2="4")  # 100
    for c2 in ("0", "1", "0"):
        release(agent, c2=c2)  # November: 80, 85, 80 (interval 74.5 – 88.8, under October's 92.3)
    records_rebuild(month=oct_)
    records_rebuild(month=NOV)
    assert Flag.FALLING in record(agent).flags
    assert Flag.FALLING not in record(agent, oct_).flags


def four_good_calls(agent):
    """Four November calls, each answered after 25 s, resolved first time, CSAT 5."""
    for day in range(1, 5):
        make_interaction(
            agent,
            dt.datetime(2026, 11, day, 10),
            "phone",
            wait_seconds=25,
            first_contact_resolved=True,
            csat=5,
        )


def test_a_composite_uses_the_agents_main_channel_scheme(agent):
    KpiScheme.objects.filter(name="Phone").update(min_n=4)  # four calls count here
    four_good_calls(agent)
    make_interaction(agent, dt.datetime(2026, 11, 6, 10), "email", wait_seconds=3600)
    records_rebuild(month=NOV)
    composite = record(agent).figures["composite"]
    assert composite["scheme"] == "Phone"
    rows = {r["kpi"]: r for r in composite["rows"]}
    assert rows["asa"]["actual"] == "25.00" and rows["asa"]["n"] == 4  # the e-mail's wait is not a call's
    # ASA 20/25 = 80 %, FCR capped at 100 %, CSAT 100/90 capped at 100 %: (25×0.8 + 30 + 25) ÷ 80.
    assert composite["value"] == "93.75" and record(agent).composite == D("93.75")


def test_a_teams_own_scheme_comes_first(agent, team):
    scheme = KpiScheme.objects.get(name="Technical support")
    scheme.team = team
    scheme.save()
    make_interaction(
        agent, dt.datetime(2026, 11, 2, 10), "phone", wait_seconds=45, first_contact_resolved=True
    )
    records_rebuild(month=NOV)
    assert record(agent).figures["composite"]["scheme"] == "Technical support"


def test_releasing_or_changing_a_review_rebuilds_the_record_after_commit(
    agent, reviewer, keys, release, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = release(agent)
    assert record(agent).qa_mean == D("95.00")
    with django_capture_on_commit_callbacks(execute=True):
        review_services.review_change(
            actor=reviewer, review=review, data=full(keys, c2="1"), expected_revision=review.revision
        )
    assert record(agent).qa_mean == D("85.00")
    assert PerformanceRecord.objects.get(level=RecordLevel.PROGRAMME, month=NOV).qa_mean == D("85.00")


def test_a_rolled_back_release_rebuilds_nothing(agent, release):
    release(agent)  # never committed in this test: no handler runs
    assert not PerformanceRecord.objects.exists()


def test_an_import_rebuilds_the_months_it_touched(agent, manager, django_capture_on_commit_callbacks):
    from reviews.services.imports import interactions_import_items

    items = [
        {
            "source_id": "A1",
            "agent": agent.username,
            "channel": "phone",
            "started_at": "2026-10-03T10:00:00Z",
            "talk_seconds": 300,
        },
        {
            "source_id": "A2",
            "agent": agent.username,
            "channel": "phone",
            "started_at": "2026-11-03T10:00:00Z",
            "talk_seconds": 200,
        },
    ]
    with django_capture_on_commit_callbacks(execute=True):
        interactions_import_items(actor=manager, items=items)
    assert record(agent, dt.date(2026, 10, 1)).interactions_n == 1
    assert record(agent).figures["kpis"]["aht"]["value"] is not None


def test_records_rebuild_command(agent, release, capsys):
    release(agent)
    call_command("records_rebuild", "--month", "2026-11")
    assert "2026-11: 3 created, 0 changed, 0 unchanged, 0 removed" in capsys.readouterr().out
    call_command("records_rebuild", "--all")
    assert "2026-11: 0 created, 0 changed, 3 unchanged, 0 removed" in capsys.readouterr().out
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("records_rebuild", "--month", "November")
    with pytest.raises(CommandError, match="Say which months"):
        call_command("records_rebuild")


def test_the_tasks_rebuild_a_month_and_the_recent_months(agent, release):
    release(agent)
    assert tasks.record_rebuild.apply(args=["2026-11-01", [agent.pk]]).get()["created"] == 3
    from unittest import mock

    from django.utils import timezone

    with mock.patch.object(timezone, "localdate", return_value=dt.date(2026, 12, 2)):
        result = tasks.records_rebuild_recent.apply().get()
    assert result["unchanged"] == 3  # November again, and December (nothing yet for the agent)
    assert PerformanceRecord.objects.filter(month=dt.date(2026, 12, 1), agent=agent).exists()
    assert record(agent).reviews_n == 1 and record(agent).figures["qa"]["n"] == 1


def test_records_read_the_result_rows_and_verify_scores_fix_restores_them(agent, release, capsys):
    """Records sum the criterion and section rows: rows lost are found by verify_scores and
    written again by --fix, and the record comes out the same."""
    from django.core.management import CommandError, call_command

    from reviews.models import CriterionResult, SectionResult

    release(agent, c2="1")
    records_rebuild(month=NOV)
    kept = record(agent).figures["qa"]
    CriterionResult.objects.all().delete()
    SectionResult.objects.all().delete()
    PerformanceRecord.objects.all().delete()
    records_rebuild(month=NOV)
    assert record(agent).figures["qa"]["criteria"] == [] and record(agent).figures["qa"]["sections"] == []
    with pytest.raises(CommandError, match="1 of 1 reviews do not match"):
        call_command("verify_scores")
    assert "no row stored" in capsys.readouterr().out
    call_command("verify_scores", "--fix")
    assert "Repaired 1 of 1 reviews." in capsys.readouterr().out
    call_command("verify_scores")
    PerformanceRecord.objects.all().delete()
    records_rebuild(month=NOV)
    assert record(agent).figures["qa"] == kept


def test_a_composite_needs_data_enough(agent):
    """Default minimums: a KPI counts from n = 10; the composite needs 60 % of the weight."""
    four_good_calls(agent)
    records_rebuild(month=NOV)
    composite = record(agent).figures["composite"]
    assert composite["value"] is None and record(agent).composite is None
    rows = {r["kpi"]: r for r in composite["rows"]}
    assert rows["asa"]["too_few"] and rows["asa"]["counted"] is None and rows["asa"]["attainment"] == "80.00"
    KpiScheme.objects.filter(name="Phone").update(min_n=4, min_weight=90)  # ASA, FCR, CSAT: 80 of 100
    records_rebuild(month=NOV)
    assert record(agent).figures["composite"]["value"] is None
    KpiScheme.objects.filter(name="Phone").update(min_weight=80)
    records_rebuild(month=NOV)
    assert record(agent).figures["composite"]["value"] == "93.75"
