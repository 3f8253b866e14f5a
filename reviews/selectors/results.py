"""Released reviews' results as records and coaching read them: totals per review, and the
criterion and section rows summed per agent in the database (no JSON unpacked, no SQL of our
own: one query each, the same on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from scoring import engine
from scoring.selectors import rubric_spec_pinned

from ..models import CriterionResult, Review, ReviewKind, ReviewStatus, SectionResult

RELEASED = (ReviewStatus.SUBMITTED, ReviewStatus.ACKNOWLEDGED)


def released_reviews(month: dt.date, agent_ids=None) -> QuerySet:
    """The month's released reviews (the month of the interaction reviewed; drafts never count)."""
    reviews = Review.objects.filter(status__in=RELEASED, interaction__local_month=month)
    return reviews if agent_ids is None else reviews.filter(agent_id__in=agent_ids)


def _rows_of(model, month: dt.date, agent_ids) -> QuerySet:
    rows = model.objects.filter(
        review__kind=ReviewKind.REGULAR, review__status__in=RELEASED, review__interaction__local_month=month
    )
    return rows if agent_ids is None else rows.filter(review__agent_id__in=agent_ids)


def review_totals(month: dt.date, agent_ids=None) -> list[tuple]:
    """(agent id, total, raw total, critical failed, rubric id, review id) of each released
    review."""
    return list(
        released_reviews(month, agent_ids)
        .order_by()
        .values_list("agent_id", "total", "raw_total", "critical_failed", "rubric_id", "id")
    )


def controllable_totals(month: dt.date, agent_ids=None) -> dict[int, Decimal | None]:
    """Review id -> its agent-controllable total, for the month's released reviews with a miss
    whose root cause is not the agent's: the engine scores the review again with those criteria
    left out, as if N/A (None when nothing is left to score). Reviews not listed: their total.
    Read at each rebuild, so a cause a manager re-files counts the new way everywhere."""
    misses: dict[int, set[str]] = defaultdict(set)
    rows = _rows_of(CriterionResult, month, agent_ids).filter(root_cause__agent_controllable=False)
    for review_id, criterion_id in rows.values_list("review_id", "criterion_id").order_by():
        misses[review_id].add(str(criterion_id))
    out: dict[int, Decimal | None] = {}
    for review in Review.objects.filter(pk__in=list(misses)).select_related("rubric"):
        answers = {k: v for k, v in review.answers.items() if k not in misses[review.pk]}
        try:
            out[review.pk] = engine.score(rubric_spec_pinned(review.rubric), answers, partial=True).total
        except engine.ScoringError:
            out[review.pk] = None
    return out


def section_sums(month: dt.date, agent_ids=None) -> list[tuple]:
    """(agent id, rubric id, section id, n, Σ score, Σ target, n met) over the sections that were
    scored (not dropped), per agent and section of a rubric version."""
    return list(
        _rows_of(SectionResult, month, agent_ids)
        .filter(dropped=False, score__isnull=False)
        .values_list("review__agent_id", "review__rubric_id", "section_id")
        .annotate(
            n=Count("id"),
            score_sum=Sum("score"),
            target_sum=Sum("target"),
            met_n=Count("id", filter=Q(met=True)),
        )
        .order_by()
    )


def criterion_sums(month: dt.date, agent_ids=None) -> list[tuple]:
    """(agent id, rubric id, criterion id, n, Σ score, n full marks) over the criteria answered
    (not N/A), per agent and criterion of a rubric version."""
    return list(
        _rows_of(CriterionResult, month, agent_ids)
        .filter(score__isnull=False)
        .values_list("review__agent_id", "review__rubric_id", "criterion_id")
        .annotate(n=Count("id"), score_sum=Sum("score"), full_n=Count("id", filter=Q(score=100)))
        .order_by()
    )


def scores_by_identity(review_ids) -> dict[int, dict[tuple[str, str], Decimal]]:
    """Review id -> {("criterion" | "section", identity): score 0-100} for these reviews: the
    criteria answered (not N/A) and the sections scored (not dropped), keyed by the identity they
    keep across rubric versions. Two queries, however many reviews."""
    out: dict[int, dict[tuple[str, str], Decimal]] = defaultdict(dict)
    ids = list(review_ids)
    for kind, model in (("criterion", CriterionResult), ("section", SectionResult)):
        rows = model.objects.filter(review_id__in=ids, score__isnull=False)
        for review_id, identity, score in rows.values_list("review_id", "identity", "score").order_by():
            out[review_id][(kind, str(identity))] = score
    return out


def reviews_missing(review_ids, identities) -> dict[str, set[int]]:
    """Criterion identity -> the ids of these reviews that answered it without full marks."""
    out: dict[str, set[int]] = defaultdict(set)
    rows = CriterionResult.objects.filter(
        review_id__in=list(review_ids), identity__in=list(identities), score__lt=100
    )
    for review_id, identity in rows.values_list("review_id", "identity").order_by():
        out[str(identity)].add(review_id)
    return out
