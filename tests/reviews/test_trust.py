"""Result rows and root causes, second scores, disputes and calibration sessions: the services,
and what reaches (and never reaches) agents."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.exceptions import DomainError, NotAllowed
from core.models import Notification, Role
from reviews import services
from reviews.models import (
    BenchmarkKind,
    CalibrationStatus,
    CriterionResult,
    Decision,
    DisputeStatus,
    Review,
    ReviewKind,
    ReviewStatus,
    RootCause,
    SectionResult,
    TrustSettings,
)
from reviews.selectors.trust import calibration_queryset_for, dispute_queryset_for
from reviews.services import calibration as cal
from reviews.services import disputes
from reviews.services.seconds import second_score_maybe
from tests.factories import UserFactory, make_assignment, make_interaction
from tests.reviews.conftest import full

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(db):
    return UserFactory(username="second", role=Role.REVIEWER)


@pytest.fixture
def released(agent, reviewer, rubric, keys):
    review = services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
    return services.review_submit(
        actor=reviewer, review=review, data=full(keys, c2="2"), expected_revision=review.revision
    )


def notes_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("message", flat=True))


# -- rows and root causes ------------------------------------------------------------------------


def test_each_criterion_and_section_is_a_row_written_with_the_review(released, keys):
    rows = {str(r.criterion_id): r for r in CriterionResult.objects.filter(review=released)}
    assert [rows[k].answer for k in keys] == ["yes", "2", "yes"]
    assert rows[keys[1]].score == Decimal("50.00") and rows[keys[1]].points == Decimal("0.5000")
    assert rows[keys[1]].maximum == Decimal("1.00") and rows[keys[1]].comment == "Missed the second option"
    assert rows[keys[0]].points == rows[keys[0]].maximum == Decimal("2.00")
    sections = list(SectionResult.objects.filter(review=released).order_by("section__position"))
    assert [s.score for s in sections] == [Decimal("83.33"), Decimal("100.00")]
    assert all(r.identity for r in rows.values())


def test_a_root_cause_is_kept_for_a_miss_only_and_an_unknown_one_is_named(released, keys, reviewer):
    process = RootCause.objects.get(code="process")
    data = full(keys, c2="2")
    data.causes = {keys[1]: str(process.pk), keys[0]: str(process.pk)}  # c1 is "yes": not a miss
    changed = services.review_change(
        actor=reviewer, review=released, data=data, expected_revision=released.revision
    )
    assert changed.causes == {keys[1]: process.pk}
    assert CriterionResult.objects.get(review=changed, criterion_id=keys[1]).root_cause == process
    assert "root causes edited" in changed.changes.first().summary
    data.causes = {keys[1]: "9999"}
    with pytest.raises(DomainError, match="there is no root cause “9999” to choose"):
        services.review_change(actor=reviewer, review=changed, data=data, expected_revision=changed.revision)
    # full marks: the cause is forgotten
    data = full(keys, c2="4")
    data.causes = {keys[1]: str(process.pk)}
    again = services.review_change(
        actor=reviewer, review=changed, data=data, expected_revision=changed.revision
    )
    assert (
        again.causes == {}
        and CriterionResult.objects.get(review=again, criterion_id=keys[1]).root_cause is None
    )


def test_the_agent_controllable_score_leaves_out_misses_of_other_causes(
    released, keys, reviewer, manager, agent, django_capture_on_commit_callbacks
):
    """Worked example: Knowledge (60 %) has c1 yes/no weight 2 and c2 0-4 weight 1; Process (40 %)
    has c3. c2 = 2 gives Knowledge (2 + 0.5) / 3 = 83.33 and a total of 0.6 × 83.33 + 40 = 90.00.
    With c2's miss put down to a process, c2 is left out: Knowledge 2 / 2 = 100, total 100.00."""
    from coaching.models import PerformanceRecord, RecordLevel
    from coaching.services.records import records_rebuild
    from reviews.services.causes import root_cause_save

    month = released.interaction.local_month
    process = RootCause.objects.get(code="process")
    data = full(keys, c2="2")
    data.causes = {keys[1]: str(process.pk)}
    services.review_change(actor=reviewer, review=released, data=data, expected_revision=released.revision)
    records_rebuild(month=month)
    qa = PerformanceRecord.objects.get(level=RecordLevel.AGENT, agent=agent, month=month).figures["qa"]
    assert (qa["mean"], qa["n"]) == ("90.00", 1)
    assert (qa["controllable_mean"], qa["controllable_n"]) == ("100.00", 1)
    # The manager decides process misses are the agent's after all: the months with such misses
    # are rebuilt and the controllable score equals the QA mean.
    with django_capture_on_commit_callbacks(execute=True):
        root_cause_save(actor=manager, cause=process, name=process.name, agent_controllable=True)
    qa = PerformanceRecord.objects.get(level=RecordLevel.AGENT, agent=agent, month=month).figures["qa"]
    assert (qa["controllable_mean"], qa["controllable_n"]) == ("90.00", 1)


