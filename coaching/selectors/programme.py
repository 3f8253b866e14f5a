"""The QA manager's programme page: every team side by side, reviewer throughput and backlog,
sample coverage, and each reviewer's score distribution."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from core.display import person
from reviews.models import Review, SamplingQuota
from reviews.selectors import coverage_by_reviewer

from .. import metrics
from ..models import PerformanceRecord, RecordLevel
from ..services.records import RELEASED, month_start
from .records import months_back, records_version


def reviewer_distributions(month: dt.date) -> tuple[list[dict], metrics.Summary]:
    """Per reviewer: the totals they gave this month (n, mean with interval, median, min, max,
    sd), and whether their interval leaves out the mean of everyone else's reviews (a reviewer
    far from the others stands out; calibrate them)."""
    by_reviewer: dict[int, list] = defaultdict(list)
    names = {}
    for reviewer_id, first, last, username, total in Review.objects.filter(
        status__in=RELEASED, interaction__local_month=month
    ).values_list(
        "reviewer_id", "reviewer__first_name", "reviewer__last_name", "reviewer__username", "total"
    ):
        by_reviewer[reviewer_id].append(total)
        names[reviewer_id] = person(first, last, username)
    everyone = [t for totals in by_reviewer.values() for t in totals]
    rows = []
    for reviewer_id, totals in sorted(by_reviewer.items(), key=lambda item: names[item[0]].lower()):
        summary = metrics.summarise(totals)
        others = [t for r, ts in by_reviewer.items() if r != reviewer_id for t in ts]
        others_mean = metrics.summarise(others).mean if others else None
        stands_out = (
            others_mean is not None
            and summary.low is not None
            and not summary.low <= others_mean <= summary.high
        )
        rows.append(
            {
                "name": names[reviewer_id],
                "summary": summary,
                "others_mean": others_mean,
                "stands_out": stands_out,
            }
        )
    return rows, metrics.summarise(everyone)


def coverage_summary(month: dt.date) -> dict:
    found = SamplingQuota.objects.filter(month=month).aggregate(
        agents=Count("id"),
        quota=Sum("quota"),
        sampled=Sum("sampled"),
        short=Count("id", filter=Q(short_sample=True)),
    )
    return {key: value or 0 for key, value in found.items()}


def programme_version(*, month: dt.date) -> tuple:
    """What the programme's cached figures are built from: the team and programme records of
    twelve months (a released or changed review rebuilds them, so the reviewers' score
    distributions move with them)."""
    return records_version(
        Q(level__in=[RecordLevel.TEAM, RecordLevel.PROGRAMME], month__in=months_back(month, 12))
    )


def programme_records(*, month: dt.date) -> dict:
    """The programme's figures from its records: the month, its 12-month trend, every team side
    by side, and each reviewer's score distribution."""
    month = month_start(month)
    trend_months = months_back(month, 12)
    records = list(
        PerformanceRecord.objects.filter(
            level__in=[RecordLevel.TEAM, RecordLevel.PROGRAMME], month__in=trend_months
        ).select_related("team")
    )
    programme = {r.month: r for r in records if r.level == RecordLevel.PROGRAMME}
    teams = sorted(
        (r for r in records if r.level == RecordLevel.TEAM and r.month == month), key=lambda r: r.team.name
    )
    distributions, everyone = reviewer_distributions(month)
    return {
        "month": month,
        "record": programme.get(month),
        "previous": programme.get(trend_months[-2]) if len(trend_months) > 1 else None,
        "trend": [(m, programme.get(m)) for m in trend_months],
        "teams": teams,
        "kpi_rows": [(t.team.name, t) for t in teams]
        + ([(_("The programme"), programme[month])] if month in programme else []),
        "distributions": distributions,
        "everyone": everyone,
        "team_chart": {
            "labels": [t.team.name for t in teams],
            "mean": [float(t.qa_mean) if t.qa_mean is not None else None for t in teams],
            "target": [float(t.qa_target) if t.qa_target is not None else None for t in teams],
            "n": [t.reviews_n for t in teams],
            "names": {"mean": str(_("QA mean")), "target": str(_("Target"))},
        },
    }


def programme_live(*, month: dt.date) -> dict:
    """The month's sampling work as it stands: coverage and each reviewer's throughput and backlog."""
    month = month_start(month)
    return {
        "coverage": coverage_summary(month),
        "reviewers": [
            {
                "reviewer": r,
                "assigned": r.assigned,
                "done": r.done,
                "backlog": r.assigned - r.done,
                "skipped": r.skipped,
            }
            for r in coverage_by_reviewer(month=month)
        ],
    }


def month_so_far(*, month: dt.date) -> dict:
    """The QA manager's home: the month so far, each figure with its n (the programme record of
    the month, the sample drawn and how much of it is reviewed)."""
    from reviews.models import SampleItem

    month = month_start(month)
    record = PerformanceRecord.objects.filter(level=RecordLevel.PROGRAMME, month=month).first()
    from ..services.records import previous_month

    previous = PerformanceRecord.objects.filter(
        level=RecordLevel.PROGRAMME, month=previous_month(month)
    ).first()
    sampled = SampleItem.objects.filter(month=month).count()
    reviews = Review.objects.filter(interaction__local_month=month)
    released = reviews.filter(status__in=RELEASED).count()
    return {
        "month": month,
        "record": record,
        "previous": previous,
        "sampled": sampled,
        "released": released,
        "drafts": reviews.exclude(status__in=RELEASED).count(),
        "coverage": metrics.ratio(released, sampled, 100),
    }
