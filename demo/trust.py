"""The demo's trust in the scores: second scores submitted in past months (agreement to read),
calibration sessions with realistic disagreement (reviewer3 is lenient; one criterion is read
differently by everyone), disputes in every state (accepted, partly accepted, rejected, pending,
overdue) and root causes on misses (a system behind most identity-check misses in one queue).

Everything goes through the review services, so rows, history and verify_scores agree. Does
nothing once a calibration session exists."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role, User
from reviews.models import (
    BenchmarkKind,
    CalibrationSession,
    CriterionResult,
    Interaction,
    Review,
    ReviewKind,
    ReviewStatus,
    RootCause,
)
from reviews.services import calibration as cal
from reviews.services import disputes
from reviews.services.results import results_write
from reviews.services.reviewing import ReviewInput, review_submit
from scoring import engine
from scoring.models import ChannelRubric, Rubric, RubricStatus
from scoring.selectors import rubric_spec_pinned

from .history import past_months
from .language import say

LENIENT = "reviewer3"


def _noisy(spec, answers: dict, rng: random.Random, noise: float, lenient: bool = False, vague=None) -> dict:
    """Another reviewer's reading of the same interaction: mostly the same answers, some off by
    one step; a lenient reader gives full marks more often; the vague criterion anyone's guess."""
    out = {}
    for c in spec.criteria():
        low, high = c.bounds()
        answer = answers.get(c.key)
        if answer in (None, "na"):
            out[c.key] = (
                answer
                if answer is not None
                else ("yes" if c.answer_type == engine.AnswerType.YES_NO else high)
            )
            continue
        if c.key == vague:
            out[c.key] = (
                rng.choice(["yes", "no"])
                if c.answer_type == engine.AnswerType.YES_NO
                else rng.randint(low, high)
            )
            continue
        if c.answer_type == engine.AnswerType.YES_NO:
            if lenient and answer == "no" and not c.critical:
                answer = "yes"
            elif rng.random() < noise and not c.critical:
                answer = "no" if answer == "yes" else "yes"
        else:
            value = int(answer)
            if lenient:
                value = min(high, value + 1)
            elif rng.random() < noise:
                value = max(low, min(high, value + rng.choice((-1, 1))))
            answer = value
        out[c.key] = answer
    return out


def _submit(person, review, answers: dict) -> Review:
    data = ReviewInput(answers=answers | review.data_answers)  # the demo's reviewers keep the data's answers
    return review_submit(actor=person, review=review, data=data, expected_revision=review.revision)


def _second_scores(today: dt.date, rng: random.Random) -> int:
    """Submit the second scores of past months (this month's stay to do)."""
    made = 0
    drafts = (
        Review.every_kind.filter(
            kind=ReviewKind.SECOND,
            status=ReviewStatus.DRAFT,
            interaction__local_month__lt=today.replace(day=1),
        )
        .select_related("second_of", "reviewer", "rubric")
        .order_by("pk")
    )
    for second in drafts:
        spec = rubric_spec_pinned(second.rubric)
        answers = _noisy(
            spec, second.second_of.answers, rng, noise=0.12, lenient=second.reviewer.username == LENIENT
        )
        _submit(second.reviewer, second, answers)
        made += 1
    return made


def _base_answers(spec, rng: random.Random) -> dict:
    answers = {}
    for c in spec.criteria():
        low, high = c.bounds()
        if c.answer_type == engine.AnswerType.YES_NO:
            answers[c.key] = "no" if rng.random() < 0.25 and not c.critical else "yes"
        else:
            answers[c.key] = rng.randint(max(low, high - 2), high)
    return answers


