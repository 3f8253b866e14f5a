"""Interactions: which ones a person may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from core.permissions import Capability, Scope, scope_of, user_can

from ..models import Interaction


def interaction_queryset_for(user) -> QuerySet[Interaction]:
    """Managers see every interaction; a lead their teams' agents'; an agent their own; a QA
    reviewer the ones assigned to them."""
    qs = Interaction.objects.select_related("agent")
    if not user_can(user, Capability.INTERACTION_VIEW):
        return qs.none()
    match scope_of(user):
        case Scope.ALL:
            return qs
        case Scope.TEAMS:
            return qs.filter(agent__team__lead=user)
        case Scope.OWN:
            return qs.filter(agent=user)
        case Scope.ASSIGNED:
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
