"""Calibration revealed: answers side by side, deviation from the benchmark (worked example),
the group's splits and the clearer guidance they start, the meeting view, a new session from the
page, the consensus recorded from the page, and each reviewer's deviation over months."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import Role
from reviews import services
from reviews.models import BenchmarkKind, CalibrationSession, CalibrationStatus, ReviewStatus
from reviews.selectors.calibration import (
    calibration_reveal_table,
    deviation_trend,
    session_standings,
    split_criteria,
)
from reviews.services import calibration as cal
from scoring.models import Criterion, Rubric, RubricStatus
from tests.factories import UserFactory, make_interaction
from tests.reviews.conftest import full

pytestmark = pytest.mark.django_db
LIMIT = Decimal(5)
NOV = dt.date(2026, 11, 1)


@pytest.fixture
def second(db):
    return UserFactory(username="second", first_name="Second", role=Role.REVIEWER)


@pytest.fixture
def calls(agent):
    return [make_interaction(agent, timezone.now() - dt.timedelta(days=d)) for d in (1, 2)]


def submit_all(session, keys, answers: dict) -> None:
    """Each person answers c2 as given (everything else full marks) on every interaction."""
    for person, c2 in answers.items():
        for copy in cal.calibration_scores(session).filter(reviewer=person):
            data = full(keys, c2=c2, strengths="", improvement="", encouragement="")
            services.review_submit(actor=person, review=copy, data=data, expected_revision=copy.revision)


@pytest.fixture
def revealed(manager, reviewer, second, lead, rubric, keys, calls):
    """The manager is the expert (c2 = 4, total 100.00); the reviewer agrees (4: 100.00), the
    second reviewer gives 3 (Knowledge 91.67, total 95.00), the lead 2 (Knowledge 83.33, total
    90.00)."""
    session = cal.calibration_create(
        actor=manager, title="November calibration", rubric=rubric, month=NOV,
        deadline=timezone.localdate() + dt.timedelta(days=3), benchmark=BenchmarkKind.EXPERT, expert=manager,
        participants=[reviewer, second, lead], interactions=calls,
    )  # fmt: skip
    submit_all(session, keys, {manager: "4", reviewer: "4", second: "3", lead: "2"})
    return cal.calibration_reveal(actor=manager, session=session, expected_revision=session.revision)


def test_the_reveal_shows_answers_side_by_side_and_each_deviation_worked_example(
    revealed, manager, reviewer, second, lead, keys
):
    tables = calibration_reveal_table(revealed, limit=LIMIT)
    assert len(tables) == 2
    first = tables[0]
    by_name = {p.review.reviewer_id: p for p in first.participants}
    # Total: 95.00 - 100.00 = -5.00 is not beyond ±5; 90.00 - 100.00 = -10.00 is.
    assert (by_name[second.pk].total.points, by_name[second.pk].total.flagged) == (Decimal("-5.00"), False)
    assert (by_name[lead.pk].total.points, by_name[lead.pk].total.flagged) == (Decimal("-10.00"), True)
    assert by_name[reviewer.pk].total.points == Decimal("0.00") and by_name[manager.pk].is_benchmark
    assert by_name[manager.pk].total.points is None  # the benchmark is not compared with itself
    # Sections on their own 0-100 scale: Knowledge 91.67 - 100 = -8.33 (flagged); Process 0.
    knowledge, process = by_name[second.pk].sections
    assert (knowledge.points, knowledge.flagged, process.points) == (Decimal("-8.33"), True, Decimal("0.00"))
    assert by_name[lead.pk].sections[0].points == Decimal("-16.67")
    # Disagreements first: c2 split 4, 4, 3, 2 with the benchmark 4; the others agree.
    row = first.criteria[0]
    assert (row.criterion_id, row.split, row.benchmark) == (int(keys[1]), True, "4")
    assert row.counts == [("4", 2), ("2", 1), ("3", 1)] and row.majority == "4"
    assert [r.split for r in first.criteria[1:]] == [False, False] and first.split_n == 1
    standings = {s.reviewer.pk: s for s in session_standings(tables, LIMIT)}
    assert (standings[lead.pk].mean, standings[lead.pk].flagged, standings[lead.pk].reading) == (
        Decimal("-10.00"), 2, "strict",
    )  # fmt: skip
    assert (standings[second.pk].mean, standings[second.pk].reading) == (Decimal("-5.00"), "in line")
    assert split_criteria(tables) == [
        {"criterion_id": int(keys[1]), "behaviour": "Explains clearly", "section": "Knowledge",
         "guidance": row.guidance, "items": 2}
    ]  # fmt: skip


def test_each_reviewers_deviation_over_months_reads_lenient_or_strict(
    revealed, lead, second, reviewer, manager
):
    trend = deviation_trend(LIMIT)
    assert manager.pk not in trend  # the expert's scores are the benchmark
    (lead_nov,) = trend[lead.pk]
    assert (lead_nov.month, lead_nov.n, lead_nov.mean, lead_nov.mean_abs, lead_nov.flagged, lead_nov.reading) == (
        NOV, 2, Decimal("-10.00"), Decimal("10.00"), 2, "strict",
    )  # fmt: skip
    assert trend[second.pk][0].reading == "in line" and trend[reviewer.pk][0].mean == Decimal("0.00")
    assert list(deviation_trend(LIMIT, [second.pk])) == [second.pk]


def test_blind_until_submitted_and_revealed_then_side_by_side(
    client, manager, reviewer, second, lead, rubric, keys, calls, agent
):
    session = cal.calibration_create(
        actor=manager, title="Blind", rubric=rubric, month=NOV, deadline=timezone.localdate(),
        benchmark=BenchmarkKind.CONSENSUS, participants=[reviewer, second], interactions=calls[:1],
    )  # fmt: skip
    submit_all(session, keys, {reviewer: "4"})
    client.force_login(reviewer)
    page = client.get(f"/calibration/{session.pk}/").content.decode()
    assert "Scoring is blind" in page and "Second" not in page and "Deviation in points" not in page
    client.force_login(manager)
    page = client.get(f"/calibration/{session.pk}/").content.decode()
    assert "Reveal the answers" in page and "1 of 2 scores submitted" in page
    assert (
        client.post(f"/calibration/{session.pk}/reveal/", {"revision": session.revision}).status_code == 302
    )
    client.force_login(second)  # revealed, but they have not submitted: still blind
    assert "Deviation in points" not in client.get(f"/calibration/{session.pk}/").content.decode()
    assert client.get(f"/calibration/{session.pk}/meeting/").status_code == 403
    client.force_login(reviewer)
    page = client.get(f"/calibration/{session.pk}/").content.decode()
    assert "Deviation in points" in page and "Record the consensus" not in page  # the manager records it
    client.force_login(agent)
    for url in (
        "/calibration/",
        f"/calibration/{session.pk}/",
        f"/calibration/{session.pk}/meeting/",
        "/calibration/reviewers/",
    ):
        assert client.get(url).status_code in (403, 404), url


def test_the_manager_records_the_consensus_from_the_page_and_closes(
    client, manager, reviewer, second, rubric, keys, calls
):
    session = cal.calibration_create(
        actor=manager, title="Consensus", rubric=rubric, month=NOV, deadline=timezone.localdate(),
        benchmark=BenchmarkKind.CONSENSUS, participants=[reviewer, second], interactions=calls[:1],
    )  # fmt: skip
    submit_all(session, keys, {reviewer: "4", second: "2"})
    session = cal.calibration_reveal(actor=manager, session=session, expected_revision=session.revision)
    client.force_login(manager)
    page = client.get(f"/calibration/{session.pk}/").content.decode()
    assert "Record the consensus" in page and 'name="b-' in page
    item = session.items.get()
    posted = {f"b-{k}": v for k, v in full(keys, c2="3").answers.items()}
    done = client.post(f"/calibration/{session.pk}/items/{item.pk}/benchmark/", posted)
    assert done.status_code == 302 and done.url.endswith(f"#item-{item.pk}")
    item.refresh_from_db()
    assert item.benchmark.total == Decimal("95.00") and item.benchmark.kind == "benchmark"
    # c2: reviewer 4 (Knowledge 100) and second 2 (83.33) against the consensus 3 (91.67): the
    # difference of the scores as shown, 83.33 - 91.67 = -8.34
    page = client.get(f"/calibration/{session.pk}/").content.decode()
    assert "+5.00" in page and "-5.00" in page and "+8.33" in page and "-8.34" in page
    assert "beyond the limit" in page
    session.refresh_from_db()
    assert client.post(f"/calibration/{session.pk}/close/", {"revision": session.revision}).status_code == 302
    session.refresh_from_db()
    assert session.status == CalibrationStatus.CLOSED
    client.force_login(reviewer)
    assert client.post(f"/calibration/{session.pk}/close/", {"revision": session.revision}).status_code == 403


def test_the_meeting_view_counts_answers_without_names_and_steps_through(client, revealed, manager, keys):
    client.force_login(manager)
    page = client.get(f"/calibration/{revealed.pk}/meeting/").content.decode()
    assert "Interaction 1 of 2" in page and "4 × 2" in page and "3 × 1" in page and "2 × 1" in page
    assert 'data-key="ArrowRight"' in page and "Second" not in page
    page = client.get(f"/calibration/{revealed.pk}/meeting/?item=2").content.decode()
    assert "Interaction 2 of 2" in page and 'data-key="ArrowLeft"' in page
    assert "Interaction 1 of 2" in client.get(f"/calibration/{revealed.pk}/meeting/?item=x").content.decode()


def test_a_split_criterion_proposes_clearer_guidance_into_the_rubrics_next_draft(
    client, revealed, manager, rubric, keys
):
    client.force_login(manager)
    page = client.get(f"/calibration/{revealed.pk}/").content.decode()
    assert "Where the group split" in page and "Propose a clearer guidance" in page
    text = "Both options named, in the customer's words: 4. One option: 2."
    done = client.post(f"/calibration/{revealed.pk}/guidance/", {"criterion": keys[1], "guidance": text})
    draft = Rubric.objects.get(lineage=rubric.lineage, status=RubricStatus.DRAFT)
    assert done.status_code == 302 and done.url == f"/rubrics/{draft.pk}/edit/" and draft.version == 2
    identity = Criterion.objects.get(pk=keys[1]).identity
    assert Criterion.objects.get(section__rubric=draft, identity=identity).guidance == text
    assert Criterion.objects.get(pk=keys[1]).guidance != text  # the published version never changes
    client.post(f"/calibration/{revealed.pk}/guidance/", {"criterion": keys[1], "guidance": text + " Again."})
    assert Rubric.objects.filter(lineage=rubric.lineage, status=RubricStatus.DRAFT).count() == 1
    assert Criterion.objects.get(section__rubric=draft, identity=identity).guidance == text + " Again."
    response = client.post(
        f"/calibration/{revealed.pk}/guidance/", {"criterion": keys[1], "guidance": " "}, follow=True
    )
    assert "Write the clearer guidance you propose." in response.content.decode()


def test_a_new_session_from_the_page_named_or_drawn_and_every_problem_named(
    client, manager, reviewer, second, rubric, agent, calls
):
    client.force_login(manager)
    assert client.get("/calibration/new/").status_code == 200
    form = {
        "title": "December calibration", "rubric": rubric.pk, "month": "2026-11",
        "deadline": f"{timezone.localdate() + dt.timedelta(days=5):%Y-%m-%d}", "benchmark": "consensus",
        "participants": [reviewer.pk, second.pk], "interactions": f"{calls[0].source_id}\nnope-404\n",
    }  # fmt: skip
    page = client.post("/calibration/new/", form).content.decode()
    assert "Line 2: there is no interaction “nope-404”." in page
    assert not CalibrationSession.objects.exists()
    form["interactions"] = f"{calls[0].source_id}\n\n{calls[1].source}:{calls[1].source_id}\n"
    done = client.post("/calibration/new/", form)
    session = CalibrationSession.objects.get()
    assert done.status_code == 302 and done.url == f"/calibration/{session.pk}/"
    assert list(session.items.values_list("interaction", flat=True).order_by("position")) == [
        c.pk for c in calls
    ]
    # Drawn from the month's sample: there is none here, so the page says how many it found.
    form |= {"interactions": "", "draw": "3", "title": "Drawn"}
    page = client.post("/calibration/new/", form).content.decode()
    assert "The sample of 2026-11 holds 0 interactions this rubric covers; 3 were asked for." in page
    form["draw"] = ""
    assert (
        "Name the interactions or say how many to draw."
        in client.post("/calibration/new/", form).content.decode()
    )
    client.force_login(reviewer)
    assert client.get("/calibration/new/").status_code == 403


def test_drawing_from_the_sample_takes_the_months_sampled_interactions(manager, rubric, agent, calls):
    from reviews.models import ReasonKind, SampleDraw, SampleItem

    draw = SampleDraw.objects.create(month=NOV, started_by=manager)
    for call in calls:
        SampleItem.objects.create(
            month=NOV, interaction=call, agent=agent, draw=draw, kind=ReasonKind.STRATUM
        )
    picked = cal.calibration_draw(month=NOV, rubric=rubric, count=2)
    assert sorted(c.pk for c in picked) == sorted(c.pk for c in calls)
    assert picked == cal.calibration_draw(month=NOV, rubric=rubric, count=2)  # the same on every run


def test_the_reviewers_page_shows_everyone_to_managers_and_their_own_to_a_reviewer(
    client, revealed, manager, lead, second
):
    client.force_login(manager)
    page = client.get("/calibration/reviewers/").content.decode()
    assert "-10.00" in page and "strict" in page and 'data-chart="lines"' in page and str(second) in page
    client.force_login(second)
    page = client.get("/calibration/reviewers/").content.decode()
    assert "Your deviation" in page and "-5.00" in page and "-10.00" not in page


def test_a_draft_blind_copy_stays_scorable_after_the_reveal_and_submitted_ones_do_not(revealed, reviewer):
    copy = cal.calibration_scores(revealed).filter(reviewer=reviewer).first()
    assert copy.status == ReviewStatus.SUBMITTED and not cal.may_score_calibration(reviewer, copy)
