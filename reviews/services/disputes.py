"""Disputes (docs/disputes.md): an agent, or their lead for them, contests a released review
criterion by criterion within a window after release; a reviewer other than the one who scored
(unless the settings allow the same one) or a QA manager decides each criterion — accept, partly
accept with another answer, or reject, each with a reason. Past the deadline the dispute escalates
to the QA managers. Accepted changes rescore the review through the review services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError, NotAllowed
from core.i18n import speaking_to
from core.models import AuditAction
from core.permissions import Capability, is_subject, may_coach, user_can, users_with
from core.services import audit_record, conflict, notification_send, revision_claim
from scoring.selectors import rubric_data_pinned, rubric_spec_pinned

from ..models import Decision, Dispute, DisputedCriterion, DisputeStatus, Review, ReviewKind, ReviewStatus
from .results import answer_text
from .reviewing import clean_answers, criterion_labels, input_of, review_rescore
from .seconds import trust_settings_get

MSG_NOT_YOURS = gettext_lazy("Only the agent the review is about, or their team lead, can dispute it.")
MSG_NOT_RELEASED = gettext_lazy("Only released feedback can be disputed.")
MSG_WINDOW = gettext_lazy(
    "Feedback can be disputed for %(days)s days after it was released; this one was released on %(date)s."
)
MSG_ALREADY_OPEN = gettext_lazy("This review already has an open dispute: wait for its decision.")
MSG_NOTHING = gettext_lazy("Choose at least one criterion to dispute.")
MSG_SAME_ANSWER = gettext_lazy("%(criterion)s: the answer you think right is the answer given.")
MSG_NO_REASON = gettext_lazy("%(criterion)s: say why the answer should change.")
MSG_NOT_DECIDER = gettext_lazy("Only another QA reviewer or a QA manager can decide this dispute.")
MSG_ESCALATED = gettext_lazy("This dispute is past its deadline: a QA manager decides it now.")
MSG_DECIDED = gettext_lazy("This dispute has been decided already.")
MSG_BAD_DECISION = gettext_lazy("%(criterion)s: decide accept, partly accept or reject.")
MSG_DECISION_REASON = gettext_lazy("%(criterion)s: give the reason for the decision.")
MSG_PARTLY_ANSWER = gettext_lazy(
    "%(criterion)s: a partly accepted dispute needs an answer other than both the one given and the one asked for."
)
MSG_CONFLICT = gettext_lazy(
    "%(who)s changed this dispute at %(when)s, after you opened it. Nothing of yours was saved: reload."
)
MSG_UNKNOWN = gettext_lazy("There is no criterion %(key)s in this review's rubric.")
MAX_REASON = 2000


@dataclass
class Contest:
    """One disputed criterion: criterion id, the answer wanted, why."""

    criterion: str
    answer: str
    reason: str


@dataclass
class Ruling:
    """One decision: criterion id, accepted | partly | rejected, the answer (for partly), why."""

    criterion: str
    decision: str
    answer: str = ""
    reason: str = ""


def dispute_url(dispute: Dispute) -> str:
    return reverse("reviews:dispute_detail", args=[dispute.pk])


def may_dispute(user, review: Review) -> bool:
    return review.kind == ReviewKind.REGULAR and (is_subject(user, review.agent_id) or (
        user_can(user, Capability.COACH) and not user_can(user, Capability.REVIEW_MANAGE) and may_coach(user, review.agent)
    ))  # fmt: skip


def dispute_window_ends(review: Review) -> dt.datetime | None:
    if review.released_at is None:
        return None
    return review.released_at + dt.timedelta(days=trust_settings_get().dispute_window_days)


def may_decide(user, dispute: Dispute) -> bool:
    """A QA manager always; a QA reviewer other than the one who scored (or the same one, when
    the settings allow it) until the dispute escalates; never the agent or the one who opened it."""
    if user_can(user, Capability.REVIEW_MANAGE):
        return True
    if not user_can(user, Capability.REVIEW_SCORE) or dispute.escalated_at is not None:
        return False
    if user.pk in (dispute.review.agent_id, dispute.opened_by_id):
        return False
    return user.pk != dispute.review.reviewer_id or trust_settings_get().dispute_same_reviewer


def dispute_check_decider(actor, dispute: Dispute) -> None:
    """Refuse, with the reason, a person who may not decide this dispute (or one decided)."""
    if dispute.status != DisputeStatus.OPEN:
        raise DomainError(MSG_DECIDED)
    if not may_decide(actor, dispute):
        raise NotAllowed(
            MSG_ESCALATED
            if dispute.escalated_at and user_can(actor, Capability.REVIEW_SCORE)
            else MSG_NOT_DECIDER
        )


def _text(value: str, limit: int = MAX_REASON) -> str:
    return (value or "").strip()[:limit]


@transaction.atomic
def dispute_open(*, actor, review: Review, contests: list[Contest]) -> Dispute:
    """Open a dispute on a released review: the reviewers who may decide it are told."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("agent__team", "interaction", "rubric")
        .get(pk=review.pk)
    )
    if not may_dispute(actor, review):
        raise NotAllowed(MSG_NOT_YOURS)
    if review.status == ReviewStatus.DRAFT:
        raise DomainError(MSG_NOT_RELEASED)
    ends = dispute_window_ends(review)
    if timezone.now() > ends:
        raise DomainError(
            MSG_WINDOW
            % {
                "days": trust_settings_get().dispute_window_days,
                "date": f"{timezone.localtime(review.released_at):%Y-%m-%d}",
            }
        )
    if Dispute.objects.filter(review=review, status=DisputeStatus.OPEN).exists():
        raise DomainError(MSG_ALREADY_OPEN)
    contests = [c for c in contests if (c.answer or "").strip()]
    if not contests:
        raise DomainError(MSG_NOTHING)
    labels = criterion_labels(review)
    identities = {
        str(c.id): c.identity for s in rubric_data_pinned(review.rubric).sections for c in s.criteria
    }
    spec = rubric_spec_pinned(review.rubric)
    errors, rows = [], []
    for c in contests:
        key = str(c.criterion)
        if key not in identities:
            raise DomainError(MSG_UNKNOWN % {"key": key})
        label = labels[key]
        wanted = answer_text(clean_answers(spec, {key: c.answer}, labels).get(key))
        before = answer_text(review.answers.get(key))
        if wanted == before:
            errors.append(capfirst(MSG_SAME_ANSWER % {"criterion": label}))
        if not _text(c.reason):
            errors.append(capfirst(MSG_NO_REASON % {"criterion": label}))
        rows.append(DisputedCriterion(
            criterion_id=int(key), identity=identities[key], answer_before=before, answer_wanted=wanted, reason=_text(c.reason)
        ))  # fmt: skip
    if errors:
        raise DomainError(MSG_NOTHING if not rows else _("The dispute cannot be sent yet:"), errors=errors)
    settings = trust_settings_get()
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                review=review, opened_by=actor, total_before=review.total, updated_by=actor,
                decide_by=timezone.now() + dt.timedelta(days=settings.dispute_decide_days),
            )  # fmt: skip
    except IntegrityError:  # two at once: the other one is open
        raise DomainError(MSG_ALREADY_OPEN) from None
    for row in rows:
        row.dispute = dispute
    DisputedCriterion.objects.bulk_create(rows)
    audit_record(
        actor=actor, action=AuditAction.DISPUTE_OPENED, target=review,
        summary="; ".join(f"{labels[str(r.criterion_id)]}: {r.answer_before} → {r.answer_wanted}" for r in rows),
    )  # fmt: skip
    deciders = [review.reviewer] if settings.dispute_same_reviewer else []
    deciders += list(users_with(Capability.REVIEW_MANAGE, administrators=False))
    for person in {p.pk: p for p in deciders}.values():
        with speaking_to(person):
            notification_send(
                recipient=person,
                message=_("%(who)s disputes %(n)s criteria of the review of %(date)s (decide by %(by)s).")
                % {"who": str(actor), "n": len(rows), "date": f"{review.interaction.local_date:%Y-%m-%d}",
                   "by": f"{timezone.localtime(dispute.decide_by):%Y-%m-%d}"},
                url=dispute_url(dispute),
            )  # fmt: skip
    return dispute


