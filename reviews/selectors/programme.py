"""What the programme page shows about trust in the scores, besides agreement: dispute figures
(docs/disputes.md, "Figures"), the misses whose root cause is not the agent's, and agreement over
months. Every figure comes with its n; a rate over nothing is None ("—")."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from ..models import (
    CriterionResult,
    Decision,
    Dispute,
    DisputedCriterion,
    DisputeStatus,
    Review,
    ReviewKind,
    ReviewStatus,
    RootCause,
)
from .agreement import agreement_cached

RELEASED = (ReviewStatus.SUBMITTED, ReviewStatus.ACKNOWLEDGED)
OVERTURNED = (Decision.ACCEPTED, Decision.PARTLY)
# A criterion overturned at least this often, in at least half of its decided disputes, is a
# calibration topic.
TOPIC_MIN = 2


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def dispute_figures(month: dt.date) -> dict:
    """Disputes of the month's released reviews (the month of the interaction reviewed): how many
    reviews were disputed, per reviewer and per criterion, the share of decided criteria
    overturned (accepted or partly accepted), and the time to decide (median days, decided
    disputes)."""
    reviews = Review.objects.filter(status__in=RELEASED, interaction__local_month=month)
    per_reviewer = {
        row["reviewer_id"]: row
        for row in reviews.values(
            "reviewer_id", "reviewer__first_name", "reviewer__last_name", "reviewer__username"
        )
        .annotate(n=Count("id", distinct=True), disputed=Count("disputes__review", distinct=True))
        .order_by()
    }
    contested = DisputedCriterion.objects.filter(
        dispute__review__in=reviews.values("pk")
    ).values_list(
        "dispute__review__reviewer_id", "identity", "criterion__behaviour", "decision", "dispute_id"
    )  # fmt: skip
    by_reviewer: dict[int, dict] = defaultdict(lambda: {"decided": 0, "overturned": 0})
    by_criterion: dict[str, dict] = {}
    decided = overturned = 0
    for reviewer_id, identity, behaviour, decision, _dispute in contested:
        key = str(identity)
        entry = by_criterion.setdefault(
            key, {"label": behaviour, "disputed": 0, "decided": 0, "overturned": 0}
        )
        entry["disputed"] += 1
        if decision:
            decided += 1
            entry["decided"] += 1
            by_reviewer[reviewer_id]["decided"] += 1
            if decision in OVERTURNED:
                overturned += 1
                entry["overturned"] += 1
                by_reviewer[reviewer_id]["overturned"] += 1
    answered = {
        str(identity): n
        for identity, n in CriterionResult.objects.filter(
            review__kind=ReviewKind.REGULAR, review__status__in=RELEASED,
            review__interaction__local_month=month, identity__in=list(by_criterion), score__isnull=False,
        ).values_list("identity").annotate(n=Count("id")).order_by()
    }  # fmt: skip
    criteria = []
    for identity, e in by_criterion.items():
        n = answered.get(identity, 0)
        criteria.append(
            e | {
                "identity": identity, "reviews": n, "rate": _pct(e["disputed"], n),
                "overturned_share": _pct(e["overturned"], e["decided"]),
                "topic": e["overturned"] >= TOPIC_MIN and e["overturned"] * 2 >= e["decided"],
            }
        )  # fmt: skip
    criteria.sort(key=lambda c: (-c["overturned"], -c["disputed"], c["label"]))
    reviewers = []
    for reviewer_id, row in per_reviewer.items():
        name = " ".join(p for p in (row["reviewer__first_name"], row["reviewer__last_name"]) if p)
        extra = by_reviewer.get(reviewer_id, {"decided": 0, "overturned": 0})
        reviewers.append({
            "name": name or row["reviewer__username"], "reviews": row["n"], "disputed": row["disputed"],
            "rate": _pct(row["disputed"], row["n"]), "decided": extra["decided"], "overturned": extra["overturned"],
            "overturned_share": _pct(extra["overturned"], extra["decided"]),
        })  # fmt: skip
    reviewers.sort(key=lambda r: (-(r["rate"] or 0), r["name"]))
    month_disputes = Dispute.objects.filter(review__in=reviews.values("pk"))
    days = [
        (d.decided_at - d.opened_at).total_seconds() / 86400
        for d in month_disputes.filter(status=DisputeStatus.DECIDED).only("opened_at", "decided_at")
    ]
    counts = month_disputes.aggregate(
        n=Count("id"),
        open=Count("id", filter=Q(status=DisputeStatus.OPEN)),
        escalated=Count("id", filter=Q(status=DisputeStatus.OPEN, escalated_at__isnull=False)),
    )
    total_reviews = sum(r["n"] for r in per_reviewer.values())
    disputed_reviews = sum(r["disputed"] for r in per_reviewer.values())
    return {
        "reviews": total_reviews,
        "disputed": disputed_reviews,
        "rate": _pct(disputed_reviews, total_reviews),
        "disputes": counts["n"],
        "open": counts["open"],
        "escalated": counts["escalated"],
        "criteria_decided": decided,
        "overturned": overturned,
        "overturned_share": _pct(overturned, decided),
        "decided": len(days),
        "median_days": Decimal(str(statistics.median(days))).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if days
        else None,
        "reviewers": reviewers,
        "criteria": criteria,
    }


def non_agent_causes(month: dt.date, limit: int = 10) -> dict:
    """The month's misses put down to a cause that is not the agent's, by criterion, queue and
    cause, most frequent first: for the people who own processes, products, policies and systems.
    With the number of misses given any cause, and those given none."""
    misses = CriterionResult.objects.filter(
        review__kind=ReviewKind.REGULAR, review__status__in=RELEASED, review__interaction__local_month=month,
        score__lt=100,
    )  # fmt: skip
    counts = misses.aggregate(
        n=Count("id"),
        with_cause=Count("id", filter=Q(root_cause__isnull=False)),
        not_agent=Count("id", filter=Q(root_cause__agent_controllable=False)),
    )
    rows = (
        misses.filter(root_cause__agent_controllable=False)
        .values("identity", "criterion__behaviour", "review__interaction__queue", "root_cause_id")
        .annotate(n=Count("id"))
        .order_by("-n", "criterion__behaviour")[:limit]
    )
    causes = {c.pk: c.label for c in RootCause.objects.all()}
    return counts | {
        "rows": [
            {
                "criterion": r["criterion__behaviour"],
                "queue": r["review__interaction__queue"] or "",
                "cause": causes.get(r["root_cause_id"], ""),
                "n": r["n"],
            }
            for r in rows
        ]
    }


def agreement_over_months(month: dt.date, count: int = 6) -> dict:
    """α of the total per rubric for the `count` months up to `month` (each month's figures
    cached as on the programme page), as a table and a chart."""
    months = []
    day = month.replace(day=1)
    for _i in range(count):
        months.append(day)
        day = (day - dt.timedelta(days=1)).replace(day=1)
    months.reverse()
    rubrics: dict[str, dict] = {}
    for m in months:
        for rubric in agreement_cached(m):
            entry = rubrics.setdefault(rubric["lineage"], {"rubric": rubric["rubric"], "months": {}})
            entry["months"][m] = rubric["rows"][0]
    table = [
        {"rubric": e["rubric"], "cells": [e["months"].get(m) for m in months]}
        for e in sorted(rubrics.values(), key=lambda e: e["rubric"])
    ]
    chart = {
        "labels": [f"{m:%Y-%m}" for m in months],
        "series": [
            {"label": row["rubric"], "data": [c["alpha"] if c else None for c in row["cells"]]}
            for row in table
        ],
        "min": 0,
        "max": 1,
    }
    return {"months": months, "table": table, "chart": chart}
