"""Reviews: start with a pinned rubric, autosave, submit, change after release, acknowledge;
the figures stored are the engine's; stale saves are refused; the agent is notified."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction

from core.exceptions import ConflictError, DomainError, NotAllowed
from core.models import Notification
from reviews import services
from reviews.models import (
    AssignmentStatus,
    Review,
    ReviewChange,
    ReviewStatus,
)
from reviews.services.reviewing import MSG_CONFLICT, MSG_INCOMPLETE, MSG_NOT_YOURS, ReviewInput
from scoring import services as scoring_services
from tests.factories import make_assignment
from tests.reviews.conftest import full

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)


@pytest.fixture
def assignment(agent, reviewer, rubric):
    return make_assignment(agent, reviewer)


@pytest.fixture
def review(assignment, reviewer):
    return services.review_start(actor=reviewer, assignment=assignment)


def test_starting_pins_the_published_rubric_and_marks_the_assignment_started(
    review, rubric, assignment, manager
):
    assert review.rubric == rubric and review.status == ReviewStatus.DRAFT
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.STARTED
    # A new version published later does not move the review.
    draft = scoring_services.rubric_new_version(actor=manager, rubric=rubric)
    scoring_services.rubric_publish(actor=manager, rubric=draft, expected_revision=draft.revision)
    review.refresh_from_db()
    assert review.rubric == rubric
    # Opening again resumes the same review.
    assert services.review_start(actor=review.reviewer, assignment=assignment) == review


def test_without_a_rubric_for_the_channel_the_reviewer_is_told(agent, reviewer, rubric):
    assignment = make_assignment(agent, reviewer, channel="social")
    with pytest.raises(DomainError, match="No published rubric covers the Social channel"):
        services.review_start(actor=reviewer, assignment=assignment)


def test_only_the_assigned_reviewer_or_a_manager_may_start(assignment, rubric, manager):
    from tests.factories import UserFactory

    other = UserFactory(username="rev2", role="reviewer")
    with pytest.raises(NotAllowed) as refused:
        services.review_start(actor=other, assignment=assignment)
    assert refused.value.message == MSG_NOT_YOURS
    assert services.review_start(actor=manager, assignment=assignment).reviewer == assignment.reviewer


@pytest.mark.parametrize(
    ("c1", "c2", "c3", "total", "raw", "critical", "sections"),
    [
        # Knowledge (60, target 90): (2×1 + 1×3/4) / 3 = 91.666… ; Process (40): 100 → 55 + 40 = 95.
        ("yes", "3", "yes", "95.00", "95.00", False, ["91.67", "100.00"]),
        # The critical criterion fails: the total is 0, the raw total 55 + 0 = 55 is kept.
        ("yes", "3", "no", "0.00", "55.00", True, ["91.67", "0.00"]),
        # N/A on the only Process criterion: the section drops out, Knowledge carries it all.
        ("yes", "3", "na", "91.67", "91.67", False, ["91.67", None]),
        ("no", "0", "yes", "40.00", "40.00", False, ["0.00", "100.00"]),
    ],
)
def test_stored_scores_are_the_engine_s_worked_examples(
    review, keys, reviewer, c1, c2, c3, total, raw, critical, sections
):
    saved = services.review_save(
        actor=reviewer, review=review, data=full(keys, c1, c2, c3), expected_revision=review.revision
    )
    assert saved.total == Decimal(total) and saved.raw_total == Decimal(raw)
    assert saved.critical_failed is critical
    assert [s["score"] for s in saved.sections] == sections
    call_command("verify_scores")


def test_a_partial_draft_stores_no_total(review, keys, reviewer):
    saved = services.review_save(
        actor=reviewer,
        review=review,
        data=ReviewInput(answers={keys[0]: "yes"}),
        expected_revision=review.revision,
    )
    assert saved.answers == {keys[0]: "yes"} and saved.total is None and saved.sections == []


def test_bad_answers_are_refused_naming_the_criterion(review, keys, reviewer):
    with pytest.raises(DomainError, match="“Explains clearly”.*whole number from 0 to 4"):
        services.review_save(
            actor=reviewer, review=review, data=ReviewInput(answers={keys[1]: "7"}), expected_revision=1
        )
    with pytest.raises(DomainError, match="“States facts accurately”.*N/A is not allowed"):
        services.review_save(
            actor=reviewer, review=review, data=ReviewInput(answers={keys[0]: "na"}), expected_revision=1
        )
    with pytest.raises(DomainError, match="no criterion 999999"):
        services.review_save(
            actor=reviewer, review=review, data=ReviewInput(answers={"999999": "yes"}), expected_revision=1
        )


def test_a_save_from_an_old_revision_is_refused_with_who_and_when(review, keys, reviewer, manager):
    services.review_save(actor=manager, review=review, data=full(keys), expected_revision=review.revision)
    with pytest.raises(ConflictError) as caught:
        services.review_save(
            actor=reviewer, review=review, data=full(keys, c1="no"), expected_revision=review.revision
        )
    assert f"{manager.get_full_name()} saved this review at" in str(caught.value)
    assert str(MSG_CONFLICT).split("%")[0] in str(caught.value)
    review.refresh_from_db()
    assert review.answers[keys[0]] == "yes"  # the later save did not overwrite


def test_submitting_names_every_missing_answer_and_feedback_part(review, keys, reviewer):
    data = ReviewInput(answers={keys[0]: "yes"}, strengths="Good opening.")
    with pytest.raises(DomainError) as caught:
        services.review_submit(actor=reviewer, review=review, data=data, expected_revision=review.revision)
    assert caught.value.message == MSG_INCOMPLETE
    text = "\n".join(caught.value.errors)
    assert "“Explains clearly” in Section 1 “Knowledge” is not answered" in text
    assert "“Verifies identity” in Section 2 “Process” is not answered" in text
    assert "“What to improve” is empty" in text and "“Encouragement” is empty" in text
    assert "What went well" not in text
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT


def test_submitting_releases_it_notifies_the_agent_and_finishes_the_assignment(
    review, keys, reviewer, agent, assignment, django_capture_on_commit_callbacks
):
    agent.email = "agent@example.com"
    agent.save()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.review_submit(
            actor=reviewer, review=review, data=full(keys), expected_revision=review.revision
        )
    assert done.status == ReviewStatus.SUBMITTED and done.submitted_at and done.total == Decimal("95.00")
    assert done.unread
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DONE
    note = Notification.objects.get(recipient=agent)
    assert "95.00" in note.message and note.url == f"/reviews/{review.pk}/" and note.read_at is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["agent@example.com"]
    assert f"/reviews/{review.pk}/" in mail.outbox[0].body
    # A released review is no longer saved as a draft.
    with pytest.raises(DomainError, match="released"):
        services.review_save(actor=reviewer, review=done, data=full(keys), expected_revision=done.revision)


def released(review, keys, reviewer):
    return services.review_submit(
        actor=reviewer, review=review, data=full(keys), expected_revision=review.revision
    )


def test_changing_a_released_review_keeps_old_and_new_and_tells_the_agent_again(
    review, keys, reviewer, agent, manager
):
    done = released(review, keys, reviewer)
    services.review_acknowledge(actor=agent, review=done)
    done.refresh_from_db()
    changed = services.review_change(
        actor=manager, review=done, data=full(keys, c2="4"), expected_revision=done.revision
    )
    # Knowledge (2 + 1) / 3 = 100 → total 60 + 40 = 100.
    assert changed.total == Decimal("100.00")
    assert (
        changed.status == ReviewStatus.SUBMITTED and changed.acknowledged_at is None
    )  # to acknowledge again
    change = ReviewChange.objects.get(review=review)
    assert change.changed_by == manager
    assert change.before["answers"][keys[1]] == 3 and change.after["answers"][keys[1]] == 4
    assert change.before["total"] == "95.00" and change.after["total"] == "100.00"
    assert (
        "“Explains clearly”" in change.summary
        and "3 → 4" in change.summary
        and "95.00 → 100.00" in change.summary
    )
    assert Notification.objects.filter(recipient=agent).count() == 2
    assert (
        f"changed by {manager.get_full_name()}"
        in Notification.objects.filter(recipient=agent).first().message
    )
    call_command("verify_scores")


def test_a_change_that_changes_nothing_is_refused(review, keys, reviewer):
    done = released(review, keys, reviewer)
    with pytest.raises(DomainError, match="Nothing changed"):
        services.review_change(actor=reviewer, review=done, data=full(keys), expected_revision=done.revision)


def test_only_the_reviewer_or_a_manager_may_change_a_released_review(review, keys, reviewer, lead, agent):
    done = released(review, keys, reviewer)
    for actor in (lead, agent):
        with pytest.raises(NotAllowed, match="Only the assigned reviewer"):
            services.review_change(
                actor=actor, review=done, data=full(keys, c2="4"), expected_revision=done.revision
            )


def test_only_the_agent_acknowledges_and_twice_is_once(review, keys, reviewer, agent, outsider):
    with pytest.raises(DomainError, match="released"):
        services.review_acknowledge(actor=agent, review=review)  # still a draft
    done = released(review, keys, reviewer)
    with pytest.raises(NotAllowed, match="Only the agent"):
        services.review_acknowledge(actor=outsider, review=done)
    first = services.review_acknowledge(actor=agent, review=done)
    again = services.review_acknowledge(actor=agent, review=done)
    assert first.status == again.status == ReviewStatus.ACKNOWLEDGED
    assert first.acknowledged_at == again.acknowledged_at


def test_verify_scores_fails_on_a_tampered_review(review, keys, reviewer, capsys):
    done = released(review, keys, reviewer)
    Review.objects.filter(pk=done.pk).update(total=Decimal("96.00"))
    with pytest.raises(CommandError, match="1 of 1 reviews do not match"):
        call_command("verify_scores")
    assert (
        f"Review {done.pk}: total stored Decimal('96.00'), engine Decimal('95.00')" in capsys.readouterr().out
    )


def test_the_database_refuses_a_released_review_without_a_total(review):
    from django.db import IntegrityError
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(
            status=ReviewStatus.SUBMITTED, submitted_at=timezone.now(), released_at=timezone.now()
        )


def test_acknowledging_marks_the_reviews_notification_read(review, keys, reviewer, agent):
    done = released(review, keys, reviewer)
    unread = Notification.objects.filter(recipient=agent, read_at__isnull=True)
    assert unread.count() == 1
    services.review_acknowledge(actor=agent, review=done)
    assert unread.count() == 0