def test_a_review_with_only_non_agent_misses_left_has_no_controllable_total(
    manager, reviewer, agent, rubric, keys
):
    """Every criterion of a one-criterion-per-section view left out: nothing to score, so the
    agent-controllable figure is unknown for that review ("—", n = 0), never 0."""
    from reviews.selectors.results import controllable_totals

    review = services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
    system = RootCause.objects.get(code="system")
    data = full(keys, c1="no", c2="0", c3="no")
    data.causes = {k: str(system.pk) for k in keys}
    review = services.review_submit(
        actor=reviewer, review=review, data=data, expected_revision=review.revision
    )
    assert review.total == Decimal("0.00")
    assert controllable_totals(review.interaction.local_month) == {review.pk: None}


def test_the_seeded_root_causes_and_a_manager_renaming_one(manager, reviewer):
    from reviews.services.causes import root_cause_save

    assert list(RootCause.objects.values_list("code", "agent_controllable")) == [
        ("agent", True), ("process", False), ("product", False), ("policy", False), ("system", False)
    ]  # fmt: skip
    policy = RootCause.objects.get(code="policy")
    with pytest.raises(NotAllowed):
        root_cause_save(actor=reviewer, cause=policy, name="Rules", agent_controllable=False)
    with pytest.raises(DomainError, match="There is already a root cause called “A process”"):
        root_cause_save(actor=manager, cause=policy, name="a process", agent_controllable=False)
    renamed = root_cause_save(actor=manager, cause=policy, name="Company rules", agent_controllable=False)
    assert renamed.label == "Company rules" and renamed.code == ""


# -- second scores -------------------------------------------------------------------------------


def test_a_chosen_review_goes_to_a_second_reviewer_blind_and_never_to_the_agent(
    released, second, keys, agent
):
    TrustSettings.objects.update_or_create(pk=1, defaults={"second_share": 0})
    assert second_score_maybe(released) is None
    TrustSettings.objects.filter(pk=1).update(second_share=100)
    copy = second_score_maybe(released)
    assert copy.kind == ReviewKind.SECOND and copy.reviewer == second and copy.second_of == released
    assert second_score_maybe(released) is None  # once
    assert not Review.objects.filter(pk=copy.pk).exists()  # no list, page or record sees it
    before = notes_of(agent)
    data = full(keys, c2="4", strengths="", improvement="", encouragement="")  # no feedback needed
    done = services.review_submit(actor=second, review=copy, data=data, expected_revision=copy.revision)
    assert done.status == ReviewStatus.SUBMITTED and done.total == Decimal("100.00")
    assert notes_of(agent) == before
    # the first reviewer cannot open or change the second score
    assert not services.reviewing.can_edit(released.reviewer, done)


# -- disputes ------------------------------------------------------------------------------------


