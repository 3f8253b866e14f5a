from django.db.models import Count, QuerySet

from .models import AuditEvent, Team
from .permissions import Scope, scope_of


def audit_event_list(*, group_key: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(group_key=group_key).select_related("actor")


def team_list_for(*, user) -> QuerySet[Team]:
    """Teams the user may see: a lead their own, managers and administrators every team."""
    qs = Team.objects.select_related("lead").annotate(agent_count=Count("agents"))
    match scope_of(user):
        case Scope.ALL:
            return qs
        case Scope.TEAMS:
            return qs.filter(lead=user)
    return qs.none()
