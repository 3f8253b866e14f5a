"""A reviewer's active time on a review (docs/reviewing.md, "Active time"): from opening the
scoring page to submitting, counting each gap between two signs of work (opening the page, a
saved change, the page's once-a-minute beat while the reviewer types, clicks or scrolls, the
submission) of at most IDLE_SECONDS; a longer gap is time away and counts nothing."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import Review, ReviewStatus

IDLE_SECONDS = 180


def review_activity(*, review: Review, actor, now=None) -> int:
    """Record a sign of work by `actor` on `review` (a draft they score); returns the seconds
    added. Someone else opening the review (a manager looking) counts nothing."""
    if review.status != ReviewStatus.DRAFT or actor is None or actor.pk != review.reviewer_id:
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            Review.every_kind.select_for_update()
            .filter(pk=review.pk, status=ReviewStatus.DRAFT)
            .values("active_at")
            .first()
        )
        if row is None:
            return 0
        gap = (now - row["active_at"]).total_seconds() if row["active_at"] else 0
        added = round(gap) if 0 < gap <= IDLE_SECONDS else 0
        # An UPDATE of these two columns alone: the review's revision and updated_at stay (an
        # active minute is not an edit that another tab must reload for).
        Review.every_kind.filter(pk=review.pk).update(
            active_seconds=F("active_seconds") + added, active_at=now
        )
    return added
