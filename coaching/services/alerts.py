"""Telling a lead at once when one of their agents gets a critical failure or a low score."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.i18n import speaking_to
from core.models import Notification
from core.services import notification_send
from reviews.models import Review

from ..models import CoachingSettings
from .records import RELEASED


def review_alert(*, review_id: int) -> bool:
    """Notify the agent's team lead (in the app and by e-mail) of a released review with a
    critical failure or a total below the QA manager's threshold; once per review. True when
    told."""
    review = (
        Review.objects.filter(pk=review_id, status__in=RELEASED).select_related("agent__team__lead").first()
    )
    if review is None or review.total is None or review.agent.team is None or review.agent.team.lead is None:
        return False
    low = CoachingSettings.current().low_score
    if not (review.critical_failed or review.total < low):
        return False
    lead, url = review.agent.team.lead, reverse("reviews:review_detail", args=[review.pk])
    if Notification.objects.filter(recipient=lead, url=url).exists():
        return False  # already told about this review
    with speaking_to(lead):
        if review.critical_failed:
            message = _("%(agent)s had a critical failure (score %(total)s).") % {
                "agent": review.agent, "total": review.total}  # fmt: skip
        else:
            message = _("%(agent)s scored %(total)s, below %(low)s.") % {
                "agent": review.agent, "total": review.total, "low": low}  # fmt: skip
        notification_send(recipient=lead, message=message, url=url, email_subject=_("QA alert: %(agent)s") % {
            "agent": review.agent})  # fmt: skip
    return True
