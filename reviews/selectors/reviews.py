"""Reviews and the reviewer's queue: what a person may see, with the joins done here."""

from __future__ import annotations

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from core.display import person
from core.permissions import Capability, Scope, scope_of, user_can

from ..models import Assignment, AssignmentStatus, Review, ReviewKind, ReviewStatus, SamplingQuota


def assignment_queue(*, reviewer, month, filters: dict | None = None) -> QuerySet:
    """A reviewer's assignments for a month, with what the queue page shows joined in."""

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
    """Done / total overall and per agent for a reviewer's month (skipped items not counted; how
    many were skipped is given apart). One query."""

    short = SamplingQuota.objects.filter(month=month, short_sample=True, agent_id=OuterRef("item__agent_id"))
    rows = (
        Assignment.objects.filter(reviewer=reviewer, month=month)
        .values(
            "item__agent_id", "item__agent__username", "item__agent__first_name", "item__agent__last_name"
        )
        .annotate(
            total=Count("id", filter=~Q(status=AssignmentStatus.SKIPPED)),
            done=Count("id", filter=Q(status=AssignmentStatus.DONE)),
            skipped=Count("id", filter=Q(status=AssignmentStatus.SKIPPED)),
            short=Exists(short),
        )
        .order_by("item__agent__username")
    )
    rows = list(rows)
    agents = [
        {
            "id": r["item__agent_id"],
            "name": person(
                r["item__agent__first_name"], r["item__agent__last_name"], r["item__agent__username"]
            ),
            "total": r["total"],
            "done": r["done"],
            "short": r["short"],
        }
        for r in rows
        if r["total"]
    ]
    return {
        "total": sum(a["total"] for a in agents),
        "done": sum(a["done"] for a in agents),
        "skipped": sum(r["skipped"] for r in rows),
        "agents": agents,
    }


def review_queryset_for(user) -> QuerySet[Review]:
    """QA managers see every review; a reviewer the ones they wrote; a lead their teams'
    released ones; an agent their own released ones. Drafts stay with their reviewer."""
    qs = Review.objects.select_related("interaction__agent", "agent__team", "reviewer", "rubric")
    if not user_can(user, Capability.REVIEW_VIEW):
        return qs.none()
    if user_can(user, Capability.REVIEW_MANAGE):
        return qs
    released = ~Q(status=ReviewStatus.DRAFT)
    match scope_of(user):
        case Scope.ASSIGNED:
            return qs.filter(reviewer=user)
        case Scope.TEAMS:
            return qs.filter(released, agent__team__lead=user)
        case Scope.OWN:
            return qs.filter(released, agent=user)
    return qs.none()


def blind_score_get_for(*, user, pk: int) -> Review | None:
    """The user's own calibration or second score (None if `pk` is not one): blind copies are
    their scorer's alone; no list, record or agent sees them."""
    return (
        Review.every_kind.filter(
            pk=pk, reviewer_id=getattr(user, "pk", None), kind__in=[ReviewKind.CALIBRATION, ReviewKind.SECOND]
        )
        .select_related("interaction__agent", "agent__team", "reviewer", "rubric", "calibration_item")
        .first()
    )


def review_get_for(*, user, pk: int) -> Review:
    return get_object_or_404(review_queryset_for(user), pk=pk)


REVIEW_ORDER = {
    "date": ["released_at", "id"],
    "score": ["total", "id"],
    "agent": ["agent__first_name", "agent__last_name", "agent__username", "id"],
    "reviewer": ["reviewer__first_name", "reviewer__last_name", "reviewer__username", "id"],
}


def review_list_for(*, user, filters: dict | None = None) -> QuerySet[Review]:
    """The reviews `user` may see, filtered by status, agent, team, reviewer, month (of the
    interaction) and score range; by default unread first (not yet opened by their agent), then
    the newest."""
    filters = filters or {}
    qs = review_queryset_for(user)
    lookups = {
        "status": "status", "agent": "agent", "team": "agent__team", "reviewer": "reviewer",
        "score_min": "total__gte", "score_max": "total__lte",
    }  # fmt: skip
    for name, lookup in lookups.items():
        if filters.get(name) not in (None, ""):
            qs = qs.filter(**{lookup: filters[name]})
    if filters.get("month"):
        qs = qs.filter(interaction__local_month=filters["month"].replace(day=1))
    order = REVIEW_ORDER.get(filters.get("sort") or "")
    if order is None:  # unread first, then drafts, then the rest; newest first (one index serves it)
        return qs.order_by("-list_rank", "-released_at", "-id")
    # Drafts after the released reviews in both directions (`is_released` first); within each,
    # plain ASC/DESC, which the indexes on Review serve on SQLite and PostgreSQL alike.
    if filters.get("desc"):
        return qs.order_by("-is_released", *[f"-{f}" for f in order])
    return qs.order_by("-is_released", *order)


def assignment_get_for(*, user, pk: int) -> Assignment:
    """An assignment the user may score: their own, or any for a QA manager."""
    qs = Assignment.objects.select_related("item__interaction", "reviewer")
    if not user_can(user, Capability.REVIEW_MANAGE):
        qs = qs.filter(reviewer=user) if user_can(user, Capability.REVIEW_SCORE) else qs.none()
    return get_object_or_404(qs, pk=pk)


def queue_waiting_elsewhere(*, reviewer, month) -> dict | None:
    """When the queue shows another month than the one in progress and work waits in the one in
    progress: that month and how much waits (the page links to it)."""
    from django.utils import timezone

    this = timezone.localdate().replace(day=1)
    if month == this:
        return None
    open_statuses = [AssignmentStatus.ASSIGNED, AssignmentStatus.STARTED]
    waiting = Assignment.objects.filter(reviewer=reviewer, month=this, status__in=open_statuses).count()
    return {"month": this, "waiting": waiting} if waiting else None
