import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.models import Role, Team, User
from reviews.models import Assignment, Interaction, SampleItem
from scoring.models import Rubric, RubricStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_documented_logins_and_is_idempotent(capsys, settings):
    settings.DEBUG = True  # pytest-django turns it off; a development install has it on
    call_command("seed_demo", "--history-months", "0")  # the history has its own test below
    out = capsys.readouterr().out
    assert "password for all: demo" in out
    call_command("seed_demo", "--history-months", "0")

    assert User.objects.count() == 1 + 3 + 3 + 24
    assert User.objects.get(username="manager").role == Role.MANAGER
    assert User.objects.filter(username__startswith="reviewer", role=Role.REVIEWER).count() == 3
    assert Team.objects.count() == 3
    for i in range(1, 4):
        lead = User.objects.get(username=f"lead{i}")
        assert lead.role == Role.LEAD and lead.led_teams.count() == 1
    agents = User.objects.filter(role=Role.AGENT)
    assert agents.count() == 24
    assert all(t.agents.count() == 8 for t in Team.objects.all())
    assert User.objects.get(username="agent1").check_password("demo")

    assert Interaction.objects.filter(source="demo").count() > 2000
    assert set(Interaction.objects.values_list("channel", flat=True)) >= {"phone", "chat", "email"}
    assert (
        Interaction.objects.filter(escalated=True).exists()
        and Interaction.objects.filter(repeat_contact=True).exists()
    )
    # This month's sample is drawn (15 each, 20 for the new starters) and assigned.
    month = timezone.localdate().replace(day=1)
    assert SampleItem.objects.filter(month=month).count() == 21 * 15 + 3 * 20
    assert Assignment.objects.filter(month=month).count() == 21 * 15 + 3 * 20
    assert Rubric.objects.count() == 2
    assert set(Rubric.objects.values_list("status", flat=True)) == {RubricStatus.PUBLISHED}


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="do not belong on a production server"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_scores_some_reviews_the_way_the_engine_does(settings):
    from reviews.models import Review, ReviewStatus, SampleDraw

    settings.DEBUG = True
    call_command("seed_demo", "--history-months", "0")
    call_command("seed_demo", "--history-months", "0")  # a second run adds no reviews and no empty draw
    released = Review.objects.exclude(status=ReviewStatus.DRAFT)
    assert released.count() == 18 and Review.objects.filter(status=ReviewStatus.DRAFT).count() == 6
    assert Review.objects.filter(status=ReviewStatus.ACKNOWLEDGED).count() == 3
    assert all(r.strengths and r.improvement and r.encouragement for r in released)
    # Spread over the agents: nobody has more than two.
    per_agent = {}
    for agent_id in Review.objects.values_list("agent_id", flat=True):
        per_agent[agent_id] = per_agent.get(agent_id, 0) + 1
    assert max(per_agent.values()) <= 2
    assert SampleDraw.objects.count() == 1
    # Everyday channels are scored on the standard rubric, social media on HEARD.
    assert {
        r.rubric.name for r in Review.objects.filter(interaction__channel__in=["phone", "chat", "email"])
    } == {"Standard service quality"}
    # The survey criterion is answered from CSAT: the data's answer, N/A where the customer did
    # not answer, never a score for an empty survey; one reviewer answered otherwise, with a reason.
    from scoring.models import Criterion

    survey = set(Criterion.objects.filter(data_field="csat").values_list("pk", flat=True))
    checked = 0
    for review in Review.objects.filter(rubric__name="Standard service quality").select_related(
        "interaction"
    ):
        for key, answer in review.answers.items():
            if int(key) in survey:
                csat = review.interaction.csat
                assert review.data_answers[key] == ("na" if csat is None else csat)
                assert answer == review.data_answers[key] or review.overrides[key]
                checked += 1
    assert checked >= 10
    overridden = Review.objects.exclude(overrides={})
    assert overridden.exists() and all(all(r.overrides.values()) for r in overridden)
    call_command("verify_scores")


