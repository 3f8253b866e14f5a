"""Changing KPI schemes and service-level thresholds (QA managers). Records depend on them, so
the recent months are rebuilt once the change commits."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError
from core.jobs import enqueue
from core.models import AuditAction
from core.services import audit_record

from ..models import KpiScheme, KpiSettings, KpiWeight

MSG_WEIGHTS_TOTAL = gettext_lazy("The weights add up to %(total)s%%: make them add up to 100%%.")
MSG_NO_WEIGHTS = gettext_lazy("A scheme needs at least one KPI.")


def _rebuild_recent() -> None:
    from ..tasks import records_rebuild_recent

    enqueue(records_rebuild_recent)


@transaction.atomic
def kpi_scheme_save(*, actor, scheme: KpiScheme, weights: list[dict]) -> KpiScheme:
    """Save `scheme` (name, channel, team already set on it) with exactly `weights` (dicts of
    KpiWeight fields). Their weights must add up to 100."""
    if not weights:
        raise DomainError(MSG_NO_WEIGHTS)
    total = sum((Decimal(w["weight"]) for w in weights), Decimal(0))
    if total != 100:
        raise DomainError(MSG_WEIGHTS_TOTAL % {"total": f"{total:g}"})
    scheme.updated_by = actor
    scheme.full_clean()
    scheme.save()
    scheme.weights.all().delete()
    rows = [KpiWeight(scheme=scheme, position=i, **w) for i, w in enumerate(weights)]
    for row in rows:
        row.full_clean(exclude=["scheme"])
    KpiWeight.objects.bulk_create(rows)
    summary = "; ".join(f"{r.label} {r.weight:g}% → {r.target:g} ({r.direction})" for r in rows)
    audit_record(
        actor=actor, action=AuditAction.KPI_SCHEME_SAVED, target=scheme, summary=f"{scheme.name}: {summary}"
    )
    transaction.on_commit(_rebuild_recent)
    return scheme


@transaction.atomic
def service_levels_save(*, actor, seconds: dict[str, int]) -> KpiSettings:
    settings = KpiSettings.objects.select_for_update().first() or KpiSettings()
    settings.service_level_seconds = {channel: int(value) for channel, value in seconds.items()}
    settings.save()
    audit_record(
        actor=actor,
        action=AuditAction.SERVICE_LEVELS_SAVED,
        target=settings,
        summary=_("Service level thresholds: %(values)s")
        % {"values": ", ".join(f"{c} {s} s" for c, s in settings.service_level_seconds.items())},
    )
    transaction.on_commit(_rebuild_recent)
    return settings
