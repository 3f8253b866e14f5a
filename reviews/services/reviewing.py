"""Scoring an interaction: start a review, save it as a draft (autosave), submit it to the
agent, change it after release, and the agent's acknowledgement.

Every figure stored on a review is what `scoring.engine` computes from the stored answers and
the pinned rubric version; `manage.py verify_scores` checks that this still holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.events import Event, publish
from core.exceptions import DomainError, NotAllowed
from core.i18n import speaking_to
from core.models import AuditAction
from core.permissions import is_subject, may_score
from core.services import audit_record, conflict, notification_read, notification_send, revision_claim
from scoring import engine
from scoring.data_answers import DataAnswer, answers_from_data, values_of
from scoring.selectors import rubric_data_pinned, rubric_for_channel, rubric_spec_pinned
from scoring.structure import criterion_label

from ..models import Assignment, AssignmentStatus, Review, ReviewChange, ReviewKind, ReviewStatus
from .causes import root_cause_ids
from .results import results_write

MSG_NO_RUBRIC = gettext_lazy(
    "No published rubric covers the %(channel)s channel yet. Ask a QA manager to publish one."
)
MSG_NOT_YOURS = gettext_lazy("Only the assigned reviewer or a QA manager can score this.")
MSG_SKIPPED = gettext_lazy("This assignment was skipped; it cannot be scored.")
MSG_CONFLICT = gettext_lazy(
    "%(who)s saved this review at %(when)s, after you opened it. Nothing of yours was saved: "
    "reload to see their version (copy anything you want to keep first)."
)
MSG_NOT_DRAFT = gettext_lazy("This review has been released to the agent: use “Save changes”.")
MSG_IS_DRAFT = gettext_lazy("This review is still a draft: submit it first.")
MSG_INCOMPLETE = gettext_lazy("The review cannot be submitted yet:")
MSG_UNANSWERED = gettext_lazy("%(criterion)s is not answered.")
MSG_EMPTY_PART = gettext_lazy("“%(part)s” is empty.")
MSG_BAD_ANSWER = gettext_lazy("%(criterion)s: %(reason)s")
MSG_UNKNOWN_CRITERION = gettext_lazy("There is no criterion %(key)s in this review's rubric.")
MSG_UNCHANGED = gettext_lazy("Nothing changed, so nothing was saved.")
MSG_COMMENT_TOO_LONG = gettext_lazy(
    "The comment on %(criterion)s is %(length)s characters long; at most %(limit)s fit. Shorten it: nothing was saved."
)
MSG_PART_TOO_LONG = gettext_lazy(
    "“%(part)s” is %(length)s characters long; at most %(limit)s fit. Shorten it: nothing was saved."
)
MSG_OVERRIDE_REASON = gettext_lazy(
    "%(criterion)s: the data answers %(data)s (%(evidence)s) and you answered %(answer)s: "
    "give the reason for the change."
)
MSG_OVERRIDE_TOO_LONG = gettext_lazy(
    "%(criterion)s: the reason for changing the data's answer is %(length)s characters long; "
    "at most %(limit)s fit."
)
MSG_BAD_CAUSE = gettext_lazy("%(criterion)s: there is no root cause “%(value)s” to choose.")
MSG_ACK_NOT_AGENT = gettext_lazy("Only the agent the review is about can acknowledge it.")
MSG_ACK_NOT_RELEASED = gettext_lazy("Only a released review can be acknowledged.")

# The sandwich, in the order the agent reads it.
FEEDBACK_PARTS = (
    ("strengths", gettext_lazy("What went well")),
    ("improvement", gettext_lazy("What to improve")),
    ("encouragement", gettext_lazy("Encouragement")),
)
MAX_COMMENT = 2000
MAX_PART = 5000


@dataclass
class ReviewInput:
    """What a reviewer has on screen: answers (criterion id -> "yes" | "no" | "na" | number, as
    text or as values), comments per criterion, and the three feedback parts."""

    answers: dict = field(default_factory=dict)
    comments: dict = field(default_factory=dict)
    causes: dict = field(default_factory=dict)  # criterion id -> root cause id, for a miss
    # criterion id -> why the answer differs from the data's (criteria answered from the data)
    overrides: dict = field(default_factory=dict)
    strengths: str = ""
    improvement: str = ""
    encouragement: str = ""


# -- reading the rubric ------------------------------------------------------------------------


def criterion_labels(review: Review) -> dict[str, str]:
    """Criterion id -> "criterion 3 “…” in Section 2 “Process”", for messages."""
    data = rubric_data_pinned(review.rubric)
    return {
        str(c.id): criterion_label(si, s, ci, c)
        for si, s in enumerate(data.sections)
        for ci, c in enumerate(s.criteria)
    }


def _bad_answer(criterion: engine.CriterionSpec, code: str, label: str) -> DomainError:
    """The message for an answer the engine refused (`code` as in engine.InvalidAnswer)."""
    if code == "na_not_allowed":
        reason = _("N/A is not allowed here.")
    elif code == "not_yes_no":
        reason = _("answer yes, no or N/A.")
    else:
        low, high = criterion.bounds()
        reason = _("give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
    return DomainError(MSG_BAD_ANSWER % {"criterion": label, "reason": reason})


def clean_answers(spec: engine.RubricSpec, raw: dict, labels=None) -> dict:
    """Answers as the engine takes them; blanks are unanswered. Raises DomainError naming the
    criterion for anything it cannot take."""
    by_key = {c.key: c for c in spec.criteria()}

    def label(key):
        nonlocal labels
        if callable(labels):
            labels = labels()
        return (labels or {}).get(key, key)

    answers = {}
    for key, value in raw.items():
        key = str(key)
        if key not in by_key:
            raise DomainError(MSG_UNKNOWN_CRITERION % {"key": key})
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        criterion = by_key[key]
        if isinstance(value, bool) and criterion.answer_type == engine.AnswerType.YES_NO:
            value = engine.YES if value else engine.NO  # JSON true/false from the API
        if isinstance(value, str):
            value = value.strip().lower()
            if criterion.answer_type != engine.AnswerType.YES_NO and value not in (engine.NA,):
                try:
                    value = int(value)
                except ValueError:
                    raise _bad_answer(criterion, "not_a_number", label(key)) from None
        answers[key] = value
    try:
        engine.score(spec, answers, partial=True)
    except engine.InvalidAnswer as exc:
        key, code = exc.problems[0]
        raise _bad_answer(by_key[key], code, label(key)) from None
    except engine.ScoringError:
        pass  # nothing answered yet, or only N/A so far: fine for a draft
    return answers


def review_result(review: Review, answers: dict) -> engine.ScoreResult | None:
    """The engine's result for `answers` on the review's pinned rubric (partial while criteria
    are unanswered); None when nothing can be scored yet."""
    return _result(review.rubric, answers)


def _result(rubric, answers: dict) -> engine.ScoreResult | None:
    try:
        return engine.score(rubric_spec_pinned(rubric), answers, partial=True)
    except engine.ScoringError:
        return None


def score_fields(result: engine.ScoreResult | None) -> dict:
    """The stored score fields: only a complete result is stored."""
    if result is None or not result.complete:
        return {"total": None, "raw_total": None, "critical_failed": False, "sections": []}
    return {
        "total": result.total,
        "raw_total": result.raw_total,
        "critical_failed": result.critical_failed,
        "sections": [
            {
                "key": s.key,
                "weight": _text(s.weight),
                "target": _text(s.target),
                "score": _text(s.score),
                "attainment": _text(s.attainment),
                "met": s.met,
                "dropped": s.dropped,
            }
            for s in result.sections
        ],
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


# -- criteria answered from the data -----------------------------------------------------------


def data_answers_of(review: Review) -> dict[str, DataAnswer]:
    """{criterion id: what the interaction's data answers} for the review's bound criteria, as
    the data stands now (scoring.data_answers)."""
    return _found(review.interaction, review.rubric)


def _found(interaction, rubric) -> dict[str, DataAnswer]:
    return answers_from_data(rubric_data_pinned(rubric), values_of(interaction))


def _given(found: dict[str, DataAnswer]) -> dict:
    """{criterion id: answer} where the data gives one (an empty field left to the reviewer gives none)."""
    return {key: item.answer for key, item in found.items() if item.answer is not None}


def prefilled(interaction, rubric) -> dict:
    """The fields a new review starts with: the data's answers, as its answers and as what the
    data said, with the partial scores they give."""
    answers = _given(_found(interaction, rubric))
    if not answers:
        return {}
    result = _result(rubric, answers)
    return {"answers": answers, "data_answers": dict(answers), **score_fields(result)}


def _overridden(review: Review, answers: dict) -> list[str]:
    """Criteria whose answer differs from the data's (unanswered ones are not overrides)."""
    return [key for key, value in review.data_answers.items() if key in answers and answers[key] != value]


def _overrides(review: Review, raw: dict, answers: dict, keys: set[str], default_reason: str = "") -> dict:
    """The reasons kept for answers that differ from the data's; a reason for an answer that is
    the data's again is dropped. `default_reason` stands in where none was given (a dispute's
    decision, which has its own)."""
    given = {str(k): str(v if v is not None else "").strip() for k, v in (raw or {}).items()}
    for key, text in given.items():
        if text and key not in keys:
            raise DomainError(MSG_UNKNOWN_CRITERION % {"key": key})
    reasons = {}
    for key in _overridden(review, answers):
        # a reason not sent at all (an API client that leaves it out) is the one kept before
        text = (given[key] if key in given else review.overrides.get(key, "")) or default_reason
        if len(text) > MAX_COMMENT:
            label = criterion_labels(review).get(key, key)
            raise DomainError(
                MSG_OVERRIDE_TOO_LONG % {"criterion": label, "length": len(text), "limit": MAX_COMMENT}
            )
        if text:
            reasons[key] = text
    return reasons


def _override_problems(review: Review, answers: dict, reasons: dict) -> list[str]:
    problems = []
    found = None
    for key in _overridden(review, answers):
        if reasons.get(key):
            continue
        found = found if found is not None else data_answers_of(review)
        evidence = found[key].evidence if key in found else ""
        problems.append(
            capfirst(
                str(
                    MSG_OVERRIDE_REASON
                    % {
                        "criterion": criterion_labels(review)[key],
                        "data": _answer_text(review.data_answers[key]),
                        "evidence": evidence,
                        "answer": _answer_text(answers[key]),
                    }
                )
            )
        )
    return problems


def _content(review: Review, data: ReviewInput, answers: dict, default_reason: str = "") -> dict:
    """What is stored besides the scores. Long text is refused, never cut; a comment on a
    criterion the rubric does not have is refused."""
    keys = {c.key for c in rubric_spec_pinned(review.rubric).criteria()}
    comments = {}
    for key, value in (data.comments or {}).items():
        text = str(value).strip()
        if not text:
            continue
        if str(key) not in keys:
            raise DomainError(MSG_UNKNOWN_CRITERION % {"key": key})
        if len(text) > MAX_COMMENT:
            label = criterion_labels(review).get(str(key), key)
            raise DomainError(
                MSG_COMMENT_TOO_LONG % {"criterion": label, "length": len(text), "limit": MAX_COMMENT}
            )
        comments[str(key)] = text
    parts = {
        "causes": _causes(review, data.causes or {}, answers, keys),
        "overrides": _overrides(review, data.overrides, answers, keys, default_reason),
    }
    for name, title in FEEDBACK_PARTS:
        text = (getattr(data, name) or "").strip()
        if len(text) > MAX_PART:
            raise DomainError(MSG_PART_TOO_LONG % {"part": title, "length": len(text), "limit": MAX_PART})
        parts[name] = text
    return {"answers": answers, "comments": comments, **parts}


def _causes(review: Review, raw: dict, answers: dict, keys: set[str]) -> dict:
    """Root causes of misses (criterion id -> cause id): one for a criterion that is not a miss
    (yet) is dropped, so changing "no" to "yes" forgets it; an unknown cause is refused."""
    wanted = {str(k): v for k, v in raw.items() if v not in (None, "")}
    for key in wanted:
        if key not in keys:
            raise DomainError(MSG_UNKNOWN_CRITERION % {"key": key})
    offered = root_cause_ids()
    causes = {}
    result = review_result(review, answers) if wanted else None
    for key, value in wanted.items():
        try:
            cause = int(value)
        except (TypeError, ValueError):
            cause = None
        if cause not in offered:
            label = criterion_labels(review).get(key, key)
            raise DomainError(MSG_BAD_CAUSE % {"criterion": label, "value": value})
        scored = result.criteria.get(key) if result else None
        if scored is not None and scored.score is not None and scored.score < 100:
            causes[key] = cause
    return causes


# -- who may do what ---------------------------------------------------------------------------


def can_edit(user, review: Review) -> bool:
    if review.kind in (ReviewKind.CALIBRATION, ReviewKind.SECOND):
        from .calibration import may_score_calibration

        # blind scores are the scorer's own: not even a QA manager changes them
        return review.reviewer_id == getattr(user, "pk", None) and (
            review.kind == ReviewKind.SECOND or may_score_calibration(user, review)
        )
    return may_score(user, review.reviewer_id)


def can_acknowledge(user, review: Review) -> bool:
    return is_subject(user, review.agent_id) and review.status == ReviewStatus.SUBMITTED


def _require_editor(actor, review: Review) -> None:
    if not can_edit(actor, review):
        raise NotAllowed(MSG_NOT_YOURS)


def _claim(*, actor, review: Review, expected_revision: int | None, status: str, values: dict) -> Review:
    """Write `values` if the review is still in `status` at `expected_revision`, and the review's
    result rows with them."""
    in_status = Review.every_kind.filter(pk=review.pk, status=status)
    if not revision_claim(in_status, expected_revision=expected_revision, actor=actor, **values):
        current = Review.every_kind.select_related("updated_by").get(pk=review.pk)
        if current.status != status:
            raise DomainError(MSG_NOT_DRAFT if status == ReviewStatus.DRAFT else MSG_IS_DRAFT)
        raise conflict(current, MSG_CONFLICT)
    review = Review.every_kind.select_related("rubric", "interaction", "agent", "reviewer", "updated_by").get(
        pk=review.pk
    )
    results_write(review)
    return review


def _problems(review: Review, answers: dict, content: dict) -> list[str]:
    spec = rubric_spec_pinned(review.rubric)
    labels = None
    problems = []
    for criterion in spec.criteria():
        if criterion.key not in answers:
            labels = labels or criterion_labels(review)
            text = str(MSG_UNANSWERED % {"criterion": labels[criterion.key]})
            problems.append(capfirst(text))
    problems += _override_problems(review, answers, content["overrides"])
    if review.kind == ReviewKind.REGULAR:  # calibration and second scores give the agent no feedback
        for name, title in FEEDBACK_PARTS:
            if not content[name]:
                problems.append(str(MSG_EMPTY_PART % {"part": title}))
    return problems


# -- the lifecycle -----------------------------------------------------------------------------


@transaction.atomic
def review_start(*, actor, assignment: Assignment) -> Review:
    """The review of an assignment, created on first opening with the rubric version pinned."""
    if not may_score(actor, assignment.reviewer_id):
        raise NotAllowed(MSG_NOT_YOURS)
    existing = Review.objects.filter(assignment=assignment).first()
    if existing:
        return existing
    if assignment.status == AssignmentStatus.SKIPPED:
        raise DomainError(MSG_SKIPPED)
    interaction = assignment.item.interaction
    rubric = rubric_for_channel(interaction.channel)
    if rubric is None:
        raise DomainError(MSG_NO_RUBRIC % {"channel": interaction.get_channel_display()})
    try:
        with transaction.atomic():
            review = Review.objects.create(
                assignment=assignment,
                interaction=interaction,
                agent_id=interaction.agent_id,
                reviewer_id=assignment.reviewer_id,
                rubric=rubric,
                updated_by=actor,
                **prefilled(interaction, rubric),
            )
    except IntegrityError:  # opened twice at once: both get the one review
        return Review.objects.get(assignment=assignment)
    results_write(review)
    Assignment.objects.filter(pk=assignment.pk, status=AssignmentStatus.ASSIGNED).update(
        status=AssignmentStatus.STARTED, started_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action=AuditAction.REVIEW_STARTED,
        target=review,
        summary=_("Started with %(rubric)s v%(version)s")
        % {"rubric": rubric.name, "version": rubric.version},
    )
    return review


@transaction.atomic
def review_save(*, actor, review: Review, data: ReviewInput, expected_revision: int | None) -> Review:
    """Save a draft as it stands (the scoring page saves on every change)."""
    _require_editor(actor, review)
    if review.status != ReviewStatus.DRAFT:
        raise DomainError(MSG_NOT_DRAFT)
    answers = clean_answers(rubric_spec_pinned(review.rubric), data.answers, lambda: criterion_labels(review))
    values = _content(review, data, answers) | score_fields(review_result(review, answers))
    return _claim(
        actor=actor,
        review=review,
        expected_revision=expected_revision,
        status=ReviewStatus.DRAFT,
        values=values,
    )


def review_data_refresh(*, actor, review: Review) -> Review:
    """A draft follows the interaction's data as it arrives (a survey answer often comes days
    after the call): where the reviewer kept the data's answer, or left the criterion open, the
    new answer from the data replaces it; an answer the reviewer changed stays theirs. Returns
    the review as it now is (unchanged when nothing moved, or when someone saved meanwhile)."""
    if review.status != ReviewStatus.DRAFT or not can_edit(actor, review):
        return review
    now = _given(data_answers_of(review))
    if now == review.data_answers:
        return review
    answers = dict(review.answers)
    for key in set(now) | set(review.data_answers):
        old, new = review.data_answers.get(key), now.get(key)
        if old != new and answers.get(key) == old:
            if new is None:
                answers.pop(key, None)
            else:
                answers[key] = new
    review.data_answers = now
    data = ReviewInput(
        answers=answers, comments=review.comments, causes=review.causes, overrides=review.overrides,
        strengths=review.strengths, improvement=review.improvement, encouragement=review.encouragement,
    )  # fmt: skip
    values = _content(review, data, answers) | score_fields(review_result(review, answers))
    try:
        with transaction.atomic():
            return _claim(
                actor=actor,
                review=review,
                expected_revision=review.revision,
                status=ReviewStatus.DRAFT,
                values=values | {"data_answers": now},
            )
    except DomainError:  # saved by someone meanwhile: the next opening follows the data
        return Review.every_kind.get(pk=review.pk)


def _released_values(review: Review, data: ReviewInput, default_reason: str = "") -> dict:
    answers = clean_answers(rubric_spec_pinned(review.rubric), data.answers, lambda: criterion_labels(review))
    content = _content(review, data, answers, default_reason)
    problems = _problems(review, answers, content)
    if problems:
        raise DomainError(MSG_INCOMPLETE, errors=problems)
    return content | score_fields(review_result(review, answers))


def _review_url(review: Review) -> str:
    return reverse("reviews:review_detail", args=[review.pk])


def review_submit(*, actor, review: Review, data: ReviewInput, expected_revision: int | None) -> Review:
    """Release a complete review to the agent: every criterion answered, all three parts of the
    feedback written. The agent is notified in the app and by e-mail.

    What was sent is saved as the draft first, so a refused submission loses nothing; the error
    then carries the draft's new `revision` for the next attempt."""
    review = review_save(actor=actor, review=review, data=data, expected_revision=expected_revision)
    try:
        return _release(actor=actor, review=review, data=data)
    except DomainError as exc:
        exc.revision = Review.every_kind.values_list("revision", flat=True).get(pk=review.pk)
        raise


@transaction.atomic
def _release(*, actor, review: Review, data: ReviewInput) -> Review:
    values = _released_values(review, data)
    now = timezone.now()
    values |= {"status": ReviewStatus.SUBMITTED, "submitted_at": now, "released_at": now}
    review = _claim(
        actor=actor,
        review=review,
        expected_revision=review.revision,
        status=ReviewStatus.DRAFT,
        values=values,
    )
    if review.assignment_id:
        Assignment.objects.filter(pk=review.assignment_id).update(status=AssignmentStatus.DONE, done_at=now)
    audit_record(
        actor=actor,
        action=AuditAction.REVIEW_SUBMITTED,
        target=review,
        summary=_("Total %(total)s") % {"total": review.total},
    )
    if review.kind != ReviewKind.REGULAR:
        return review  # it measures the reviewer: the agent never hears of it
    interaction = review.interaction
    with speaking_to(review.agent):
        notification_send(
            recipient=review.agent,
            message=_("New feedback on your %(channel)s interaction of %(date)s: %(total)s.")
            % {
                "channel": interaction.get_channel_display().lower(),
                "date": f"{interaction.local_date:%Y-%m-%d}",
                "total": review.total,
            },
            url=_review_url(review),
            email_subject=_("You have new QA feedback"),
        )
    _results_changed(review)
    from .seconds import second_score_maybe

    second_score_maybe(review)
    return review


def _results_changed(review: Review) -> None:
    """The month's records of the agent are rebuilt once this commits, and their lead hears of a
    critical failure or a low score (coaching listens)."""
    publish(
        Event.REVIEW_RESULTS_CHANGED,
        agent_id=review.agent_id, month=review.interaction.local_month, review_id=review.pk,
    )  # fmt: skip


def snapshot(review_or_values) -> dict:
    """The parts of a review a change history keeps, as JSON."""
    get = (
        review_or_values.get if isinstance(review_or_values, dict) else lambda k: getattr(review_or_values, k)
    )
    keep = (
        "answers",
        "overrides",
        "comments",
        "causes",
        "strengths",
        "improvement",
        "encouragement",
        "total",
        "raw_total",
        "critical_failed",
        "sections",
    )
    return {k: (str(get(k)) if isinstance(get(k), Decimal) else get(k)) for k in keep}


def describe_change(before: dict, after: dict, labels: dict[str, str]) -> list[str]:
    lines = []
    for key in sorted(
        set(before["answers"]) | set(after["answers"]),
        key=lambda k: list(labels).index(k) if k in labels else 0,
    ):
        old, new = before["answers"].get(key), after["answers"].get(key)
        if old != new:
            lines.append(f"{labels.get(key, key)}: {_answer_text(old)} → {_answer_text(new)}")
    if before["comments"] != after["comments"]:
        lines.append(_("comments edited"))
    if before.get("causes", {}) != after.get("causes", {}):
        lines.append(_("root causes edited"))
    if before.get("overrides", {}) != after.get("overrides", {}):
        lines.append(_("reasons for changing the data's answers edited"))
    for name, title in FEEDBACK_PARTS:
        if before[name] != after[name]:
            lines.append(_("“%(part)s” edited") % {"part": title})
    if before["total"] != after["total"]:
        lines.append(_("total %(old)s → %(new)s") % {"old": before["total"], "new": after["total"]})
    return lines


def _answer_text(value) -> str:
    return {None: "—", "yes": _("yes"), "no": _("no"), "na": _("N/A")}.get(value, str(value))


@transaction.atomic
def review_change(*, actor, review: Review, data: ReviewInput, expected_revision: int | None) -> Review:
    """Change a released review (its reviewer or a QA manager). The old and new answers and
    scores are kept; the agent is told again and acknowledges the new version."""
    _require_editor(actor, review)
    return review_rescore(actor=actor, review=review, data=data, expected_revision=expected_revision)


def input_of(review: Review, answers: dict | None = None) -> ReviewInput:
    """What the review stores, as input for a change (with `answers` changed, if given)."""
    return ReviewInput(
        answers=review.answers | (answers or {}), comments=dict(review.comments), causes=dict(review.causes),
        overrides=dict(review.overrides),
        strengths=review.strengths, improvement=review.improvement, encouragement=review.encouragement,
    )  # fmt: skip


@transaction.atomic
def review_rescore(
    *, actor, review: Review, data: ReviewInput, expected_revision: int | None, why: str = ""
) -> Review:
    """Change a released review, for whoever the caller authorised (its editor, or the decider of
    a dispute): history kept, the agent told, records rebuilt. `why` leads the change's summary."""
    if review.status == ReviewStatus.DRAFT:
        raise DomainError(MSG_IS_DRAFT)
    values = _released_values(review, data, default_reason=why)
    before, after = snapshot(review), snapshot(values)
    if before == after:
        raise DomainError(MSG_UNCHANGED)
    now = timezone.now()
    values |= {"status": ReviewStatus.SUBMITTED, "released_at": now, "acknowledged_at": None}
    review = _claim(
        actor=actor, review=review, expected_revision=expected_revision, status=review.status, values=values
    )
    lines = ([why] if why else []) + describe_change(before, after, criterion_labels(review))
    ReviewChange.objects.create(
        review=review, changed_by=actor, before=before, after=after, summary="\n".join(lines)
    )
    if review.kind == ReviewKind.REGULAR:
        with speaking_to(review.agent):
            notification_send(
                recipient=review.agent,
                message=_("Your feedback of %(date)s was changed by %(who)s: %(what)s.")
                % {
                    "date": f"{review.interaction.local_date:%Y-%m-%d}",
                    "who": str(actor),
                    "what": "; ".join(lines)[:200],
                },
                url=_review_url(review),
                email_subject=_("Your QA feedback was changed"),
            )
    audit_record(
        actor=actor,
        action=AuditAction.REVIEW_CHANGED,
        target=review,
        summary="; ".join(lines),
        data={"before": before, "after": after},
    )
    if review.kind == ReviewKind.REGULAR:
        _results_changed(review)
    return review


@transaction.atomic
def review_acknowledge(*, actor, review: Review) -> Review:
    """The agent confirms they have read the feedback (again, after a change)."""
    if not is_subject(actor, review.agent_id):
        raise NotAllowed(MSG_ACK_NOT_AGENT)
    now = timezone.now()
    if not Review.objects.filter(pk=review.pk, status=ReviewStatus.SUBMITTED).update(
        status=ReviewStatus.ACKNOWLEDGED, acknowledged_at=now, agent_seen_at=now
    ):
        current = Review.objects.get(pk=review.pk)
        if current.status == ReviewStatus.ACKNOWLEDGED:
            return current  # twice is the same as once
        raise DomainError(MSG_ACK_NOT_RELEASED)
    review.refresh_from_db()
    notification_read(recipient=actor, url=_review_url(review))  # read, so no longer "New"
    audit_record(actor=actor, action=AuditAction.REVIEW_ACKNOWLEDGED, target=review)
    return review


def review_mark_seen(*, actor, review: Review) -> None:
    """The agent opened the review: it is no longer unread, nor are its notifications."""
    if not is_subject(actor, review.agent_id) or review.status == ReviewStatus.DRAFT:
        return
    Review.objects.filter(pk=review.pk).update(agent_seen_at=timezone.now())
    notification_read(recipient=actor, url=_review_url(review))