def test_an_agent_disputes_a_second_reviewer_partly_accepts_and_the_score_changes(
    released, keys, agent, reviewer, second, lead, django_capture_on_commit_callbacks
):
    dispute = disputes.dispute_open(
        actor=agent,
        review=released,
        contests=[disputes.Contest(keys[1], "4", "I offered both options at 03:10.")],
    )
    assert dispute.status == DisputeStatus.OPEN and dispute.total_before == Decimal("90.00")
    with pytest.raises(DomainError, match="already has an open dispute"):
        disputes.dispute_open(actor=agent, review=released, contests=[disputes.Contest(keys[0], "no", "x")])
    with pytest.raises(NotAllowed, match="Only another QA reviewer or a QA manager"):
        disputes.dispute_decide(
            actor=reviewer, dispute=dispute, rulings=[], expected_revision=dispute.revision
        )
    with pytest.raises(DomainError) as refused:
        disputes.dispute_decide(
            actor=second, dispute=dispute, expected_revision=dispute.revision,
            rulings=[disputes.Ruling(keys[1], Decision.PARTLY, "4", "")],
        )  # fmt: skip
    assert any("give the reason" in e for e in refused.value.errors)
    assert any("an answer other than both" in e for e in refused.value.errors)
    with django_capture_on_commit_callbacks(execute=True):
        decided = disputes.dispute_decide(
            actor=second, dispute=dispute, expected_revision=dispute.revision,
            rulings=[disputes.Ruling(keys[1], Decision.PARTLY, "3", "Both options, but not the price.")],
        )  # fmt: skip
    assert decided.status == DisputeStatus.DECIDED and decided.total_after == Decimal("95.00")
    review = Review.objects.get(pk=released.pk)
    assert review.answers[keys[1]] == 3 and review.total == Decimal("95.00")
    assert review.status == ReviewStatus.SUBMITTED  # the agent acknowledges the new version
    assert f"Dispute decided by {second}" in review.changes.first().summary
    assert any("dispute of the review" in m and "90.00 → 95.00" in m for m in notes_of(agent))
    assert any("90.00 → 95.00" in m for m in notes_of(lead))
    from coaching.models import PerformanceRecord

    record = PerformanceRecord.objects.get(agent=agent, month=review.interaction.local_month)
    assert record.qa_mean == Decimal("95.00")


def test_who_may_dispute_and_the_window(released, keys, agent, lead, outsider, manager):
    with pytest.raises(NotAllowed):
        disputes.dispute_open(
            actor=outsider, review=released, contests=[disputes.Contest(keys[0], "no", "x")]
        )
    with pytest.raises(DomainError) as refused:
        disputes.dispute_open(actor=agent, review=released, contests=[disputes.Contest(keys[0], "yes", "")])
    criterion = released.rubric.sections.first().criteria.first().behaviour
    assert refused.value.errors == [
        f"Criterion 1 “{criterion}” in Section 1 “Knowledge”: the answer you think right is the answer given.",
        f"Criterion 1 “{criterion}” in Section 1 “Knowledge”: say why the answer should change.",
    ]
    Review.objects.filter(pk=released.pk).update(released_at=timezone.now() - dt.timedelta(days=8))
    released.refresh_from_db()
    with pytest.raises(DomainError, match="can be disputed for 7 days after it was released"):
        disputes.dispute_open(actor=agent, review=released, contests=[disputes.Contest(keys[1], "4", "x")])
    Review.objects.filter(pk=released.pk).update(released_at=timezone.now())
    released.refresh_from_db()
    dispute = disputes.dispute_open(
        actor=lead, review=released, contests=[disputes.Contest(keys[1], "4", "Listen again")]
    )
    assert dispute.opened_by == lead
    assert list(dispute_queryset_for(outsider)) == [] and list(dispute_queryset_for(agent)) == [dispute]


def test_a_late_dispute_escalates_to_the_managers_and_a_rejection_changes_nothing(
    released, keys, agent, second, manager
):
    dispute = disputes.dispute_open(
        actor=agent, review=released, contests=[disputes.Contest(keys[1], "4", "why")]
    )
    assert disputes.disputes_escalate() == 0
    assert disputes.disputes_escalate(timezone.now() + dt.timedelta(days=6)) == 1
    assert any("past its deadline" in m for m in notes_of(manager))
    dispute.refresh_from_db()
    with pytest.raises(NotAllowed, match="a QA manager decides it now"):
        disputes.dispute_decide(actor=second, dispute=dispute, rulings=[], expected_revision=dispute.revision)
    decided = disputes.dispute_decide(
        actor=manager, dispute=dispute, expected_revision=dispute.revision,
        rulings=[disputes.Ruling(keys[1], Decision.REJECTED, reason="The recording shows one option.")],
    )  # fmt: skip
    assert decided.total_after == decided.total_before == Decimal("90.00")
    assert Review.objects.get(pk=released.pk).changes.count() == 0


