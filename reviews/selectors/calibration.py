"""A calibration session revealed (docs/agreement.md, "Calibration"): every participant's answers
side by side, where the group split, and each participant's deviation from the benchmark; and
each reviewer's deviation over months (lenient, strict or in line).

Deviation is in points: a participant's total minus the benchmark's total (the 0-100 scale of the
total), and per section their section score minus the benchmark's (the section's own 0-100 scale).
Beyond the configured limit (TrustSettings.deviation_limit, ±5 by default) it is flagged.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F

from scoring.selectors import rubric_data_pinned

from ..models import (
    CalibrationSession,
    CriterionResult,
    Review,
    ReviewKind,
    ReviewStatus,
    SectionResult,
)

RELEASED = (ReviewStatus.SUBMITTED, ReviewStatus.ACKNOWLEDGED)
TWO = Decimal("0.01")


@dataclass
class Deviation:
    points: Decimal | None  # None: no benchmark yet, or a score not submitted
    flagged: bool = False


@dataclass
class Participant:
    review: Review
    submitted: bool
    is_benchmark: bool
    total: Deviation = field(default_factory=lambda: Deviation(None))
    sections: list[Deviation] = field(default_factory=list)


@dataclass
class CriterionRow:
    criterion_id: int
    section: str
    behaviour: str
    guidance: str
    answers: list[str]  # one per participant, in the item's participant order ("" not submitted)
    benchmark: str  # "" while none is recorded
    counts: list[tuple[str, int]]  # each answer given, with how many gave it, most common first
    split: bool  # the submitted answers differ

    @property
    def majority(self) -> str:
        return self.counts[0][0] if self.counts else ""


@dataclass
class ItemTable:
    item: object
    participants: list[Participant]
    sections: list[str]
    criteria: list[CriterionRow]  # disagreements first, then the rubric's order
    benchmark: Review | None

    @property
    def split_n(self) -> int:
        return sum(1 for c in self.criteria if c.split)


def _deviation(value: Decimal | None, benchmark: Decimal | None, limit: Decimal) -> Deviation:
    if value is None or benchmark is None:
        return Deviation(None)
    points = (value - benchmark).quantize(TWO)
    return Deviation(points, abs(points) > limit)


def calibration_reveal_table(session: CalibrationSession, *, limit: Decimal) -> list[ItemTable]:
    """Per interaction: the participants (by name), each criterion's answers side by side with the
    benchmark's, and each participant's deviation on the total and per section. Four queries."""
    data = rubric_data_pinned(session.rubric)
    items = list(session.items.select_related("interaction__agent").order_by("position", "id"))
    scores = list(
        Review.every_kind.filter(
            calibration_item__session=session, kind__in=[ReviewKind.CALIBRATION, ReviewKind.BENCHMARK]
        )
        .select_related("reviewer")
        .order_by("reviewer__first_name", "reviewer__username", "id")
    )
    ids = [s.pk for s in scores]
    answers: dict[int, dict[int, str]] = defaultdict(dict)
    for review_id, criterion_id, answer in (
        CriterionResult.objects.filter(review_id__in=ids)
        .values_list("review_id", "criterion_id", "answer")
        .order_by()
    ):
        answers[review_id][criterion_id] = answer
    section_scores: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
    for review_id, section_id, score in (
        SectionResult.objects.filter(review_id__in=ids)
        .values_list("review_id", "section_id", "score")
        .order_by()
    ):
        section_scores[review_id][section_id] = score
    by_item: dict[int, list[Review]] = defaultdict(list)
    for score in scores:
        by_item[score.calibration_item_id].append(score)
    order = {c.id: i for i, c in enumerate(c for s in data.sections for c in s.criteria)}
    out = []
    for item in items:
        benchmark = next((s for s in by_item[item.pk] if s.pk == item.benchmark_id), None)
        bench_done = benchmark is not None and benchmark.status in RELEASED
        people = [s for s in by_item[item.pk] if s.kind == ReviewKind.CALIBRATION]
        participants = []
        for review in people:
            done = review.status in RELEASED
            p = Participant(review, done, review.pk == item.benchmark_id)
            if done and bench_done and not p.is_benchmark:
                p.total = _deviation(review.total, benchmark.total, limit)
                p.sections = [
                    _deviation(
                        section_scores[review.pk].get(s.id), section_scores[benchmark.pk].get(s.id), limit
                    )
                    for s in data.sections
                ]
            else:
                p.sections = [Deviation(None) for _s in data.sections]
            participants.append(p)
        rows = []
        for s in data.sections:
            for c in s.criteria:
                given = [answers[p.review.pk].get(c.id, "") if p.submitted else "" for p in participants]
                counts: dict[str, int] = defaultdict(int)
                for a in given:
                    if a:
                        counts[a] += 1
                ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                rows.append(
                    CriterionRow(
                        criterion_id=c.id, section=s.name, behaviour=c.behaviour, guidance=c.guidance,
                        answers=given, benchmark=answers[benchmark.pk].get(c.id, "") if bench_done else "",
                        counts=ranked, split=len(ranked) > 1,
                    )
                )  # fmt: skip
        # Disagreements first (the most-split first), then the rubric's order.
        rows.sort(key=lambda r: (not r.split, -len(r.counts), order[r.criterion_id]))
        out.append(ItemTable(item, participants, [s.name for s in data.sections], rows, benchmark))
    return out


@dataclass
class Standing:
    """A participant over the whole session: mean deviation of the total, with n."""

    reviewer: object
    n: int
    mean: Decimal | None
    flagged: int  # items beyond the limit

    @property
    def reading(self) -> str:
        return reading_of(self.mean, self.limit)

    limit: Decimal = Decimal(5)


def reading_of(mean: Decimal | None, limit: Decimal) -> str:
    """ "lenient" (scores above the benchmark by more than the limit on average), "strict" (below),
    "in line", or "" when there is nothing to say."""
    if mean is None:
        return ""
    if mean > limit:
        return "lenient"
    if mean < -limit:
        return "strict"
    return "in line"


def _mean(values: list[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO) if values else None


def session_standings(tables: list[ItemTable], limit: Decimal) -> list[Standing]:
    people: dict[int, tuple[object, list[Decimal], int]] = {}
    for table in tables:
        for p in table.participants:
            person, values, flagged = people.get(p.review.reviewer_id, (p.review.reviewer, [], 0))
            if p.total.points is not None:
                values.append(p.total.points)
                flagged += p.total.flagged
            people[p.review.reviewer_id] = (person, values, flagged)
    return sorted(
        (
            Standing(person, len(values), _mean(values), flagged, limit)
            for person, values, flagged in people.values()
        ),
        key=lambda s: (s.mean is None, -abs(s.mean or 0)),
    )


def split_criteria(tables: list[ItemTable]) -> list[dict]:
    """The criteria the group split on in any interaction, most often first, with their guidance:
    the topics for clearer guidance."""
    found: dict[int, dict] = {}
    for table in tables:
        for row in table.criteria:
            if row.split:
                entry = found.setdefault(
                    row.criterion_id,
                    {"criterion_id": row.criterion_id, "behaviour": row.behaviour, "section": row.section,
                     "guidance": row.guidance, "items": 0},
                )  # fmt: skip
                entry["items"] += 1
    return sorted(found.values(), key=lambda e: -e["items"])


@dataclass
class MonthDeviation:
    month: dt.date
    n: int
    mean: Decimal | None  # signed: above 0 scores above the benchmark
    mean_abs: Decimal | None
    flagged: int
    reading: str


def deviation_trend(limit: Decimal, reviewer_ids=None, months: int = 12) -> dict[int, list[MonthDeviation]]:
    """Reviewer id -> their deviation from the benchmark per month of calibration (the session's
    month), oldest first: every submitted calibration score of an interaction with a benchmark,
    the benchmark's own scorer left out. Two queries."""
    scores = Review.every_kind.filter(
        kind=ReviewKind.CALIBRATION,
        status__in=RELEASED,
        calibration_item__benchmark__isnull=False,
        calibration_item__benchmark__status__in=RELEASED,
    ).exclude(calibration_item__benchmark=F("pk"))
    if reviewer_ids is not None:
        scores = scores.filter(reviewer_id__in=list(reviewer_ids))
    rows = scores.values_list(
        "reviewer_id", "calibration_item__session__month", "total", "calibration_item__benchmark__total"
    ).order_by()
    by: dict[int, dict[dt.date, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for reviewer_id, month, total, benchmark in rows:
        if total is not None and benchmark is not None:
            by[reviewer_id][month].append(total - benchmark)
    out: dict[int, list[MonthDeviation]] = {}
    for reviewer_id, per_month in by.items():
        trend = []
        for month in sorted(per_month)[-months:]:
            values = per_month[month]
            mean = _mean(values)
            trend.append(
                MonthDeviation(
                    month, len(values), mean, _mean([abs(v) for v in values]),
                    sum(1 for v in values if abs(v) > limit), reading_of(mean, limit),
                )
            )  # fmt: skip
        out[reviewer_id] = trend
    return out
