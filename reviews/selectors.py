"""Reads for interactions, samples and queues: what a person may see, with the joins done here."""

from __future__ import annotations

from django.db.models import Case, F, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from core.models import Role
from core.permissions import Capability, user_can

from .models import Assignment, Interaction, Review, ReviewStatus


def interaction_queryset_for(user) -> QuerySet[Interaction]:
    """Managers see every interaction; a lead their teams' agents'; an agent their own; a QA
    reviewer the ones assigned to them."""
    qs = Interaction.objects.select_related("agent")
    if not user_can(user, Capability.INTERACTION_VIEW):
        return qs.none()
    if user.is_superuser or user.role == Role.MANAGER:
        return qs
    if user.role == Role.LEAD:
        return qs.filter(agent__team__lead=user)
    if user.role == Role.AGENT:
        return qs.filter(agent=user)
    if user.role == Role.REVIEWER:
        return qs.filter(Q(sample_items__assignment__reviewer=user)).distinct()
    return qs.none()


def interaction_list_for(*, user, filters: dict | None = None) -> QuerySet[Interaction]:
    qs = interaction_queryset_for(user)
    filters = filters or {}
    if filters.get("agent"):
        qs = qs.filter(agent__username=filters["agent"])
    if filters.get("channel"):
        qs = qs.filter(channel=filters["channel"])
    if filters.get("month"):
        qs = qs.filter(local_month=filters["month"].replace(day=1))
    if filters.get("source"):
        qs = qs.filter(source=filters["source"])
    return qs.order_by("-started_at", "-id")


def interaction_get_for(*, user, pk: int) -> Interaction:
    return get_object_or_404(interaction_queryset_for(user), pk=pk)


def assignment_queue(*, reviewer, month, filters: dict | None = None) -> QuerySet:
    """A reviewer's assignments for a month, with what the queue page shows joined in."""
    from .models import Assignment

    filters = filters or {}
    qs = (
        Assignment.objects.filter(reviewer=reviewer, month=month)
        .select_related("item__interaction", "item__agent__team", "review")
        .annotate(
            stage=Case(
                When(status="started", then=Value(0)),
                When(status="assigned", then=Value(1)),
                When(status="done", then=Value(2)),
                default=Value(3),
            )
        )
        .order_by("stage", "item__agent__username", "item__interaction__started_at")
    )
    if filters.get("team"):
        qs = qs.filter(item__agent__team_id=filters["team"])
    if filters.get("agent"):
        qs = qs.filter(item__agent_id=filters["agent"])
    if filters.get("channel"):
        qs = qs.filter(item__interaction__channel=filters["channel"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(item__kind=filters["kind"])
    return qs


def queue_progress(*, reviewer, month) -> dict:
    """Done / total overall and per agent for a reviewer's month (skipped items not counted)."""
    from django.db.models import Count

    from .models import AgentMonth, Assignment, AssignmentStatus

    rows = (
        Assignment.objects.filter(reviewer=reviewer, month=month)
        .exclude(status=AssignmentStatus.SKIPPED)
        .values(
            "item__agent_id", "item__agent__username", "item__agent__first_name", "item__agent__last_name"
        )
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=AssignmentStatus.DONE)))
        .order_by("item__agent__username")
    )
    short = set(
        AgentMonth.objects.filter(
            month=month, short_sample=True, agent_id__in=[r["item__agent_id"] for r in rows]
        ).values_list("agent_id", flat=True)
    )
    agents = [
        {
            "id": r["item__agent_id"],
            "name": f"{r['item__agent__first_name']} {r['item__agent__last_name']}".strip()
            or r["item__agent__username"],
            "total": r["total"],
            "done": r["done"],
            "short": r["item__agent_id"] in short,
        }
        for r in rows
    ]
    return {
        "total": sum(a["total"] for a in agents),
        "done": sum(a["done"] for a in agents),
        "agents": agents,
    }


def coverage_by_agent(*, month) -> list[dict]:
    """Per agent: quota, eligible, sampled, assigned, done; from AgentMonth and two grouped counts."""
    from django.db.models import Count

    from .models import AgentMonth, Assignment, AssignmentStatus

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
        AgentMonth.objects.filter(month=month)
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
                "new": m.new_agent,
            }
        )
    return rows


def coverage_by_reviewer(*, month) -> list[dict]:
    from django.db.models import Count

    from core.models import User

    from .models import AssignmentStatus

    return list(
        User.objects.filter(role=Role.REVIEWER)
        .annotate(
            assigned=Count(
                "assignments",
                filter=Q(assignments__month=month) & ~Q(assignments__status=AssignmentStatus.SKIPPED),
            ),
            done=Count(
                "assignments", filter=Q(assignments__month=month, assignments__status=AssignmentStatus.DONE)
            ),
            skipped=Count(
                "assignments",
                filter=Q(assignments__month=month, assignments__status=AssignmentStatus.SKIPPED),
            ),
        )
        .order_by("username")
    )


def review_queryset_for(user) -> QuerySet[Review]:
    """QA managers see every review; a reviewer the ones they wrote; a lead their teams'
    released ones; an agent their own released ones. Drafts stay with their reviewer."""
    qs = Review.objects.select_related("interaction__agent", "agent__team", "reviewer", "rubric")
    if not user_can(user, Capability.REVIEW_VIEW):
        return qs.none()
    if user_can(user, Capability.REVIEW_MANAGE):
        return qs
    released = ~Q(status=ReviewStatus.DRAFT)
    if user.role == Role.REVIEWER:
        return qs.filter(reviewer=user)
    if user.role == Role.LEAD:
        return qs.filter(released, agent__team__lead=user)
    if user.role == Role.AGENT:
        return qs.filter(released, agent=user)
    return qs.none()


def review_get_for(*, user, pk: int) -> Review:
    return get_object_or_404(review_queryset_for(user), pk=pk)


def review_list_for(*, user, filters: dict | None = None) -> QuerySet[Review]:
    """Unread first (for the agent they are about), then the newest."""
    filters = filters or {}
    qs = review_queryset_for(user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("agent"):
        qs = qs.filter(agent_id=filters["agent"])
    unread = Case(
        When(Q(status=ReviewStatus.DRAFT), then=Value(0)),
        When(Q(agent_seen_at__isnull=True) | Q(agent_seen_at__lt=F("released_at")), then=Value(1)),
        default=Value(0),
    )
    return qs.annotate(is_unread=unread).order_by(
        "-is_unread", F("released_at").desc(nulls_first=True), "-id"
    )


def assignment_get_for(*, user, pk: int) -> Assignment:
    """An assignment the user may score: their own, or any for a QA manager."""
    qs = Assignment.objects.select_related("item__interaction", "reviewer")
    if not user_can(user, Capability.REVIEW_MANAGE):
        qs = qs.filter(reviewer=user) if user_can(user, Capability.REVIEW_SCORE) else qs.none()
    return get_object_or_404(qs, pk=pk)
