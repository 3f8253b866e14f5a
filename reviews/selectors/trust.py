"""Disputes and calibration sessions: who may see which (the services decide who may act)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from core.permissions import Capability, Scope, scope_of, user_can

from ..models import CalibrationSession, Dispute, Review, ReviewKind


def dispute_queryset_for(user) -> QuerySet[Dispute]:
    """QA managers: every dispute; QA reviewers: every dispute (any of them may be the one who
    decides); a lead: their teams' agents'; an agent: their own."""
    qs = Dispute.objects.select_related(
        "review__agent__team", "review__interaction", "review__reviewer", "opened_by"
    )
    if user_can(user, Capability.REVIEW_MANAGE) or user_can(user, Capability.REVIEW_SCORE):
        return qs
    match scope_of(user):
        case Scope.TEAMS:
            return qs.filter(review__agent__team__lead=user)
        case Scope.OWN:
            return qs.filter(review__agent=user)
    return qs.none()


def dispute_get_for(*, user, pk: int) -> Dispute:
    return get_object_or_404(dispute_queryset_for(user), pk=pk)


def calibration_queryset_for(user) -> QuerySet[CalibrationSession]:
    """QA managers: every session; anyone else: the sessions they take part in. Agents never."""
    qs = CalibrationSession.objects.select_related("rubric", "expert", "created_by")
    if user_can(user, Capability.REVIEW_MANAGE):
        return qs
    if not user.is_authenticated or user_can(user, Capability.FEEDBACK_VIEW_OWN):
        return qs.none()
    return qs.filter(participants=user)


def calibration_get_for(*, user, pk: int) -> CalibrationSession:
    return get_object_or_404(calibration_queryset_for(user), pk=pk)


def calibration_table(session: CalibrationSession, *, everyone: bool, user) -> list[dict]:
    """Per interaction: the scores shown (everyone's, or only the user's own while blind)."""
    scores = Review.every_kind.filter(calibration_item__session=session).filter(
        Q(kind=ReviewKind.CALIBRATION) | Q(kind=ReviewKind.BENCHMARK)
    )
    if not everyone:
        scores = scores.filter(reviewer=user, kind=ReviewKind.CALIBRATION)
    by_item: dict[int, list] = {}
    for score in scores.select_related("reviewer").order_by("reviewer__username"):
        by_item.setdefault(score.calibration_item_id, []).append(score)
    return [
        {"item": item, "scores": by_item.get(item.pk, [])}
        for item in session.items.select_related("interaction__agent").order_by("position")
    ]


def calibration_todo(user, sessions) -> dict[int, int]:
    """Session id -> how many of the user's own copies are still drafts."""
    rows = (
        Review.every_kind.filter(
            kind=ReviewKind.CALIBRATION,
            reviewer_id=user.pk,
            status="draft",
            calibration_item__session__in=[s.pk for s in sessions],
        )
        .values_list("calibration_item__session_id", flat=True)
        .order_by()
    )
    out: dict[int, int] = {}
    for session_id in rows:
        out[session_id] = out.get(session_id, 0) + 1
    return out


def blind_scores_to_do(user) -> list[Review]:
    """The user's second scores and calibration copies still to score (drafts), oldest first:
    the queue lists them beside the month's sample."""
    return list(
        Review.every_kind.filter(
            reviewer_id=user.pk, status="draft", kind__in=[ReviewKind.SECOND, ReviewKind.CALIBRATION]
        )
        .exclude(kind=ReviewKind.CALIBRATION, calibration_item__session__status="closed")
        .select_related("interaction", "calibration_item__session")
        .order_by("created_at", "id")[:200]
    )


def disputes_to_decide(user) -> QuerySet[Dispute]:
    """The open disputes `user` may decide now (services.disputes.may_decide, in the database): a
    QA manager every open one; a reviewer those not escalated, not on their own review unless the
    settings allow it, oldest deadline first."""
    from ..services.seconds import trust_settings_get

    qs = dispute_queryset_for(user).filter(status="open")
    if user_can(user, Capability.REVIEW_MANAGE):
        return qs.order_by("decide_by", "id")
    if not user_can(user, Capability.REVIEW_SCORE):
        return qs.none()
    qs = qs.filter(escalated_at__isnull=True).exclude(review__agent=user).exclude(opened_by=user)
    if not trust_settings_get().dispute_same_reviewer:
        qs = qs.exclude(review__reviewer=user)
    return qs.order_by("decide_by", "id")
