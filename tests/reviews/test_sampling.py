"""The monthly draw: quota, strata, risk share, new agents, short samples, reproducibility,
top-up, concurrency, assignment fairness, skip and replace."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.exceptions import DomainError
from core.models import Role
from reviews import services
from reviews.models import (
    Assignment,
    AssignmentStatus,
    DrawStatus,
    Interaction,
    ReasonKind,
    SampleDraw,
    SampleItem,
    SamplingQuota,
)
from tests.factories import AgentFactory, UserFactory, make_interaction

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)
CHANNELS = ["phone", "phone", "chat", "email"]
HOURS = [3, 9, 14, 20]


def month_of_work(agent, n=60, start=NOV, **fields):
    """n interactions spread over the month's days, four times of day and three channels."""
    made = []
    for i in range(n):
        day = start + dt.timedelta(days=i % 30)
        when = dt.datetime.combine(day, dt.time(HOURS[i % 4], (i * 7) % 60))
        made.append(make_interaction(agent, when, CHANNELS[(i // 4) % 4], **fields))
    return made


@pytest.fixture
def reviewers(db):
    return [UserFactory(username=f"rev{i}", role=Role.REVIEWER) for i in range(3)]


def items_of(agent, month=NOV):
    return SampleItem.objects.filter(agent=agent, month=month)


def test_each_agent_gets_the_minimum_spread_over_channels_times_and_weeks(team, reviewers):
    agent = AgentFactory(username="a1", team=team, hired_on=dt.date(2020, 1, 1))
    month_of_work(agent, 120)
    draw = services.sample_draw(month=NOV)
    assert draw.status == DrawStatus.DONE
    items = list(items_of(agent).select_related("interaction"))
    assert len(items) == 15
    assert {i.interaction.channel for i in items} == {"phone", "chat", "email"}
    assert {i.interaction.local_hour // 6 for i in items} == {0, 1, 2, 3}
    assert {(i.interaction.local_date.day - 1) // 7 + 1 for i in items} == {1, 2, 3, 4, 5}
    # Proportional: phone carries half the volume, so it gets the most.
    per_channel = {c: sum(i.interaction.channel == c for i in items) for c in ("phone", "chat", "email")}
    assert per_channel["phone"] > per_channel["chat"] and per_channel["phone"] > per_channel["email"]
    assert all(i.kind == ReasonKind.STRATUM and i.reason for i in items)
    assert "week" in items[0].reason


def test_new_agents_get_the_maximum(team, reviewers):
    veteran = AgentFactory(username="old", team=team, hired_on=dt.date(2020, 1, 1))
    newcomer = AgentFactory(username="new", team=team, hired_on=NOV - dt.timedelta(days=30))
    month_of_work(veteran, 80)
    month_of_work(newcomer, 80)
    services.sample_draw(month=NOV)
    assert items_of(veteran).count() == 15
    assert items_of(newcomer).count() == 20
    assert SamplingQuota.objects.get(agent=newcomer, month=NOV).new_agent


def test_agents_hired_after_the_month_get_no_quota_and_those_hired_in_it_are_new(team, reviewers):
    later = AgentFactory(username="later", team=team, hired_on=NOV + dt.timedelta(days=45))
    during = AgentFactory(username="during", team=team, hired_on=NOV + dt.timedelta(days=10))
    month_of_work(during, 40)
    services.sample_draw(month=NOV)
    assert not SamplingQuota.objects.filter(agent=later, month=NOV).exists()
    assert SamplingQuota.objects.get(agent=during, month=NOV).new_agent
    # Years earlier, someone hired last month was not there at all.
    services.sample_draw(month=dt.date(2020, 3, 1))
    assert not SamplingQuota.objects.filter(month=dt.date(2020, 3, 1), agent__in=[later, during]).exists()


def test_a_short_sample_says_why_on_the_page_and_in_the_command(team, reviewers, client, as_user):
    from io import StringIO

    from django.core.management import call_command

    agent = AgentFactory(username="shorty", team=team, hired_on=dt.date(2020, 1, 1))
    month_of_work(agent, 4)  # four eligible
    month_of_work(agent, 7, talk_seconds=10, hold_seconds=0, acw_seconds=0)  # under 30 s
    month_of_work(agent, 3, answered=False)
    nobody = AgentFactory(username="idle", team=team, hired_on=dt.date(2020, 1, 1))
    out = StringIO()
    call_command("sample_draw", "--month", "2026-11", stdout=out)
    text = out.getvalue()
    assert "shorty: 4 eligible: 7 interactions under the 30 s minimum, 3 unanswered (quota 15)" in text
    # No work at all this month (issue 17 §5): not "short", named apart
    assert "idle:" not in text and "(1 short)" in text
    assert "1 agents without interactions in 2026-11 (not counted as short): idle" in text
    assert not SamplingQuota.objects.get(agent=nobody, month=NOV).short_sample
    as_user("manager")
    page = client.get("/sampling/?month=2026-11").content.decode()
    assert "4 eligible: 7 interactions under the 30 s minimum, 3 unanswered" in page


def test_the_riskiest_interactions_fill_the_risk_share_first(team, reviewers):
    agent = AgentFactory(username="a1", team=team)
    month_of_work(agent, 100, csat=5)
    escalated_low = month_of_work(agent, 2, csat=1, escalated=True)
    low_csat = month_of_work(agent, 5, csat=2)
    services.sample_draw(month=NOV)
    risk = items_of(agent).filter(kind=ReasonKind.RISK).order_by("-risk_score", "pk")
    # 25% of 15 = 3.75 -> at most 3 risk items, the escalated ones first.
    assert risk.count() == 3
    assert {i.interaction_id for i in risk[:2]} == {x.pk for x in escalated_low}
    assert risk[2].interaction_id in {x.pk for x in low_csat}
    assert risk[0].reason == "Risk: CSAT 1, escalated"
    assert items_of(agent).count() == 15


def test_long_handle_means_above_the_factor_times_the_channel_mean(team, reviewers):
    # Handle times 4 × 50, 201 and 202 s: mean 603 / 6 = 100.5, × 2 (the default factor) = 201.
    # 201 s is not above it; 202 s is, and is the only risky interaction.
    agent = AgentFactory(username="a1", team=team)
    day = dt.datetime(2026, 11, 2, 10)
    for talk in (50, 50, 50, 50, 201):
        make_interaction(agent, day, "phone", talk_seconds=talk, hold_seconds=0, acw_seconds=0)
    long = make_interaction(agent, day, "phone", talk_seconds=180, hold_seconds=20, acw_seconds=2)
    services.sample_draw(month=NOV)
    risk = items_of(agent).filter(kind=ReasonKind.RISK)
    assert [(i.interaction_id, i.risk_score) for i in risk] == [(long.pk, 1)]
    assert risk[0].reason == "Risk: long handle time (3.4 min)"


def test_agent_with_too_few_interactions_gets_all_and_is_flagged(team, reviewers):
    agent = AgentFactory(username="few", team=team)
    month_of_work(agent, 8)
    services.sample_draw(month=NOV)
    assert items_of(agent).count() == 8
    month = SamplingQuota.objects.get(agent=agent, month=NOV)
    assert month.short_sample and month.eligible == 8 and month.sampled == 8
    assert items_of(agent).filter(kind=ReasonKind.ALL).count() == 8


def test_excluded_interactions_are_never_drawn(team, reviewers):
    agent = AgentFactory(username="a1", team=team)
    month_of_work(agent, 5, answered=False)
    month_of_work(agent, 5, talk_seconds=5, hold_seconds=0, acw_seconds=0)  # under 30 s
    month_of_work(agent, 5, start=dt.date(2026, 10, 1))  # another month
    kept = month_of_work(agent, 4)
    services.sample_draw(month=NOV)
    assert set(items_of(agent).values_list("interaction_id", flat=True)) == {x.pk for x in kept}


def test_same_data_same_policy_same_sample_and_a_new_seed_changes_it(team, reviewers, manager):
    agents = [AgentFactory(username=f"a{i}", team=team) for i in range(3)]
    for agent in agents:
        month_of_work(agent, 90)
    services.sample_draw(month=NOV)
    first = set(SampleItem.objects.values_list("interaction_id", flat=True))
    SampleItem.objects.all().delete()
    services.sample_draw(month=NOV)
    assert set(SampleItem.objects.values_list("interaction_id", flat=True)) == first
    SampleItem.objects.all().delete()
    services.sampling_policy_update(actor=manager, seed=2)
    services.sample_draw(month=NOV)
    assert set(SampleItem.objects.values_list("interaction_id", flat=True)) != first


def test_drawing_again_tops_up_without_duplicates_or_replacing_started_work(team, reviewers):
    agent = AgentFactory(username="a1", team=team)
    month_of_work(agent, 10)
    services.sample_draw(month=NOV)
    first = list(items_of(agent).values_list("interaction_id", flat=True))
    assert len(first) == 10
    started = Assignment.objects.filter(item__agent=agent).first()
    Assignment.objects.filter(pk=started.pk).update(status=AssignmentStatus.STARTED)

    month_of_work(agent, 40)  # more interactions imported later
    services.sample_draw(month=NOV)
    after = list(items_of(agent).values_list("interaction_id", flat=True))
    assert len(after) == 15 and len(set(after)) == 15
    assert set(first) <= set(after)
    assert Assignment.objects.get(pk=started.pk).status == AssignmentStatus.STARTED
    assert not SamplingQuota.objects.get(agent=agent, month=NOV).short_sample

    services.sample_draw(month=NOV)  # nothing missing: nothing added
    assert items_of(agent).count() == 15
    assert SampleDraw.objects.filter(status=DrawStatus.DONE).count() == 3


def test_a_second_draw_cannot_start_while_one_runs(team, reviewers):
    SampleDraw.objects.create(month=NOV, status=DrawStatus.RUNNING)
    with pytest.raises(DomainError, match="A draw for 2026-11 is already running"):
        services.sample_draw(month=NOV)
    assert SampleDraw.objects.filter(month=NOV).count() == 1


def test_a_draw_whose_worker_died_is_taken_over_once_silent(team, reviewers, settings):
    """A killed worker leaves its draw "running" (its transaction rolled back). A draw that still
    shows signs of life keeps the month; one silent for JOB_STALE_SECONDS is marked failed and
    the new draw goes ahead."""
    from django.utils import timezone

    from core.jobs import heartbeat, progress_clear

    settings.JOB_STALE_SECONDS = 60
    month_of_work(AgentFactory(username="d1", team=team), 20)
    old = SampleDraw.objects.create(month=NOV, status=DrawStatus.RUNNING)
    SampleDraw.objects.filter(pk=old.pk).update(started_at=timezone.now() - dt.timedelta(seconds=61))
    heartbeat("draw", old.pk)  # alive a moment ago: still its month
    with pytest.raises(DomainError, match="already running"):
        services.sample_draw(month=NOV)
    progress_clear("draw", old.pk)  # silent since it started, 61 s ago
    services.sample_draw(month=NOV)
    old.refresh_from_db()
    assert old.status == DrawStatus.FAILED and "no sign of life for 60 seconds" in old.message
    assert SampleDraw.objects.get(month=NOV, status=DrawStatus.DONE).added == 15


def test_assignment_is_even_and_respects_capacity(team, reviewers):
    for i in range(7):
        month_of_work(AgentFactory(username=f"a{i}", team=team), 40)
    services.sample_draw(month=NOV)
    loads = sorted(Assignment.objects.filter(reviewer=r).count() for r in reviewers)
    assert sum(loads) == 7 * 15 and loads[-1] - loads[0] <= 1
    # Each agent's items are spread over the reviewers, not given to one.
    per_agent = Assignment.objects.filter(item__agent__username="a0").values_list("reviewer", flat=True)
    assert len(set(per_agent)) == 3


def test_capacity_limits_a_reviewer_and_leftovers_stay_unassigned(team):
    busy = UserFactory(username="busy", role=Role.REVIEWER, review_capacity=4)
    month_of_work(AgentFactory(username="a1", team=team), 40)
    draw = services.sample_draw(month=NOV)
    assert Assignment.objects.filter(reviewer=busy).count() == 4
    assert draw.assigned == 4 and draw.added == 15


def test_nobody_reviews_their_own_interactions(team):
    # A reviewer who also takes contacts (an agent record is what gets sampled: same person).
    double = AgentFactory(username="double", team=team)
    month_of_work(double, 40)
    UserFactory(username="other", role=Role.REVIEWER)
    services.sample_draw(month=NOV)
    assert not Assignment.objects.filter(reviewer=double).exists()


def test_skip_needs_a_reason_and_brings_a_replacement_from_the_same_stratum(team, reviewers):
    agent = AgentFactory(username="a1", team=team)
    month_of_work(agent, 200)
    services.sample_draw(month=NOV)
    assignment = Assignment.objects.filter(item__kind=ReasonKind.STRATUM).first()
    with pytest.raises(DomainError, match="Say why"):
        services.assignment_skip(actor=assignment.reviewer, assignment=assignment, reason=" ")
    replacement = services.assignment_skip(
        actor=assignment.reviewer, assignment=assignment, reason="Recording is silent"
    )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SKIPPED and assignment.replaced_by == replacement
    assert replacement.reviewer == assignment.reviewer
    assert replacement.item.stratum == assignment.item.stratum
    assert replacement.item.kind == ReasonKind.REPLACEMENT
    assert replacement.item.interaction_id != assignment.item.interaction_id
    with pytest.raises(DomainError, match="still to do"):
        services.assignment_skip(actor=assignment.reviewer, assignment=assignment, reason="again")


def test_management_command_draws_a_month(team, reviewers, capsys):
    month_of_work(AgentFactory(username="a1", team=team), 30)
    call_command("sample_draw", "--month", "2026-11")
    assert "15 interactions drawn" in capsys.readouterr().out
    assert SampleItem.objects.count() == 15


def test_items_are_unique_per_month_even_across_draws(team, reviewers):
    agents = [AgentFactory(username=f"a{i}", team=team) for i in range(2)]
    for agent in agents:
        month_of_work(agent, 25)
    for _ in range(3):
        services.sample_draw(month=NOV)
    ids = list(SampleItem.objects.values_list("interaction_id", flat=True))
    assert len(ids) == len(set(ids)) == 30


@pytest.mark.django_db(transaction=True)
def test_two_draws_started_at_once_only_one_writes(team):
    """Two real connections (PostgreSQL) start the same month's draw at the same moment."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two real connections")
    UserFactory(username="rev", role=Role.REVIEWER)
    month_of_work(AgentFactory(username="a1", team=team), 40)
    barrier = threading.Barrier(2)
    outcomes = []

    def draw():
        barrier.wait()
        try:
            services.sample_draw(month=NOV)
            outcomes.append("drew")
        except DomainError as exc:
            outcomes.append(str(exc.message))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draw) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Either the second was refused while the first ran, or it started after and found nothing
    # missing: never two writers, never a duplicate.
    assert "drew" in outcomes
    assert all(o == "drew" or o.startswith("A draw for 2026-11 is already running") for o in outcomes)
    assert SampleItem.objects.filter(month=NOV).count() == 15


@pytest.mark.parametrize(("few_strata", "huge_ids"), [(False, False), (True, False), (False, True)])
def test_each_stratum_gets_the_first_k_of_its_seeded_order_even_when_the_front_read_is_short(
    team, reviewers, monkeypatch, manager, few_strata, huge_ids
):
    """A quota of one takes the stratum's first interaction from the count; larger quotas read
    only the front of the stratum's run of keys. Either way the items are exactly the first k
    eligible rows of the stratum in the seeded order. (Few strata: quotas of several.)"""
    from reviews.sampling import draw as draw_module
    from reviews.services.sampling import sampling_policy_get

    if few_strata:
        services.sampling_policy_update(actor=manager, stratify_time_band=False, stratify_week=False)
    if huge_ids:  # ids too large to share a number with the position: every quota uses the index
        monkeypatch.setattr(draw_module, "ID_SPAN", 1)

    agents = [AgentFactory(username=f"s{i}", team=team, hired_on=dt.date(2020, 1, 1)) for i in range(3)]
    for agent in agents:
        month_of_work(agent, 150)
    real_isqrt = draw_module.math.isqrt
    # No slack at all: many fronts come back short and are read again in full.
    monkeypatch.setattr(draw_module.math, "isqrt", lambda n: -real_isqrt(n) - 2)
    services.sample_draw(month=NOV)
    policy = sampling_policy_get()
    strata = draw_module.Strata(policy)
    offset = draw_module.month_offset(policy, NOV)
    for agent in agents:
        items = list(items_of(agent).select_related("interaction"))
        assert len(items) == 15
        risk_ids = {i.interaction_id for i in items if i.kind == ReasonKind.RISK}
        for code in {int(i.stratum) for i in items if i.kind == ReasonKind.STRATUM}:
            chosen = {
                i.interaction_id for i in items if i.kind == ReasonKind.STRATUM and int(i.stratum) == code
            }
            pool = [
                x for x in agent.interactions.filter(strata.q(code), local_month=NOV)
                if x.pk not in risk_ids and x.handle_seconds >= policy.min_handle_seconds
            ]  # fmt: skip
            pool.sort(key=lambda x: ((x.sample_key - offset) % draw_module.KEYS, x.pk))
            assert chosen == {x.pk for x in pool[: len(chosen)]}, code


def test_local_parts_number_the_weeks_of_the_month():
    from django.utils import timezone

    from reviews.models import local_parts

    weeks = {
        day: local_parts(timezone.make_aware(dt.datetime(2026, 10, day, 12)))["local_week"]
        for day in (1, 7, 8, 14, 15, 22, 28, 29, 31)
    }
    assert weeks == {1: 1, 7: 1, 8: 2, 14: 2, 15: 3, 22: 4, 28: 4, 29: 5, 31: 5}
    assert local_parts(timezone.make_aware(dt.datetime(2026, 10, 31, 23)))["local_month"] == dt.date(
        2026, 10, 1
    )


def test_the_database_refuses_a_handle_time_that_is_not_the_sum(team):
    from django.db import IntegrityError, transaction

    from reviews.models import Interaction

    agent = AgentFactory(username="h1", team=team)
    interaction = make_interaction(agent, dt.datetime(2026, 11, 3, 10))
    assert interaction.handle_seconds == 240 + 30 + 60
    with pytest.raises(IntegrityError), transaction.atomic():
        Interaction.objects.filter(pk=interaction.pk).update(handle_seconds=5)


def test_risk_picks_are_each_agents_top_rows_by_score_then_seeded_order(team, reviewers):
    """Against a plain Python ranking of the same rows: score (CSAT 4, escalated 3, repeat 2,
    NPS 2, long handle 1) highest first, ties in the month's seeded order."""
    import random

    from reviews.sampling import draw as draw_module
    from reviews.services.sampling import sampling_policy_get

    rng = random.Random(5)
    agents = [AgentFactory(username=f"r{i}", team=team, hired_on=dt.date(2020, 1, 1)) for i in range(3)]
    for agent in agents:
        for n in range(80):
            when = dt.datetime(2026, 11, 1 + n % 28, 8 + n % 10, n % 60)
            make_interaction(
                agent, when, CHANNELS[n % 4], csat=rng.choice([None, 1, 2, 3, 4, 5]),
                nps=rng.choice([None, 3, 8, 10]), escalated=rng.random() < 0.1,
                repeat_contact=rng.random() < 0.15, talk_seconds=rng.randrange(60, 1500),
            )  # fmt: skip
    services.sample_draw(month=NOV)
    policy = sampling_policy_get()
    offset = draw_module.month_offset(policy, NOV)
    rows = list(
        Interaction.objects.filter(
            local_month=NOV, answered=True, handle_seconds__gte=policy.min_handle_seconds
        )
    )
    factor = float(policy.risk_long_handle_factor)
    averages = {}
    for channel in {r.channel for r in rows}:
        handles = [r.handle_seconds for r in rows if r.channel == channel]
        averages[channel] = sum(handles) / len(handles) * factor

    def score(r):
        return (
            4 * (r.csat is not None and r.csat <= policy.risk_csat_max) + 3 * r.escalated + 2 * r.repeat_contact
            + 2 * (r.nps is not None and r.nps <= policy.risk_nps_max) + 1 * (r.handle_seconds > averages[r.channel])
        )  # fmt: skip

    for agent in agents:
        risky = sorted(
            (r for r in rows if r.agent_id == agent.pk and score(r) > 0),
            key=lambda r: (-score(r), (r.sample_key - offset) % draw_module.KEYS, r.pk),
        )
        picked = items_of(agent).filter(kind=ReasonKind.RISK)
        assert picked.count() == 3  # 25 % of 15
        assert {i.interaction_id for i in picked} == {r.pk for r in risky[:3]}
        assert {i.risk_score for i in picked} == {score(r) for r in risky[:3]}


@pytest.mark.parametrize(
    "bands", [["0", "6"], [6, 12], [0, 24], [0, 0, 6], [0, 1.5], "0,6", [0, "6); DROP TABLE x; --"]]
)
def test_time_bands_are_checked_on_the_model_whatever_writes_them(bands):
    """Issue 17 §7: the hours reach the draw's SQL; the form is not the only way in."""
    from django.core.exceptions import ValidationError

    from reviews.models import SamplingPolicy

    policy = SamplingPolicy(time_band_starts=bands)
    with pytest.raises(ValidationError):
        policy.full_clean()
    with pytest.raises(ValidationError):
        policy.bands()


def test_quota_rules_when_quotas_follow_performance():
    """docs/sampling.md: with the defaults (15–20) the standard is 17; stable above target 15;
    below target 18; falling as well 19; critical failures +2; new starters 20; never above 20."""
    from core.standing import Standing
    from reviews.models import SamplingPolicy
    from reviews.sampling.draw import performance_quota

    policy = SamplingPolicy(min_per_agent=15, max_per_agent=20)
    cases = {
        None: (17, "standard"), Standing(): (17, "standard"), Standing(stable_above=True): (15, "stable"),
        Standing(below_target=True): (18, "below_target"),
        Standing(below_target=True, falling=True): (19, "below_target,falling"),
        Standing(critical=True): (19, "critical"),
        Standing(below_target=True, falling=True, critical=True): (20, "below_target,falling,critical"),
    }  # fmt: skip
    for standing, expected in cases.items():
        assert performance_quota(policy, False, standing) == expected, standing
    assert performance_quota(policy, True, Standing(stable_above=True)) == (20, "new")
    narrow = SamplingPolicy(min_per_agent=15, max_per_agent=16)
    assert performance_quota(narrow, False, Standing(below_target=True)) == (16, "below_target")


def test_the_draw_sets_quotas_from_last_months_records_and_says_why(team, reviewers, client, manager):
    from coaching.models import PerformanceRecord, RecordLevel
    from reviews.services.sampling import sampling_policy_get

    agents = {name: AgentFactory(username=name, team=team) for name in ("steady", "weak", "unknown")}
    for agent in agents.values():
        month_of_work(agent, 40)
    for month, mean in ((dt.date(2026, 9, 1), 95), (dt.date(2026, 10, 1), 96)):
        PerformanceRecord.objects.create(level=RecordLevel.AGENT, month=month, agent=agents["steady"], team=team,
                                         qa_mean=mean, qa_target=92, reviews_n=15, built_at=timezone.now())  # fmt: skip
    PerformanceRecord.objects.create(level=RecordLevel.AGENT, month=dt.date(2026, 10, 1), agent=agents["weak"],
                                     team=team, qa_mean=80, qa_target=92, reviews_n=15, flags=["below_target"],
                                     built_at=timezone.now())  # fmt: skip
    policy = sampling_policy_get()
    policy.quota_follows_performance = True
    policy.save()
    services.sample_draw(month=NOV)
    quotas = {q.agent.username: q for q in SamplingQuota.objects.filter(month=NOV)}
    assert {name: q.quota for name, q in quotas.items()} == {"steady": 15, "weak": 18, "unknown": 17}
    assert quotas["weak"].why_quota == "18: below target last month"
    assert quotas["steady"].why_quota == "15: stable above target for two months"
    assert items_of(agents["weak"]).count() == 18
    client.force_login(manager)
    page = client.get(reverse("reviews:sampling"), {"month": "2026-11"}).text
    assert "18: below target last month" in page and "17: the standard quota" in page
