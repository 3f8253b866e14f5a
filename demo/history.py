"""The demo's past: for each of the last N full months, the monthly sample drawn and scored by the
demo reviewers through the same services a reviewer's clicks use, so the dashboards' trends,
intervals and flags have something to show on the first run.

Who does what (by the agent's number, agent1 … agent24):
- most agents are steady; agents 1, 2, 9, 10, 17 and 18 improve month by month;
- agent 5 does well and then falls in the last month;
- agent 6 has a run of critical failures (a skipped identity check) in the last two months;
- agent 13 gets few reviews: a short sample every month.
New starters (hired after a month) have no history for it.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from core.events import paused
from core.exceptions import DomainError
from core.models import Role, User
from reviews.models import Assignment, AssignmentStatus, DrawStatus, SampleDraw
from reviews.services import sample_draw
from reviews.services.reviewing import ReviewInput, review_acknowledge, review_start, review_submit
from scoring import engine
from scoring.models import Criterion
from scoring.selectors import rubric_spec_pinned

from .autoqa import closing_answer
from .language import say
from .reviews import ENCOURAGEMENTS, IMPROVEMENTS, STRENGTHS, demo_comment

IMPROVING = {1, 2, 9, 10, 17, 18}
FALLING = 5
CRITICAL = 6
SHORT = 13
PER_AGENT = 15  # the sampling policy's minimum: a full sample
SHORT_PER_AGENT = 6


def past_months(today: dt.date, count: int) -> list[dt.date]:
    """The `count` full months before `today`'s, oldest first."""
    months = []
    month = today.replace(day=1)
    for _ in range(count):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.insert(0, month)
    return months


def _number(agent: User) -> int:
    digits = "".join(ch for ch in agent.username if ch.isdigit())
    return int(digits) if digits else 0


def miss_rate(number: int, index: int, last: int) -> float:
    """How often this agent misses a criterion in month `index` (0 = oldest, `last` = newest)."""
    if number in IMPROVING:
        return max(0.04, 0.32 - 0.05 * index)
    if number == FALLING:
        return 0.45 if index == last else 0.06
    return 0.05  # most agents meet the QA target; the ones above stand out


def _answers(
    spec,
    rng: random.Random,
    miss: float,
    critical_fail: bool,
    transcript: str,
    behaviours=None,
    source="",
    from_data=None,
) -> tuple[dict, dict]:
    """A demo reviewer's answers; where the rubric answers a criterion from the interaction's data
    (`from_data`, the review's data answers), the reviewer keeps the data's answer."""
    answers, comments = {}, {}
    for criterion in spec.criteria():
        low, high = criterion.bounds()
        missed = rng.random() < miss
        if criterion.answer_type == engine.AnswerType.YES_NO:
            failed = critical_fail if criterion.critical else missed
            answer = "no" if failed else "yes"
        else:
            answer = rng.randint(low, max(low, high - 2)) if missed else rng.randint(max(low, high - 1), high)
        # the closing criterion follows the call's closing (what the demo's closing rule checks)
        answer = closing_answer((behaviours or {}).get(criterion.key, ""), transcript, answer, source)
        answer = (from_data or {}).get(criterion.key, answer)
        answers[criterion.key] = answer
        if answer in ("no", low):
            comments[criterion.key] = demo_comment(rng, transcript)
    return answers, comments


def behaviours_of(rubric_id: int) -> dict[str, str]:
    """{criterion key: behaviour} of a rubric version."""
    return {
        str(pk): behaviour
        for pk, behaviour in Criterion.objects.filter(section__rubric_id=rubric_id).values_list(
            "pk", "behaviour"
        )
    }


def load_demo_history(today: dt.date, months: int = 6) -> int:
    """Draw and score each past month that has no finished draw yet; returns the reviews made."""
    rng = random.Random(2026)
    made = 0
    window = past_months(today, months)
    last = len(window) - 1
    for index, month in enumerate(window):
        if SampleDraw.objects.filter(month=month, status=DrawStatus.DONE).exists():
            continue
        with paused():  # the records are rebuilt once, at the end, not after every review
            sample_draw(month=month)
            with transaction.atomic():
                made += _score_month(month, index, last, rng)
    return made


def _score_month(month: dt.date, index: int, last: int, rng: random.Random) -> int:
    made = 0
    done: dict[int, int] = {}
    critical_left = {CRITICAL: 3 if index == last else 2 if index == last - 1 else 0}
    assignments = (
        Assignment.objects.filter(month=month, status=AssignmentStatus.ASSIGNED)
        .select_related("reviewer", "item__agent", "item__interaction")
        .order_by("item__agent__username", "item__interaction__started_at", "pk")
    )
    for assignment in assignments:
        agent = assignment.item.agent
        number = _number(agent)
        wanted = SHORT_PER_AGENT if number == SHORT else PER_AGENT
        if done.get(agent.pk, 0) >= wanted or agent.role != Role.AGENT:
            continue
        try:
            review = review_start(actor=assignment.reviewer, assignment=assignment)
        except DomainError:  # no rubric for the channel
            continue
        fail = critical_left.get(number, 0) > 0 and rng.random() < 0.5
        if fail:
            critical_left[number] -= 1
        answers, comments = _answers(
            rubric_spec_pinned(review.rubric),
            rng,
            miss_rate(number, index, last),
            critical_fail=fail,
            transcript=assignment.item.interaction.transcript,
            behaviours=behaviours_of(review.rubric_id),
            source=assignment.item.interaction.source_id,
            from_data=review.data_answers,
        )
        data = ReviewInput(
            answers=answers,
            comments=comments,
            strengths=say(rng.choice(STRENGTHS)),
            improvement=say(rng.choice(IMPROVEMENTS)),
            encouragement=say(rng.choice(ENCOURAGEMENTS)),
        )
        review = review_submit(
            actor=assignment.reviewer, review=review, data=data, expected_revision=review.revision
        )
        if rng.random() < 0.8:  # most agents read and acknowledge their feedback
            review_acknowledge(actor=agent, review=review)
        done[agent.pk] = done.get(agent.pk, 0) + 1
        made += 1
    return made