def test_seed_demo_fills_six_months_of_history_that_the_dashboards_can_show(settings):
    """Some agents improve, one falls, one has a run of critical failures, one a short sample;
    a second run duplicates nothing."""

    from coaching.models import (
        ActionItem,
        CoachingSession,
        GrowNote,
        ItemStatus,
        PerformanceRecord,
        RecordLevel,
    )
    from coaching.selectors.loop import coached_targets
    from coaching.services.records import Flag
    from demo.history import past_months
    from reviews.models import Review, SampleDraw

    settings.DEBUG = True
    call_command("seed_demo")
    counts = (
        Review.objects.count(), Interaction.objects.count(), PerformanceRecord.objects.count(),
        CoachingSession.objects.count(),
    )  # fmt: skip
    call_command("seed_demo")
    assert (
        Review.objects.count(), Interaction.objects.count(), PerformanceRecord.objects.count(),
        CoachingSession.objects.count(),
    ) == counts  # fmt: skip

    # Each lead has past 1-on-1s with notes (one private) and items: some done, one overdue;
    # a coached criterion that visibly improved and one that did not.
    today = timezone.localdate()
    for lead in User.objects.filter(role=Role.LEAD):
        assert CoachingSession.objects.filter(lead=lead, status="closed").count() >= 2
    assert GrowNote.objects.filter(shared=False).exists() and GrowNote.objects.filter(shared=True).exists()
    assert ActionItem.objects.filter(status=ItemStatus.DONE).exists()
    assert ActionItem.objects.filter(status=ItemStatus.OPEN, due_on__lt=today).exists()
    verdicts = {row["verdict"].verdict for row in coached_targets(sessions=CoachingSession.objects.all())}
    assert {"improved", "not_improved"} <= verdicts
    # Every agent has a hiring date, so the ladder can suggest levels above junior.
    from coaching.selectors.ladder import ladder_position

    agents = User.objects.filter(role=Role.AGENT)
    assert not agents.filter(hired_on__isnull=True).exists()
    assert any(ladder_position(agent=a, today=today)["suggested"] != "junior" for a in agents)

    months = past_months(today, 6)
    assert SampleDraw.objects.filter(month__in=months).count() == 6
    agent_months = PerformanceRecord.objects.filter(level=RecordLevel.AGENT, month__in=months)
    assert agent_months.filter(reviews_n__gte=15).values("month").distinct().count() == 6

    def series(username):
        return list(
            PerformanceRecord.objects.filter(
                level=RecordLevel.AGENT, agent__username=username, month__in=months
            ).order_by("month")
        )

    improving = series("agent1")
    assert improving[-1].qa_mean > improving[0].qa_mean + 10
    falling = series("agent5")
    assert Flag.FALLING in falling[-1].flags and Flag.FALLING not in falling[-2].flags
    assert sum(r.critical_n for r in series("agent6")[-2:]) >= 3
    assert all(Flag.CRITICAL not in r.flags for r in series("agent6")[:-2])
    assert all(Flag.SHORT_SAMPLE in r.flags for r in series("agent13"))
    # Every team has a trend of six months with intervals, and the programme a record each month.
    for team_id in (
        PerformanceRecord.objects.filter(level=RecordLevel.TEAM).values_list("team_id", flat=True).distinct()
    ):
        assert (
            PerformanceRecord.objects.filter(
                level=RecordLevel.TEAM, team_id=team_id, month__in=months, qa_low__isnull=False
            ).count()
            == 6
        )
    assert PerformanceRecord.objects.filter(level=RecordLevel.PROGRAMME, month__in=months).count() == 6
    # New starters have no history before they were hired.
    new = User.objects.filter(username="agent8").get()
    assert not Interaction.objects.filter(agent=new, local_date__lt=new.hired_on).exists()
    call_command("verify_scores")
    _trust_is_shown(today)


def _trust_is_shown(today):
    """Issue 18's demo: second scores to agree on, calibrations with a lenient reviewer and a
    criterion read every way, disputes in every state, causes on misses."""
    from decimal import Decimal

    from reviews.models import CalibrationSession, CriterionResult, Dispute, Review
    from reviews.selectors.agreement import agreement_figures
    from reviews.selectors.calibration import deviation_trend

    assert Review.every_kind.filter(kind="second", status="submitted").count() >= 50
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    standard = next(
        r for r in agreement_figures(last, bootstrap=50) if r["rubric"] == "Standard service quality"
    )
    assert standard["units"] >= 10 and standard["rows"][0]["alpha"] is not None
    assert sorted(CalibrationSession.objects.values_list("status", flat=True)) == [
        "closed",
        "closed",
        "scoring",
    ]
    lenient = User.objects.get(username="reviewer3")
    assert max(m.mean for m in deviation_trend(Decimal(5))[lenient.pk]) > 5
    states = {
        (d.status, d.escalated_at is not None, tuple(c.decision for c in d.criteria.all()))
        for d in Dispute.objects.prefetch_related("criteria")
    }
    assert states == {
        ("decided", False, ("accepted",)), ("decided", False, ("partly",)), ("decided", False, ("rejected",)),
        ("open", False, ("",)), ("open", True, ("",)),
    }  # fmt: skip
    causes = CriterionResult.objects.filter(root_cause__isnull=False)
    assert (
        causes.filter(root_cause__agent_controllable=False).exists()
        and causes.filter(root_cause__code="agent").exists()
    )


