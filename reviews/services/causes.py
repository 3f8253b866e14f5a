"""Root causes of missed criteria: the list QA managers keep (docs/disputes.md, "Root causes")."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy

from core.events import Event, publish
from core.exceptions import DomainError, NotAllowed
from core.models import AuditAction
from core.permissions import Capability, user_can
from core.services import audit_record

from ..models import CriterionResult, ReviewKind, RootCause

MSG_NOT_MANAGER = gettext_lazy("Only a QA manager can change the list of root causes.")
MSG_NAME_EMPTY = gettext_lazy("Give the root cause a name.")
MSG_NAME_TAKEN = gettext_lazy("There is already a root cause called “%(name)s”.")
MSG_NAME_LONG = gettext_lazy("A root cause's name fits in 100 characters; this one has %(length)s.")


def root_cause_ids() -> set[int]:
    """The causes a reviewer may choose now."""
    return set(RootCause.objects.filter(active=True).values_list("pk", flat=True))


def root_causes_offered() -> list[RootCause]:
    return list(RootCause.objects.filter(active=True))


@transaction.atomic
def root_cause_save(
    *, actor, cause: RootCause | None, name: str, agent_controllable: bool, active: bool = True
) -> RootCause:
    """Add a cause or change one. A cause in use is never deleted, only no longer offered
    (`active`), so past results keep it."""
    if not user_can(actor, Capability.RUBRIC_MANAGE):
        raise NotAllowed(MSG_NOT_MANAGER)
    name = (name or "").strip()
    if not name:
        raise DomainError(MSG_NAME_EMPTY)
    if len(name) > 100:
        raise DomainError(MSG_NAME_LONG % {"length": len(name)})
    clash = RootCause.objects.filter(name__iexact=name)
    if cause is not None:
        clash = clash.exclude(pk=cause.pk)
    existing = clash.first()
    if existing is not None:
        raise DomainError(MSG_NAME_TAKEN % {"name": existing.name})
    if cause is None:
        last = RootCause.objects.order_by("-position").values_list("position", flat=True).first()
        cause = RootCause(position=(last or 0) + 1)
    elif name != cause.name:
        cause.code = ""  # renamed: the manager's words, no longer the seeded (translated) name
    refiled = cause.pk is not None and cause.agent_controllable != agent_controllable
    cause.name, cause.agent_controllable, cause.active = name, agent_controllable, active
    cause.save()
    if refiled:
        months = (
            CriterionResult.objects.filter(root_cause=cause, review__kind=ReviewKind.REGULAR)
            .values_list("review__interaction__local_month", flat=True)
            .distinct()
            .order_by()
        )
        publish(Event.ROOT_CAUSE_CHANGED, months=[m for m in months if m is not None])
    audit_record(
        actor=actor,
        action=AuditAction.ROOT_CAUSE_SAVED,
        target=cause,
        summary=f"{cause.name}: {'agent' if agent_controllable else 'not agent'}, {'offered' if active else 'retired'}",
    )
    return cause
