from django.db.models import QuerySet

from .models import AuditEvent, Role, Team, User
from .permissions import Scope, scope_of


def audit_event_list(*, group_key: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(group_key=group_key).select_related("actor")


def team_list_for(*, user) -> QuerySet[Team]:
    """Teams the user may see: a lead their own, managers and administrators every team (by name)."""
    qs = Team.objects.order_by("name")
    match scope_of(user):
        case Scope.ALL:
            return qs
        case Scope.TEAMS:
            return qs.filter(lead=user)
    return qs.none()


def agent_queryset_for(user) -> QuerySet[User]:
    """Agents whose records the user may see: every agent for QA managers, a lead's teams'
    agents, an agent themself."""
    qs = User.objects.filter(role=Role.AGENT).select_related("team")
    match scope_of(user):
        case Scope.ALL:
            return qs
        case Scope.TEAMS:
            return qs.filter(team__lead=user)
        case Scope.OWN:
            return qs.filter(pk=user.pk)
    return qs.none()