def test_the_chinese_demo_has_chinese_people_data_and_rubrics(client, settings, capsys):
    """seed_demo --language zh-hans: names, teams, queues, transcripts, feedback and the rubrics it
    creates in Chinese; the KPI schemes a new install starts with weigh the Chinese sections; the
    demo logins read the interface in Chinese, and the command says what it did in Chinese."""
    from coaching.models import PerformanceRecord

    settings.DEBUG = True
    call_command("seed_demo", "--language", "zh-hans", "--history-months", "1")
    out = capsys.readouterr().out
    assert "演示数据已就绪" in out and "演示登录账号（密码均为 demo）" in out and "质检经理" in out
    assert "Demo" not in out and "people created" not in out
    agent = User.objects.get(username="agent1")
    assert (agent.get_full_name(), agent.language) == ("王安娜", "zh-hans")
    assert set(Team.objects.values_list("name", flat=True)) == {"极光组", "北辰组", "天鹅组"}
    assert Rubric.objects.filter(name="标准服务质量", status=RubricStatus.PUBLISHED).exists()
    call = Interaction.objects.filter(agent=agent).exclude(transcript="").first()
    assert call.transcript.startswith("坐席：") and "客户：" in call.transcript
    assert call.queue in {
        "账单",
        "银行卡冻结",
        "地址变更",
        "退款",
        "配送",
        "订单状态",
        "密码重置",
        "产品咨询",
        "发票补开",
        "投诉",
        "合同",
    }
    assert call.transcript_lines[0].speaker == "坐席"
    # The e-mail scheme a new install starts with weighs "Knowledge" and "Process", as shipped: the
    # Chinese rubric's 业务知识 and 流程 are those sections (their figures:
    # tests/coaching/test_scheme_language.py).
    weighed = [
        row
        for record in PerformanceRecord.objects.exclude(figures__composite=None)
        for row in record.figures["composite"]["rows"]
        if row["kpi"] in ("section:knowledge", "section:process")
    ]
    assert {row["kpi"] for row in weighed} == {"section:knowledge", "section:process"}
    from reviews.models import Review

    feedback = Review.objects.exclude(strengths="").first()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in feedback.strengths)
    call_command("verify_scores")
    client.force_login(agent)
    page = client.get("/my-feedback/", headers={"accept-language": "en"}).content.decode()
    assert "我的反馈" in page and "业务知识" in page and "Knowledge" not in page


def test_the_demo_rules_one_reliable_two_weak(settings):
    """docs/autoqa.md: the closing rule agrees with the demo reviewers, the empathy rule never
    says "missed" (kappa 0: no better than chance; precision "—"), the "never say" rule looks at
    something else than the reviewers' 0–4 answers."""
    import datetime as dt

    from reviews.models import AutoVerdict, TranscriptRule
    from reviews.selectors.autoqa import rule_agreement_for

    settings.DEBUG = True
    call_command("seed_demo", "--history-months", "2")
    months = sorted(set(AutoVerdict.objects.values_list("month", flat=True)))
    assert len(months) >= 2 and all(isinstance(m, dt.date) for m in months)
    figures = {rule.name: rule_agreement_for(rule, months) for rule in TranscriptRule.objects.all()}
    closing = figures["Closing: checks understanding or offers more help"]
    assert closing.reliable and closing.kappa > 0.6 and closing.n > 100
    empathy = figures["Empathy after the customer's problem"]
    assert empathy.kappa == 0 and empathy.precision.value is None and empathy.recall.value == 0
    assert not empathy.reliable
    never = figures["Never: “nothing more I can do”"]
    assert never.kappa < 0.2 and not never.reliable