def test_the_same_reviewer_decides_when_the_settings_allow_it(released, keys, agent, reviewer):
    TrustSettings.objects.update_or_create(pk=1, defaults={"dispute_same_reviewer": True})
    dispute = disputes.dispute_open(
        actor=agent, review=released, contests=[disputes.Contest(keys[1], "4", "why")]
    )
    assert disputes.may_decide(reviewer, dispute)


# -- calibration ---------------------------------------------------------------------------------


@pytest.fixture
def session(manager, reviewer, second, lead, agent, rubric):
    calls = [make_interaction(agent, timezone.now() - dt.timedelta(days=d)) for d in (1, 2)]
    return cal.calibration_create(
        actor=manager, title="November calibration", rubric=rubric, month=dt.date(2026, 11, 1),
        deadline=timezone.localdate() + dt.timedelta(days=3), benchmark=BenchmarkKind.EXPERT, expert=manager,
        participants=[reviewer, second, lead], interactions=calls,
    )  # fmt: skip


def test_a_calibration_is_scored_blind_revealed_and_never_reaches_the_agent(
    session, manager, reviewer, second, lead, agent, keys
):
    assert session.participants.count() == 4  # the expert takes part
    copies = cal.calibration_scores(session)
    assert copies.count() == 8 and not Review.objects.filter(pk__in=copies).exists()
    assert list(calibration_queryset_for(agent)) == [] and list(calibration_queryset_for(lead)) == [session]
    before = notes_of(agent)
    answers = {reviewer: "4", second: "3", lead: "2", manager: "4"}
    for person, c2 in answers.items():
        for copy in copies.filter(reviewer=person):
            data = full(keys, c2=c2, strengths="", improvement="", encouragement="")
            services.review_submit(actor=person, review=copy, data=data, expected_revision=copy.revision)
        assert not cal.answers_visible(person, session) or person == manager
    with pytest.raises(NotAllowed):  # nobody scores someone else's copy
        copy = copies.filter(reviewer=reviewer).first()
        services.review_save(actor=second, review=copy, data=full(keys), expected_revision=copy.revision)
    assert notes_of(agent) == before
    revealed = cal.calibration_reveal(actor=manager, session=session, expected_revision=session.revision)
    assert revealed.status == CalibrationStatus.REVEALED
    assert cal.answers_visible(reviewer, revealed) and not cal.answers_visible(agent, revealed)
    assert all(item.benchmark.reviewer == manager for item in revealed.items.all())
    closed = cal.calibration_close(actor=manager, session=revealed, expected_revision=revealed.revision)
    assert closed.status == CalibrationStatus.CLOSED
    from coaching.models import PerformanceRecord

    assert not PerformanceRecord.objects.filter(agent=agent).exists()


def test_a_consensus_benchmark_is_recorded_after_the_reveal(manager, reviewer, second, agent, rubric, keys):
    call = make_interaction(agent, timezone.now() - dt.timedelta(days=1))
    session = cal.calibration_create(
        actor=manager, title="Consensus", rubric=rubric, month=dt.date(2026, 11, 1),
        deadline=timezone.localdate(), benchmark=BenchmarkKind.CONSENSUS, participants=[reviewer, second],
        interactions=[call],
    )  # fmt: skip
    item = session.items.get()
    with pytest.raises(DomainError, match="Reveal the answers before"):
        cal.calibration_benchmark(actor=manager, item=item, answers=full(keys).answers)
    session = cal.calibration_reveal(actor=manager, session=session, expected_revision=session.revision)
    with pytest.raises(DomainError, match="Record the benchmark of every interaction first"):
        cal.calibration_close(actor=manager, session=session, expected_revision=session.revision)
    benchmark = cal.calibration_benchmark(actor=manager, item=item, answers=full(keys, c2="4").answers)
    assert benchmark.kind == ReviewKind.BENCHMARK and benchmark.total == Decimal("100.00")
    again = cal.calibration_benchmark(actor=manager, item=item, answers=full(keys, c2="3").answers)
    assert again.pk == benchmark.pk and again.total == Decimal("95.00")


