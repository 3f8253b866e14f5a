from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model,
    summary: str = "",
    data: dict | None = None,
    group_key: str = "",
) -> AuditEvent:
    """Write one audit event. Call it inside the transaction of the change it records."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=target.pk,
        group_key=group_key,
        summary=str(summary),
        data=data or {},
    )
