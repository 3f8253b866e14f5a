import pytest
from django.core import mail

from core.models import Notification
from core.services import mail_muted, notification_send

pytestmark = pytest.mark.django_db


def test_a_notification_is_shown_in_the_app_and_e_mailed_after_commit(
    agent, django_capture_on_commit_callbacks
):
    agent.email = "agent@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=agent, message="New feedback", url="/reviews/1/")
    assert Notification.objects.filter(recipient=agent, message="New feedback").count() == 1
    assert [m.to for m in mail.outbox] == [["agent@example.com"]]
    assert "http" in mail.outbox[0].body and "/reviews/1/" in mail.outbox[0].body


def test_muted_notifications_are_shown_but_not_e_mailed(agent, django_capture_on_commit_callbacks):
    agent.email = "agent@example.com"
    with mail_muted(), django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=agent, message="Demo feedback")
    assert Notification.objects.filter(recipient=agent).count() == 1
    assert mail.outbox == []
    # Only inside the block.
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=agent, message="Real feedback")
    assert len(mail.outbox) == 1