def test_creating_a_calibration_names_every_problem(manager, reviewer, rubric, agent):
    with pytest.raises(DomainError) as refused:
        cal.calibration_create(
            actor=manager, title=" ", rubric=rubric, month=dt.date(2026, 11, 1),
            deadline=timezone.localdate() - dt.timedelta(days=1), benchmark=BenchmarkKind.EXPERT,
            participants=[reviewer], interactions=[],
        )  # fmt: skip
    errors = refused.value.errors
    assert (
        "Give the session a title." in errors and "Choose at least one interaction to calibrate on." in errors
    )
    assert "Name the expert whose answers are the benchmark." in errors
    assert "A calibration needs at least two participants." in errors
    assert any("has passed" in e for e in errors)
    with pytest.raises(NotAllowed):
        cal.calibration_create(
            actor=reviewer, title="x", rubric=rubric, month=dt.date(2026, 11, 1), deadline=timezone.localdate(),
            benchmark=BenchmarkKind.CONSENSUS, participants=[], interactions=[],
        )  # fmt: skip


def test_the_pages_obey_the_same_visibility(client, session, released, keys, agent, outsider, reviewer):
    dispute = disputes.dispute_open(
        actor=agent, review=released, contests=[disputes.Contest(keys[1], "4", "why")]
    )
    for user, calibration_status, dispute_status in (
        (agent, 404, 200),
        (outsider, 404, 404),
        (reviewer, 200, 200),
    ):
        client.force_login(user)
        assert client.get(f"/calibration/{session.pk}/").status_code == calibration_status, user
        assert client.get(f"/disputes/{dispute.pk}/").status_code == dispute_status, user


# -- agreement figures ---------------------------------------------------------------------------


def scored_twice(agent, reviewer, second, keys):
    """Three November interactions released by `reviewer` and scored again by `second`:
    criterion 1 yes/yes, no/no, yes/no; everything else the same."""
    TrustSettings.objects.update_or_create(pk=1, defaults={"second_share": 100})
    for day, (a, b) in enumerate([("yes", "yes"), ("no", "no"), ("yes", "no")], start=2):
        assignment = make_assignment(
            agent, reviewer, when=timezone.make_aware(dt.datetime(2026, 11, day, 10))
        )
        review = services.review_start(actor=reviewer, assignment=assignment)
        review = services.review_submit(
            actor=reviewer, review=review, data=full(keys, c1=a), expected_revision=review.revision
        )
        copy = Review.every_kind.get(second_of=review)
        data = full(keys, c1=b, strengths="", improvement="", encouragement="")
        services.review_submit(actor=second, review=copy, data=data, expected_revision=copy.revision)


def test_agreement_of_a_month_from_second_scores_worked_example(agent, reviewer, second, rubric, keys):
    """Three interactions scored twice: criterion 1 (yes/no) yes/yes, no/no, yes/no. Nominal:
    n = 6 (3 yes, 3 no); the one split unit gives D_o = 2 / 6; D_e = (36 − 18) / (6 × 5);
    α = 1 − (2/6) / (18/30) = 4/9 = 0.444."""
    from reviews.selectors.agreement import agreement_figures

    scored_twice(agent, reviewer, second, keys)
    [figures] = agreement_figures(dt.date(2026, 11, 1), bootstrap=200)
    assert figures["units"] == 3
    c1 = next(r for r in figures["criteria"] if r["label"] == "States facts accurately")
    assert (c1["level"], c1["units"], c1["values"]) == ("nominal", 3, 6)
    assert round(c1["alpha"], 3) == 0.444 and c1["reading"] == "unreliable"
    c2 = next(r for r in figures["criteria"] if r["level"] == "ordinal")
    assert c2["alpha"] is None and c2["units"] == 3  # every answer "3": no variation, "—"
    total = figures["rows"][0]
    assert total["kind"] == "total" and total["level"] == "interval" and total["units"] == 3
    assert [r["label"] for r in figures["rows"][1:]] == ["Knowledge", "Process"]  # in the rubric's order
    # a draft second score is not a pair; the first reviews alone are not units
    assert agreement_figures(dt.date(2026, 10, 1)) == []


