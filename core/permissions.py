"""Named capabilities and visibility scopes, checked in one place.

Views, API views, services and templates ask `user_can(user, Capability.X)`; selectors ask
`scope_of(user)` which rows a person may see; object rules (`may_score`, `is_subject`) say who may
change a particular object. Nothing else looks at roles. A row outside the scope is not found
(404); a visible object the person may not change is `NotAllowed` (403), raised by the service.
"""

from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from .models import Role


class Capability(StrEnum):
    RUBRIC_VIEW = "rubric.view"
    RUBRIC_VIEW_DRAFTS = "rubric.view_drafts"
    RUBRIC_MANAGE = "rubric.manage"
    PROGRAMME_MANAGE = "programme.manage"  # the QA manager's home: imports, sampling, reports
    QUEUE_VIEW = "queue.view"  # a reviewer's monthly queue
    FEEDBACK_VIEW_OWN = "feedback.view_own"  # an agent's own feedback
    TEAM_VIEW = "team.view"  # a lead's teams
    RECORD_VIEW = "record.view"  # performance records: which ones, coaching.selectors.records
    PROGRAMME_VIEW = "programme.view"  # the programme page: every team, reviewers, coverage
    INTERACTION_IMPORT = "interaction.import"  # upload files, POST to the import API
    INTERACTION_VIEW = "interaction.view"  # which ones: reviews.selectors.interaction_queryset_for
    SAMPLING_MANAGE = "sampling.manage"  # the policy, draws, coverage
    REVIEW_SCORE = "review.score"  # score assigned interactions, write feedback
    REVIEW_MANAGE = "review.manage"  # change anyone's review, see every review
    REVIEW_VIEW = "review.view"  # which ones: reviews.selectors.review_queryset_for
    REVIEW_ASSIGNED = "review.assigned"  # receives a share of each month's sample (the draw)
    REVIEW_LIST = "review.list"  # the reviews list page (agents read theirs under My feedback)
    COACH = "coaching.coach"  # plan and hold 1-on-1s: with whom, may_coach
    COACHING_WORKSPACE = "coaching.workspace"  # the workspace is their home (menu and landing)
    COACHING_VIEW_OWN = "coaching.view_own"  # an agent's own sessions, shared notes and items
    CALIBRATION = "calibration.view"  # calibration sessions they take part in (every one: REVIEW_MANAGE)
    DISPUTE_LIST = "dispute.list"  # the disputes page: which ones, reviews.selectors.trust
    ADMIN_SITE = "admin.site"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.AGENT: frozenset(
        {
            Capability.RUBRIC_VIEW,
            Capability.FEEDBACK_VIEW_OWN,
            Capability.INTERACTION_VIEW,
            Capability.REVIEW_VIEW,
            Capability.RECORD_VIEW,
            Capability.COACHING_VIEW_OWN,
        }
    ),
    Role.REVIEWER: frozenset(
        {
            Capability.RUBRIC_VIEW,
            Capability.REVIEW_ASSIGNED,
            Capability.REVIEW_LIST,
            Capability.QUEUE_VIEW,
            Capability.INTERACTION_VIEW,
            Capability.REVIEW_SCORE,
            Capability.REVIEW_VIEW,
            Capability.CALIBRATION,
            Capability.DISPUTE_LIST,
        }
    ),
    Role.LEAD: frozenset(
        {
            Capability.CALIBRATION,
            Capability.DISPUTE_LIST,
            Capability.RUBRIC_VIEW,
            Capability.REVIEW_LIST,
            Capability.COACHING_WORKSPACE,
            Capability.TEAM_VIEW,
            Capability.INTERACTION_VIEW,
            Capability.REVIEW_VIEW,
            Capability.RECORD_VIEW,
            Capability.COACH,
        }
    ),
    Role.MANAGER: frozenset(
        {
            Capability.RUBRIC_VIEW,
            Capability.RUBRIC_VIEW_DRAFTS,
            Capability.RUBRIC_MANAGE,
            Capability.PROGRAMME_MANAGE,
            Capability.QUEUE_VIEW,
            Capability.TEAM_VIEW,
            Capability.RECORD_VIEW,
            Capability.PROGRAMME_VIEW,
            Capability.INTERACTION_IMPORT,
            Capability.INTERACTION_VIEW,
            Capability.SAMPLING_MANAGE,
            Capability.REVIEW_SCORE,
            Capability.REVIEW_MANAGE,
            Capability.REVIEW_VIEW,
            Capability.REVIEW_LIST,
            Capability.COACH,
            Capability.CALIBRATION,
            Capability.DISPUTE_LIST,
        }
    ),
}

