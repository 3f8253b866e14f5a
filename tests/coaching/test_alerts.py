"""A lead hears at once (in the app and by e-mail) of a critical failure or a low score."""

import pytest
from django.core import mail
from django.urls import reverse

from coaching.models import CoachingSettings
from coaching.services.alerts import review_alert
from core.models import Notification

pytestmark = pytest.mark.django_db


def test_the_lead_is_told_of_a_critical_failure_once(
    lead, agent, release, django_capture_on_commit_callbacks
):
    lead.email = "lead@example.com"
    lead.save()
    with django_capture_on_commit_callbacks(execute=True):
        failed = release(agent, c3="no")
    url = reverse("reviews:review_detail", args=[failed.pk])
    note = Notification.objects.get(recipient=lead, url=url)
    assert "critical failure" in note.message and str(agent) in note.message
    assert [m.to for m in mail.outbox if "QA alert" in m.subject] == [["lead@example.com"]]
    assert review_alert(review_id=failed.pk) is False  # once per review
    assert Notification.objects.filter(recipient=lead, url=url).count() == 1


def test_a_low_score_tells_the_lead_and_a_good_one_does_not(
    lead, agent, release, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        good = release(agent)  # 95.00
    assert not Notification.objects.filter(recipient=lead).exists()
    CoachingSettings.objects.create(low_score=96)
    assert review_alert(review_id=good.pk) is True
    assert "below 96.00" in Notification.objects.get(recipient=lead).message