def test_an_agent_disputes_from_the_review_page_and_a_reviewer_decides_on_the_dispute_page(
    client, released, keys, agent, second
):
    client.force_login(agent)
    page = client.get(f"/reviews/{released.pk}/").content.decode()
    assert "Dispute a score" in page and f'name="w-{keys[1]}"' in page
    refused = client.post(
        f"/reviews/{released.pk}/dispute/", {f"w-{keys[1]}": "4", f"r-{keys[1]}": ""}, follow=True
    )
    assert "say why the answer should change" in refused.content.decode()
    sent = client.post(
        f"/reviews/{released.pk}/dispute/", {f"w-{keys[1]}": "4", f"r-{keys[1]}": "Both options."}
    )
    dispute = released.disputes.get()
    assert sent.status_code == 302 and sent.url == f"/disputes/{dispute.pk}/"
    assert "Dispute a score" in client.get(f"/reviews/{released.pk}/").content.decode()  # the link stays
    assert (
        'name="d-' not in client.get(f"/disputes/{dispute.pk}/").content.decode()
    )  # the agent does not decide
    client.force_login(second)
    page = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert f'name="d-{keys[1]}"' in page
    done = client.post(
        f"/disputes/{dispute.pk}/decide/",
        {"revision": dispute.revision, f"d-{keys[1]}": "accepted", f"y-{keys[1]}": "Heard both options."},
        follow=True,
    )
    assert "Dispute decided" in done.content.decode()
    released.refresh_from_db()
    assert released.answers[keys[1]] == 4 and released.total == Decimal("100.00")


def test_the_scoring_page_offers_root_causes_and_keeps_the_one_chosen_for_a_miss(
    client, agent, reviewer, rubric, keys
):
    review = services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
    client.force_login(reviewer)
    page = client.get(f"/reviews/{review.pk}/score/").content.decode()
    assert f'name="cause-{keys[1]}"' in page and "A process" in page and "Why missed (root cause)" in page
    product = RootCause.objects.get(code="product")
    data = full(keys, c2="1")
    post = {f"a-{k}": v for k, v in data.answers.items()} | {
        f"cause-{keys[1]}": str(product.pk),
        "revision": review.revision,
    }
    post |= {
        "strengths": data.strengths,
        "improvement": data.improvement,
        "encouragement": data.encouragement,
    }
    assert client.post(f"/reviews/{review.pk}/live/", post).status_code == 200
    review.refresh_from_db()
    assert review.causes == {keys[1]: product.pk}
    assert CriterionResult.objects.get(review=review, criterion_id=keys[1]).root_cause == product
    assert (
        f'<option value="{product.pk}" selected>'
        in client.get(f"/reviews/{review.pk}/score/").content.decode()
    )


def test_a_participant_scores_their_calibration_copy_on_the_scoring_page(
    client, session, reviewer, second, keys, agent
):
    copy = cal.calibration_scores(session).filter(reviewer=reviewer).first()
    client.force_login(reviewer)
    detail = client.get(f"/calibration/{session.pk}/").content.decode()
    assert f"/reviews/{copy.pk}/score/" in detail and "Scoring is blind" in detail
    assert client.get(f"/reviews/{copy.pk}/score/").status_code == 200
    other = cal.calibration_scores(session).filter(reviewer=second).first()
    assert client.get(f"/reviews/{other.pk}/score/").status_code == 404  # not theirs, not a regular review
    data = full(keys, c2="4")
    post = {f"a-{k}": v for k, v in data.answers.items()} | {"revision": copy.revision}
    done = client.post(f"/reviews/{copy.pk}/submit/", post)
    assert done.status_code == 302 and done.url == f"/calibration/{session.pk}/"
    copy.refresh_from_db()
    assert copy.status == ReviewStatus.SUBMITTED and copy.total == Decimal("100.00")
    client.force_login(agent)
    assert client.get(f"/reviews/{copy.pk}/").status_code == 404
    assert client.get(f"/reviews/{copy.pk}/score/").status_code in (403, 404)


# -- API -----------------------------------------------------------------------------------------


