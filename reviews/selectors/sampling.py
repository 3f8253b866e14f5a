"""Sample coverage per agent and per reviewer."""

from __future__ import annotations

from django.db.models import Count, Q

from core.models import User
from core.permissions import Capability, roles_with

from ..models import Assignment, AssignmentStatus, SamplingQuota


def coverage_by_agent(*, month) -> list[dict]:
    """Per agent: quota, eligible, sampled, assigned, done; from SamplingQuota and two grouped counts."""

    assigned = {
        r["item__agent_id"]: r
        for r in Assignment.objects.filter(month=month)
        .exclude(status=AssignmentStatus.SKIPPED)
        .values("item__agent_id")
        .annotate(assigned=Count("id"), done=Count("id", filter=Q(status=AssignmentStatus.DONE)))
        .order_by()
    }
    rows = []
    for m in (
        SamplingQuota.objects.filter(month=month)
        .select_related("agent__team")
        .order_by("agent__team__name", "agent__username")
    ):
        a = assigned.get(m.agent_id, {})
        rows.append(
            {
                "agent": m.agent,
                "team": m.agent.team,
                "quota": m.quota,
                "eligible": m.eligible,
                "sampled": m.sampled,
                "assigned": a.get("assigned", 0),
                "done": a.get("done", 0),
                "short": m.short_sample,
                "why_short": m.why_short,
                "why_quota": m.why_quota,
                "new": m.new_agent,
            }
        )
    return rows


def coverage_by_reviewer(*, month) -> list[User]:
    """Every reviewer (and anyone else holding assignments this month) with `assigned` (not
    skipped), `done` and `skipped` counts of the month. The month's assignments are grouped on
    their own, so months gone by are never read."""
    counts = {
        row["reviewer_id"]: row
        for row in Assignment.objects.filter(month=month)
        .values("reviewer_id")
        .annotate(
            assigned=Count("id", filter=~Q(status=AssignmentStatus.SKIPPED)),
            done=Count("id", filter=Q(status=AssignmentStatus.DONE)),
            skipped=Count("id", filter=Q(status=AssignmentStatus.SKIPPED)),
        )
        .order_by()
    }
    reviewers = list(
        User.objects.filter(
            Q(role__in=roles_with(Capability.REVIEW_ASSIGNED)) | Q(pk__in=list(counts))
        ).order_by("username")
    )
    for reviewer in reviewers:
        row = counts.get(reviewer.pk, {})
        reviewer.assigned, reviewer.done, reviewer.skipped = (
            row.get(k, 0) for k in ("assigned", "done", "skipped")
        )
    return reviewers