def _calibrations(today: dt.date, rng: random.Random) -> int:
    manager = User.objects.get(username="manager")
    reviewers = list(
        User.objects.filter(role=Role.REVIEWER, username__startswith="reviewer").order_by("username")
    )
    lead = User.objects.filter(username="lead1").first()
    link = ChannelRubric.objects.filter(channel="phone").first()
    rubric = (
        Rubric.objects.filter(lineage=link.lineage, status=RubricStatus.PUBLISHED).first() if link else None
    )
    if rubric is None or len(reviewers) < 3:
        return 0
    spec = rubric_spec_pinned(rubric)
    scales = [c.key for c in spec.criteria() if c.answer_type != engine.AnswerType.YES_NO]
    vague = scales[0] if scales else next(c.key for c in spec.criteria() if not c.critical)
    months = past_months(today, 3)
    plans = [  # (month, benchmark, state)
        (months[-2] if len(months) > 1 else months[-1], BenchmarkKind.EXPERT, "closed"),
        (months[-1], BenchmarkKind.CONSENSUS, "closed"),
        (today.replace(day=1), BenchmarkKind.CONSENSUS, "scoring"),
    ]
    made = 0
    for month, benchmark, state in plans:
        calls = list(
            Interaction.objects.filter(local_month=month, channel="phone", transcript__gt="").order_by(
                "sample_key"
            )[:4]
        )
        if len(calls) < 2:
            continue
        title = say("Calibration {month}", month=f"{month:%Y-%m}")
        session = cal.calibration_create(
            actor=manager, title=title, rubric=rubric, month=month,
            deadline=max(today, month + dt.timedelta(days=20)) if state == "scoring" else today,
            benchmark=benchmark, expert=manager if benchmark == BenchmarkKind.EXPERT else None,
            participants=[*reviewers, *([lead] if lead else [])], interactions=calls,
        )  # fmt: skip
        from_data = {c.calibration_item_id: c.data_answers for c in cal.calibration_scores(session)}
        truth = {
            item.pk: _base_answers(spec, rng) | from_data.get(item.pk, {}) for item in session.items.all()
        }
        for copy in cal.calibration_scores(session).select_related("reviewer").order_by("pk"):
            person = copy.reviewer
            if state == "scoring" and person.username != "reviewer1":
                continue  # the others still have it to do
            base = truth[copy.calibration_item_id]
            if person == manager:
                answers = base
            else:
                answers = _noisy(spec, base, rng, noise=0.1, lenient=person.username == LENIENT, vague=vague)
            _submit(person, copy, answers)
        if state == "closed":
            session = cal.calibration_reveal(
                actor=manager, session=session, expected_revision=session.revision
            )
            if benchmark == BenchmarkKind.CONSENSUS:
                for item in session.items.select_related("interaction"):
                    cal.calibration_benchmark(actor=manager, item=item, answers=truth[item.pk])
            session.refresh_from_db()
            cal.calibration_close(actor=manager, session=session, expected_revision=session.revision)
        made += 1
    return made


def _missed(review: Review) -> list[CriterionResult]:
    return list(
        CriterionResult.objects.filter(review=review, score__lt=100).exclude(answer="").order_by("id")
    )


def _contestable(review: Review):
    """The review, its first miss, the answer the agent asks for and an answer between the two
    (empty when there is none: a yes/no criterion or a miss one step short)."""
    missed = _missed(review)
    if not missed:
        return None
    spec = {c.key: c for c in rubric_spec_pinned(review.rubric).criteria()}
    for miss in missed:
        c = spec[str(miss.criterion_id)]
        if c.answer_type != engine.AnswerType.YES_NO:
            low, high = c.bounds()
            given = int(miss.answer) if miss.answer.lstrip("-").isdigit() else high
            middle = str(high - 1) if high - 1 > max(low, given) else ""
            if middle:
                return review, miss, str(high), middle
    miss = missed[0]
    c = spec[str(miss.criterion_id)]
    wanted = "yes" if c.answer_type == engine.AnswerType.YES_NO else str(c.bounds()[1])
    return review, miss, wanted, ""