def test_the_dispute_api_opens_decides_and_lists_with_the_pages_visibility(
    released, keys, agent, second, outsider
):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(agent)
    bad = api.post(
        f"/api/reviews/{released.pk}/dispute/",
        {"criteria": [{"criterion": keys[1], "answer": "2", "reason": ""}]},
        format="json",
    )
    assert bad.status_code == 400 and "the answer you think right is the answer given" in str(bad.json())
    opened = api.post(
        f"/api/reviews/{released.pk}/dispute/",
        {"criteria": [{"criterion": keys[1], "answer": "4", "reason": "Both options."}]},
        format="json",
    )
    assert opened.status_code == 201, opened.json()
    body = opened.json()
    assert body["status"] == "open" and body["criteria"][0]["answer_wanted"] == "4"
    api.force_authenticate(outsider)
    assert api.get(f"/api/disputes/{body['id']}/").status_code == 404
    assert api.get("/api/disputes/").json()["count"] == 0
    api.force_authenticate(second)
    stale = api.post(
        f"/api/disputes/{body['id']}/decide/",
        {
            "revision": body["revision"] + 5,
            "criteria": [{"criterion": keys[1], "decision": "rejected", "reason": "x"}],
        },
        format="json",
    )
    assert stale.status_code == 409
    decided = api.post(
        f"/api/disputes/{body['id']}/decide/",
        {
            "revision": body["revision"],
            "criteria": [{"criterion": keys[1], "decision": "rejected", "reason": "One option."}],
        },
        format="json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "decided"
    assert decided.json()["total_after"] == "90.00"


def test_the_agreement_and_root_cause_api(agent, manager, released):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(agent)
    assert api.get("/api/agreement/?month=2026-11").status_code == 403
    assert [c["label"] for c in api.get("/api/root-causes/").json()][:2] == ["The agent", "A process"]
    api.force_authenticate(manager)
    assert api.get("/api/agreement/?month=2026-11").json() == []  # no pairs yet: nothing to show
    assert api.get("/api/agreement/?month=11-2026").status_code == 400


def test_the_hourly_task_escalates_late_disputes(released, keys, agent, manager):
    from unittest import mock

    from reviews import tasks

    dispute = disputes.dispute_open(
        actor=agent, review=released, contests=[disputes.Contest(keys[1], "4", "why")]
    )
    assert tasks.disputes_escalate.apply().get() == 0
    later = timezone.now() + dt.timedelta(days=6)
    with mock.patch.object(timezone, "now", return_value=later):
        assert tasks.disputes_escalate.apply().get() == 1
        assert tasks.disputes_escalate.apply().get() == 0  # once
    dispute.refresh_from_db()
    assert dispute.escalated_at == later


def test_the_agreement_and_dispute_documents_are_help_pages(client, agent):
    client.force_login(agent)
    assert "Krippendorff" in client.get("/help/agreement/").content.decode()
    assert "partly accepted" in client.get("/help/disputes/").content.decode()


def test_the_calibration_list_shows_what_is_left_to_score(client, session, reviewer, agent, manager):
    client.force_login(reviewer)
    page = client.get("/calibration/").content.decode()
    assert "November calibration" in page and '<td class="num">2</td>' in page
    client.force_login(agent)
    assert "November calibration" not in client.get("/calibration/").content.decode()
    client.force_login(manager)
    assert "November calibration" in client.get("/calibration/").content.decode()


def test_the_queue_lists_blind_scores_to_do(client, released, second):
    TrustSettings.objects.update_or_create(pk=1, defaults={"second_share": 100})
    copy = second_score_maybe(released)
    client.force_login(second)
    page = client.get("/queue/").content.decode()
    assert "Blind scores to do" in page and f"/reviews/{copy.pk}/score/" in page and "second score" in page
    client.force_login(released.reviewer)
    assert "Blind scores to do" not in client.get("/queue/").content.decode()


def test_the_programme_page_shows_agreement_with_its_n(
    client, manager, agent, reviewer, second, rubric, keys
):
    client.force_login(manager)
    page = client.get("/programme/?month=2026-11").content.decode()
    assert "Agreement between reviewers" in page and "agreement is — (n = 0)" in page
    scored_twice(agent, reviewer, second, keys)
    page = client.get("/programme/?month=2026-11").content.decode()
    assert "3 interactions scored twice or more" in page
    assert "Least agreement: States facts accurately" in page and "0.444" in page and "not reliable" in page