# Where each role lands after signing in (an administrator: the QA manager's home).
ROLE_HOME = {
    Role.AGENT: "reviews:my_feedback",
    Role.REVIEWER: "reviews:queue",
    Role.LEAD: "coaching:workspace",
    Role.MANAGER: "manager_home",
}


def home_of(user) -> str:
    return "manager_home" if user.is_superuser else ROLE_HOME.get(user.role, "manager_home")


def roles_with(capability: Capability) -> list[str]:
    """The roles that hold `capability`: who reviews, coaches or is assigned work comes from the
    table above, never from a role list in a form, a menu or a command."""
    return [role for role, capabilities in ROLE_CAPABILITIES.items() if capability in capabilities]


def users_with(capability: Capability, *, active: bool = True, administrators: bool = True):
    """Users holding `capability`: active ones only unless `active=False`; administrators (who
    hold every capability) unless `administrators=False` (the draw assigns work to reviewers, not
    to the administrator's account)."""
    from django.db.models import Q

    from .models import User

    holds = Q(role__in=roles_with(capability))
    if administrators:
        holds |= Q(is_superuser=True)
    users = User.objects.filter(holds)
    return users.filter(is_active=True) if active else users


# Administrators (superusers) have every capability; ADMIN_SITE is theirs alone.


class Scope(StrEnum):
    """Which rows a person may see."""

    ALL = "all"  # QA managers and administrators: everything
    TEAMS = "teams"  # a team lead: the agents of the teams they lead
    OWN = "own"  # an agent: themself
    ASSIGNED = "assigned"  # a QA reviewer: what is assigned to them, what they wrote
    NONE = "none"


ROLE_SCOPES = {
    Role.MANAGER: Scope.ALL,
    Role.LEAD: Scope.TEAMS,
    Role.AGENT: Scope.OWN,
    Role.REVIEWER: Scope.ASSIGNED,
}


def scope_of(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope.NONE
    if user.is_superuser:
        return Scope.ALL
    return ROLE_SCOPES.get(user.role, Scope.NONE)


def may_score(user, reviewer_id: int | None) -> bool:
    """Score, change or skip work assigned to `reviewer_id`: that reviewer, or a QA manager."""
    return user_can(user, Capability.REVIEW_MANAGE) or (
        user_can(user, Capability.REVIEW_SCORE) and reviewer_id == user.pk
    )


def is_subject(user, agent_id: int | None) -> bool:
    """The agent a review (or record, or note) is about: only they acknowledge it."""
    return getattr(user, "is_authenticated", False) and agent_id == user.pk


def may_coach(user, agent) -> bool:
    """Plan and hold 1-on-1s with `agent`: the lead of the agent's team, or a QA manager."""
    if not user_can(user, Capability.COACH) or agent is None:
        return False
    match scope_of(user):
        case Scope.ALL:
            return True
        case Scope.TEAMS:
            return agent.team_id is not None and agent.team.lead_id == user.pk
    return False


def user_can(user, capability: Capability) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def require(user, capability: Capability) -> None:
    if not user_can(user, capability):
        raise PermissionDenied


def capability_required(capability: Capability):
    """View decorator: log in first, then 403 unless the user has the capability."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require(request.user, capability)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def HasCapability(capability: Capability) -> type[BasePermission]:  # noqa: N802 (reads as a class)
    """DRF permission class for one capability."""

    class _HasCapability(BasePermission):
        def has_permission(self, request, view) -> bool:
            return user_can(request.user, capability)

    _HasCapability.__name__ = f"Has_{capability.name}"
    return _HasCapability