def _disputes(today: dt.date, rng: random.Random) -> int:
    """Five disputes on this month's released reviews: accepted, partly accepted, rejected,
    pending, and one past its deadline (escalated to the QA managers)."""
    month = today.replace(day=1)
    released = [
        r
        for r in Review.objects.filter(
            status__in=("submitted", "acknowledged"), interaction__local_month=month
        )
        .select_related("agent", "reviewer", "rubric")
        .order_by("-status", "pk")  # not yet acknowledged first: who disputes has not
        if _missed(r)
    ]
    reviewers = list(
        User.objects.filter(role=Role.REVIEWER, username__startswith="reviewer").order_by("username")
    )
    made = 0
    pool = list(released)
    for outcome in ("partly", "accepted", "rejected", "pending", "overdue"):
        picked = next((p for p in map(_contestable, pool) if p and (outcome != "partly" or p[3])), None)
        if picked is None:
            continue
        review, miss, wanted, middle = picked
        pool.remove(review)
        dispute = disputes.dispute_open(
            actor=review.agent, review=review,
            contests=[disputes.Contest(str(miss.criterion_id), wanted, say("I did this: listen from 02:10 in the call."))],
        )  # fmt: skip
        made += 1
        decider = next(r for r in reviewers if r.pk != review.reviewer_id)
        if outcome in ("accepted", "partly", "rejected"):
            ruling = disputes.Ruling(
                str(miss.criterion_id), outcome, middle if outcome == "partly" else "",
                say({"accepted": "Confirmed on the recording.", "partly": "Partly there: the second step is missing.",
                     "rejected": "Not in the recording: the step was skipped."}[outcome]),
            )  # fmt: skip
            disputes.dispute_decide(
                actor=decider, dispute=dispute, rulings=[ruling], expected_revision=dispute.revision
            )
        elif outcome == "overdue":
            type(dispute).objects.filter(pk=dispute.pk).update(
                decide_by=timezone.now() - dt.timedelta(days=1)
            )
            disputes.disputes_escalate()
    return made


def _root_causes(today: dt.date, rng: random.Random) -> int:
    """Causes on about half the misses of released reviews: most the agent's, some a process, the
    product or a policy; a system behind most misses of the first yes/no criterion in one queue
    (the identity check that times out)."""
    causes = {c.code: c for c in RootCause.objects.exclude(code="")}
    if "agent" not in causes:
        return 0
    first = today.replace(day=1)
    months = [*past_months(today, 2), first]
    reviews = (
        Review.objects.filter(status__in=("submitted", "acknowledged"), interaction__local_month__in=months)
        .select_related("interaction", "reviewer", "rubric")
        .order_by("pk")
    )
    made = 0
    for review in reviews:
        misses = [m for m in _missed(review) if rng.random() < 0.5]
        if not misses:
            continue
        spec = rubric_spec_pinned(review.rubric)
        first_yes_no = next(
            (c.key for c in spec.criteria() if c.answer_type == engine.AnswerType.YES_NO), None
        )
        chosen = {}
        for miss in misses:
            key = str(miss.criterion_id)
            if (
                key == first_yes_no
                and review.interaction.queue
                and review.interaction.queue.lower().startswith("b")
            ):
                cause = causes["system"]
            else:
                cause = causes[
                    rng.choices(["agent", "process", "product", "policy"], weights=[6, 2, 1, 1])[0]
                ]
            chosen[key] = str(cause.pk)
        # As if the reviewer had given them while scoring: stored with the review, rows written
        # from it (no change history, nobody told, acknowledgements kept).
        review.causes = {k: int(v) for k, v in chosen.items()}
        Review.objects.filter(pk=review.pk).update(causes=review.causes)
        results_write(review)
        made += 1
    return made


def load_demo_trust(today: dt.date) -> dict:
    """{what was added: how many}; nothing is added a second time."""
    loaders = {
        _("second scores"): _second_scores,
        _("calibration sessions"): _calibrations,
        _("root causes"): _root_causes,
        _("disputes"): _disputes,
    }
    if CalibrationSession.objects.exists():
        return dict.fromkeys(loaders, 0)
    rng = random.Random(18)
    return {what: load(today, rng) for what, load in loaders.items()}
