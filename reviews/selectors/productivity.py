"""Reviewer productivity (docs/reviewing.md, "Pace and forecast"): reviews per day, the month's
backlog and where the current pace ends the month, and active time per review by channel and
rubric. Figures without data are "—" (None) with n = 0."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from statistics import median

from django.db.models import Count, Q
from django.utils import timezone

from core.models import User

from ..models import Assignment, AssignmentStatus, Review, ReviewKind, ReviewStatus

RELEASED = (ReviewStatus.SUBMITTED, ReviewStatus.ACKNOWLEDGED)


def month_days(month: dt.date, today: dt.date) -> tuple[int, int, dt.date]:
    """(days of `month` gone by, including today; days left after today; its last day)."""
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    if today < month:
        return 0, (last - month).days + 1, last
    if today > last:
        return (last - month).days + 1, 0, last
    return (today - month).days + 1, (last - today).days, last


def pace(assigned: int, done: int, elapsed: int, left: int) -> dict:
    """Reviews per day so far, and how many of `assigned` are done by the month's end at that
    pace (never more than assigned). Worked example (docs/reviewing.md): 2,100 assigned, 1,040 done
    after 16 days, 14 days left: 65.00 a day; 1,040 + 65 × 14 = 1,950 of 2,100."""
    per_day = done / elapsed if elapsed else None
    forecast = min(assigned, round(done + per_day * left)) if per_day is not None else None
    return {"assigned": assigned, "done": done, "per_day": per_day, "forecast": forecast,
            "short": (assigned - forecast) if forecast is not None else None}  # fmt: skip


def reviewer_pace(month: dt.date, *, today: dt.date | None = None, reviewer_id: int | None = None) -> dict:
    """Per reviewer and in all: assigned (skipped ones left out), done, per day, the forecast,
    and the median active minutes per review (with its n)."""
    today = today or timezone.localdate()
    elapsed, left, last = month_days(month, today)
    assignments = Assignment.objects.filter(month=month).exclude(status=AssignmentStatus.SKIPPED)
    if reviewer_id is not None:
        assignments = assignments.filter(reviewer_id=reviewer_id)
    counts = {
        row["reviewer_id"]: row
        for row in assignments.values("reviewer_id").annotate(
            assigned=Count("pk"), done=Count("pk", filter=Q(status=AssignmentStatus.DONE))
        )
    }
    active = defaultdict(list)
    for reviewer_id_, seconds in Review.objects.filter(
        kind=ReviewKind.REGULAR, status__in=RELEASED, assignment__month=month, active_seconds__gt=0,
        reviewer_id__in=list(counts),
    ).values_list("reviewer_id", "active_seconds"):  # fmt: skip
        active[reviewer_id_].append(seconds)
    people = User.objects.in_bulk(list(counts))
    rows = []
    for reviewer, row in sorted(counts.items(), key=lambda item: str(people[item[0]])):
        times = active.get(reviewer, [])
        rows.append(
            {"reviewer": people[reviewer], **pace(row["assigned"], row["done"], elapsed, left),
             "active_minutes": median(times) / 60 if times else None, "active_n": len(times)}
        )  # fmt: skip
    every = [s for times in active.values() for s in times]
    total = pace(sum(r["assigned"] for r in rows), sum(r["done"] for r in rows), elapsed, left)
    total |= {"active_minutes": median(every) / 60 if every else None, "active_n": len(every)}
    return {"rows": rows, "total": total, "last_day": last, "left": left}


def time_per_review(month: dt.date) -> list[dict]:
    """Median active minutes per released review of the month, by channel and rubric, with n."""
    groups = defaultdict(list)
    for channel, rubric, version, seconds in Review.objects.filter(
        kind=ReviewKind.REGULAR, status__in=RELEASED, assignment__month=month, active_seconds__gt=0
    ).values_list("interaction__channel", "rubric__name", "rubric__version", "active_seconds"):
        groups[(channel, f"{rubric} (v{version})")].append(seconds)
    from core.models import Channel

    labels = dict(Channel.choices)
    return [
        {"channel": labels.get(channel, channel), "rubric": rubric, "n": len(times),
         "median_minutes": median(times) / 60, "mean_minutes": sum(times) / len(times) / 60}
        for (channel, rubric), times in sorted(groups.items())
    ]  # fmt: skip
