"""Second scores: a share of each month's released reviews (TrustSettings.second_share, 5 % by
default) is scored again, blind, by another reviewer. The first score stands for the agent; the
pair feeds agreement (docs/agreement.md)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from core.exceptions import NotAllowed
from core.models import AuditAction
from core.permissions import Capability, user_can, users_with
from core.services import audit_record

from ..models import Review, ReviewKind, ReviewStatus, TrustSettings
from .results import results_write
from .reviewing import prefilled


def trust_settings_get() -> TrustSettings:
    """The settings in force: the saved row, or the defaults (unsaved) until a manager saves them;
    reading never writes."""
    return TrustSettings.objects.order_by("pk").first() or TrustSettings()


def chosen_for_second(review: Review, share: Decimal) -> bool:
    """Whether this review is among the `share` % scored again: decided by a hash of the
    interaction (not by its sampling order), so the same reviews are chosen on every run."""
    digest = hashlib.sha256(
        f"second:{review.interaction.source}:{review.interaction.source_id}".encode()
    ).digest()
    return int.from_bytes(digest[:4], "big") % 10000 < share * 100


@transaction.atomic
def second_score_maybe(review: Review) -> Review | None:
    """Give a just-released regular review to a second reviewer if it is chosen: the reviewer
    (other than the first) with the fewest second scores still to do. None if not chosen or
    nobody else can score it."""
    share = trust_settings_get().second_share
    if review.kind != ReviewKind.REGULAR or share <= 0 or not chosen_for_second(review, share):
        return None
    if Review.every_kind.filter(second_of=review).exists():
        return None
    candidates = (
        users_with(Capability.REVIEW_ASSIGNED, administrators=False)
        .exclude(pk__in=[review.reviewer_id, review.agent_id])
        .annotate(
            open_n=Count(
                "reviews_written",
                filter=Q(reviews_written__kind=ReviewKind.SECOND, reviews_written__status=ReviewStatus.DRAFT),
            )
        )
        .order_by("open_n", "pk")
    )
    reviewer = candidates.first()
    if reviewer is None:
        return None
    try:
        with transaction.atomic():
            second = Review.every_kind.create(
                kind=ReviewKind.SECOND, second_of=review, interaction=review.interaction, agent_id=review.agent_id,
                reviewer=reviewer, rubric=review.rubric, **prefilled(review.interaction, review.rubric),
            )  # fmt: skip
    except IntegrityError:  # released twice at once: one second score
        return Review.every_kind.get(second_of=review, kind=ReviewKind.SECOND)
    results_write(second)
    return second


MSG_SETTINGS_NOT_MANAGER = gettext_lazy("Only a QA manager changes these settings.")


@transaction.atomic
def trust_settings_save(*, actor, values: dict) -> TrustSettings:
    """Change the calibration, agreement and dispute settings (validated by the model's fields);
    the change is audited with before and after."""
    if not user_can(actor, Capability.REVIEW_MANAGE):
        raise NotAllowed(MSG_SETTINGS_NOT_MANAGER)
    TrustSettings.objects.get_or_create(pk=1)
    settings = TrustSettings.objects.select_for_update().order_by("pk").first()
    before = {name: str(getattr(settings, name)) for name in values}
    for name, value in values.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    changed = {
        n: (before[n], str(getattr(settings, n))) for n in values if before[n] != str(getattr(settings, n))
    }
    audit_record(
        actor=actor,
        action=AuditAction.TRUST_SETTINGS_SAVED,
        target=settings,
        summary="; ".join(f"{n}: {a} → {b}" for n, (a, b) in changed.items()) or "unchanged",
    )
    return settings