@transaction.atomic
def dispute_decide(
    *, actor, dispute: Dispute, rulings: list[Ruling], expected_revision: int | None
) -> Dispute:
    """Decide some or all of a dispute's criteria. Once every criterion is decided the dispute is
    decided: the accepted answers rescore the review (its history kept, records rebuilt) and the
    agent and their lead are told."""
    dispute = Dispute.objects.select_related(
        "review__agent__team", "review__interaction", "review__rubric"
    ).get(pk=dispute.pk)
    dispute_check_decider(actor, dispute)
    if not revision_claim(
        Dispute.objects.filter(pk=dispute.pk), expected_revision=expected_revision, actor=actor
    ):
        raise conflict(Dispute.objects.select_related("updated_by").get(pk=dispute.pk), MSG_CONFLICT)
    review = dispute.review
    labels = criterion_labels(review)
    spec = rubric_spec_pinned(review.rubric)
    items = {str(i.criterion_id): i for i in dispute.criteria.all()}
    now, errors = timezone.now(), []
    for ruling in rulings:
        item = items.get(str(ruling.criterion))
        if item is None or not (ruling.decision or "").strip():
            continue
        label = labels.get(str(item.criterion_id), str(item.criterion_id))
        if ruling.decision not in (Decision.ACCEPTED, Decision.PARTLY, Decision.REJECTED):
            errors.append(capfirst(MSG_BAD_DECISION % {"criterion": label}))
            continue
        reason = _text(ruling.reason)
        if not reason:
            errors.append(capfirst(MSG_DECISION_REASON % {"criterion": label}))
        answer = {Decision.ACCEPTED: item.answer_wanted, Decision.REJECTED: item.answer_before}.get(
            ruling.decision
        )
        if ruling.decision == Decision.PARTLY:
            key = str(item.criterion_id)
            answer = answer_text(clean_answers(spec, {key: ruling.answer}, labels).get(key))
            if answer in ("", item.answer_before, item.answer_wanted):
                errors.append(capfirst(MSG_PARTLY_ANSWER % {"criterion": label}))
        item.decision, item.answer_decided, item.decision_reason = ruling.decision, answer, reason
        item.decided_by, item.decided_at = actor, now
    if errors:
        raise DomainError(_("The decision cannot be saved yet:"), errors=errors)
    DisputedCriterion.objects.bulk_update(
        items.values(), ["decision", "answer_decided", "decision_reason", "decided_by", "decided_at"]
    )
    if any(i.decision == Decision.PENDING for i in items.values()):
        return Dispute.objects.get(pk=dispute.pk)
    changes = {key: i.answer_decided for key, i in items.items() if i.answer_decided != i.answer_before}
    if changes:
        current = Review.objects.get(pk=review.pk)
        summary = _("Dispute decided by %(who)s") % {"who": str(actor)}
        review = review_rescore(
            actor=actor,
            review=current,
            data=input_of(current, changes),
            expected_revision=current.revision,
            why=summary,
        )
    Dispute.objects.filter(pk=dispute.pk).update(
        status=DisputeStatus.DECIDED, decided_at=now, total_after=review.total
    )
    dispute.refresh_from_db()
    audit_record(
        actor=actor, action=AuditAction.DISPUTE_DECIDED, target=review,
        summary="; ".join(f"{labels.get(k, k)}: {i.get_decision_display()}" for k, i in items.items()),
    )  # fmt: skip
    tell = [review.agent]
    if review.agent.team_id and review.agent.team.lead_id:
        tell.append(review.agent.team.lead)
    overturned = sum(1 for i in items.values() if i.decision != Decision.REJECTED)
    for person in tell:
        with speaking_to(person):
            notification_send(
                recipient=person,
                message=_("The dispute of the review of %(date)s is decided: %(changed)s of %(n)s criteria changed; total %(before)s → %(after)s.")
                % {"date": f"{review.interaction.local_date:%Y-%m-%d}", "changed": overturned, "n": len(items),
                   "before": dispute.total_before, "after": dispute.total_after},
                url=dispute_url(dispute),
                email_subject=_("Your dispute is decided"),
            )  # fmt: skip
    return dispute


@transaction.atomic
def disputes_escalate(now: dt.datetime | None = None) -> int:
    """Open disputes past their deadline go to the QA managers (each told once). The count."""
    now = now or timezone.now()
    due = list(
        Dispute.objects.select_for_update(of=("self",))
        .filter(status=DisputeStatus.OPEN, escalated_at__isnull=True, decide_by__lt=now)
        .select_related("review__interaction")
    )
    if not due:
        return 0
    Dispute.objects.filter(pk__in=[d.pk for d in due]).update(escalated_at=now)
    managers = list(users_with(Capability.REVIEW_MANAGE, administrators=False))
    for dispute in due:
        for manager in managers:
            with speaking_to(manager):
                notification_send(
                    recipient=manager,
                    message=_("A dispute of the review of %(date)s is past its deadline: decide it.")
                    % {"date": f"{dispute.review.interaction.local_date:%Y-%m-%d}"},
                    url=dispute_url(dispute),
                )
    return len(due)
