"""Calibration sessions (docs/agreement.md): a QA manager picks a few interactions, a rubric
version and the participants; each scores blind on the normal scoring page; the manager reveals
the answers side by side and records the benchmark (an expert's answers, or the consensus agreed
in the meeting). Calibration scores never reach agents, their records or notifications."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError, NotAllowed
from core.i18n import speaking_to
from core.models import AuditAction
from core.permissions import Capability, user_can
from core.services import audit_record, conflict, notification_send, revision_claim
from scoring.models import Rubric, RubricStatus
from scoring.selectors import rubric_data_pinned

from ..models import (
    BenchmarkKind,
    CalibrationItem,
    CalibrationSession,
    CalibrationStatus,
    Interaction,
    Review,
    ReviewKind,
    ReviewStatus,
)
from .results import results_write
from .reviewing import ReviewInput, prefilled, review_rescore, review_save, review_submit

MSG_NOT_MANAGER = gettext_lazy("Only a QA manager runs calibration sessions.")
MSG_TITLE = gettext_lazy("Give the session a title.")
MSG_NO_ITEMS = gettext_lazy("Choose at least one interaction to calibrate on.")
MSG_TOO_MANY = gettext_lazy("A session calibrates on at most %(limit)s interactions; %(count)s were chosen.")
MSG_FEW_PEOPLE = gettext_lazy("A calibration needs at least two participants.")
MSG_EXPERT = gettext_lazy("Name the expert whose answers are the benchmark.")
MSG_RUBRIC = gettext_lazy("Calibrate against a published rubric version.")
MSG_DEADLINE = gettext_lazy("The deadline %(date)s has passed; choose a later day.")
MSG_CHANNEL = gettext_lazy(
    "%(interaction)s is a %(channel)s interaction; the rubric does not cover that channel."
)
MSG_NOT_SCORING = gettext_lazy("This session is no longer being scored.")
MSG_NOT_REVEALED = gettext_lazy("Reveal the answers before recording the benchmark.")
MSG_NO_BENCHMARK = gettext_lazy("Record the benchmark of every interaction first: %(missing)s.")
MSG_CONFLICT = gettext_lazy(
    "%(who)s changed this session at %(when)s, after you opened it. Nothing of yours was saved: reload."
)
MAX_ITEMS = 20


def calibration_url(session: CalibrationSession) -> str:
    return reverse("reviews:calibration_detail", args=[session.pk])


def _require_manager(actor) -> None:
    if not user_can(actor, Capability.REVIEW_MANAGE):
        raise NotAllowed(MSG_NOT_MANAGER)


@transaction.atomic
def calibration_create(
    *, actor, title: str, rubric, month: dt.date, deadline: dt.date, benchmark: str, expert=None,
    participants: list, interactions: list,
) -> CalibrationSession:  # fmt: skip
    """Create a session and a blind draft score for each participant on each interaction; the
    participants are told what to score by when."""
    _require_manager(actor)
    errors = []
    if not (title or "").strip():
        errors.append(str(MSG_TITLE))
    interactions = list(dict.fromkeys(interactions))
    if not interactions:
        errors.append(str(MSG_NO_ITEMS))
    elif len(interactions) > MAX_ITEMS:
        errors.append(str(MSG_TOO_MANY % {"limit": MAX_ITEMS, "count": len(interactions)}))
    people = {p.pk: p for p in participants}
    if benchmark == BenchmarkKind.EXPERT:
        if expert is None:
            errors.append(str(MSG_EXPERT))
        else:
            people.setdefault(expert.pk, expert)
    if len(people) < 2:
        errors.append(str(MSG_FEW_PEOPLE))
    if rubric is None or rubric.status != RubricStatus.PUBLISHED:
        errors.append(str(MSG_RUBRIC))
    else:
        channels = {link.channel for link in rubric.channel_links.all()}
        for interaction in interactions:
            if interaction.channel not in channels:
                errors.append(
                    str(
                        MSG_CHANNEL
                        % {"interaction": interaction, "channel": interaction.get_channel_display()}
                    )
                )
    if deadline < timezone.localdate():
        errors.append(str(MSG_DEADLINE % {"date": deadline}))
    if errors:
        raise DomainError(_("The session cannot be created yet:"), errors=errors)
    session = CalibrationSession.objects.create(
        title=title.strip()[:200], rubric=rubric, month=month.replace(day=1), deadline=deadline, benchmark=benchmark,
        expert=expert if benchmark == BenchmarkKind.EXPERT else None, created_by=actor, updated_by=actor,
    )  # fmt: skip
    session.participants.set(people.values())
    for position, interaction in enumerate(interactions):
        item = CalibrationItem.objects.create(session=session, interaction=interaction, position=position)
        for person in people.values():
            score = Review.every_kind.create(
                kind=ReviewKind.CALIBRATION, calibration_item=item, interaction=interaction,
                agent_id=interaction.agent_id, reviewer=person, rubric=rubric, updated_by=actor,
                **prefilled(interaction, rubric),
            )  # fmt: skip
            results_write(score)
    audit_record(actor=actor, action=AuditAction.CALIBRATION_CREATED, target=session, summary=session.title)
    for person in people.values():
        with speaking_to(person):
            notification_send(
                recipient=person,
                message=_("Calibration “%(title)s”: score %(n)s interactions by %(date)s.")
                % {"title": session.title, "n": len(interactions), "date": f"{deadline:%Y-%m-%d}"},
                url=calibration_url(session),
            )
    return session


def calibration_scores(session: CalibrationSession):
    return Review.every_kind.filter(calibration_item__session=session, kind=ReviewKind.CALIBRATION)


def may_score_calibration(user, review: Review) -> bool:
    """A participant scores their own calibration copy while the session is being scored (and, if
    they have not submitted yet, after the reveal too: their answers still count as blind until
    they see the others')."""
    session = review.calibration_item.session
    return (
        review.reviewer_id == getattr(user, "pk", None)
        and session.status != CalibrationStatus.CLOSED
        and (session.status == CalibrationStatus.SCORING or review.status == ReviewStatus.DRAFT)
    )


def answers_visible(user, session: CalibrationSession) -> bool:
    """Everyone's answers: QA managers always; a participant once the session is revealed and
    they have submitted all of their own."""
    if user_can(user, Capability.REVIEW_MANAGE):
        return True
    if session.status == CalibrationStatus.SCORING:
        return False
    mine = calibration_scores(session).filter(reviewer_id=user.pk)
    return mine.exists() and not mine.filter(status=ReviewStatus.DRAFT).exists()


def _claim(actor, session: CalibrationSession, expected_revision, **values) -> CalibrationSession:
    if not revision_claim(
        CalibrationSession.objects.filter(pk=session.pk),
        expected_revision=expected_revision,
        actor=actor,
        **values,
    ):
        raise conflict(
            CalibrationSession.objects.select_related("updated_by").get(pk=session.pk), MSG_CONFLICT
        )
    return CalibrationSession.objects.get(pk=session.pk)


@transaction.atomic
def calibration_reveal(
    *, actor, session: CalibrationSession, expected_revision: int | None
) -> CalibrationSession:
    """Show everyone's answers side by side. With an expert benchmark, the expert's submitted
    scores become the benchmark."""
    _require_manager(actor)
    if session.status != CalibrationStatus.SCORING:
        raise DomainError(MSG_NOT_SCORING)
    session = _claim(
        actor, session, expected_revision, status=CalibrationStatus.REVEALED, revealed_at=timezone.now()
    )
    if session.benchmark == BenchmarkKind.EXPERT:
        for score in calibration_scores(session).filter(
            reviewer=session.expert, status=ReviewStatus.SUBMITTED
        ):
            CalibrationItem.objects.filter(pk=score.calibration_item_id).update(benchmark=score)
    audit_record(actor=actor, action=AuditAction.CALIBRATION_REVEALED, target=session, summary=session.title)
    for person in session.participants.all():
        with speaking_to(person):
            notification_send(
                recipient=person,
                message=_("Calibration “%(title)s” is revealed: compare your answers.")
                % {"title": session.title},
                url=calibration_url(session),
            )
    return session


@transaction.atomic
def calibration_benchmark(
    *, actor, item: CalibrationItem, answers: dict, comments: dict | None = None
) -> Review:
    """Record the consensus agreed in the meeting as the item's benchmark (or change it)."""
    _require_manager(actor)
    session = CalibrationSession.objects.get(pk=item.session_id)  # as it is now, not as `item` read it
    if session.status == CalibrationStatus.SCORING:
        raise DomainError(MSG_NOT_REVEALED)
    data = ReviewInput(answers=answers, comments=comments or {})
    benchmark = Review.every_kind.filter(calibration_item=item, kind=ReviewKind.BENCHMARK).first()
    if benchmark is not None:
        benchmark = review_rescore(
            actor=actor, review=benchmark, data=data, expected_revision=benchmark.revision
        )
    else:
        benchmark = Review.every_kind.create(
            kind=ReviewKind.BENCHMARK, calibration_item=item, interaction=item.interaction,
            agent_id=item.interaction.agent_id, reviewer=actor, rubric=session.rubric, updated_by=actor,
        )  # fmt: skip
        benchmark = review_save(
            actor=actor, review=benchmark, data=data, expected_revision=benchmark.revision
        )
        benchmark = review_submit(
            actor=actor, review=benchmark, data=data, expected_revision=benchmark.revision
        )
    CalibrationItem.objects.filter(pk=item.pk).update(benchmark=benchmark)
    return benchmark


@transaction.atomic
def calibration_close(
    *, actor, session: CalibrationSession, expected_revision: int | None
) -> CalibrationSession:
    _require_manager(actor)
    if session.status == CalibrationStatus.SCORING:
        raise DomainError(MSG_NOT_REVEALED)
    missing = [
        str(i.interaction) for i in session.items.select_related("interaction") if i.benchmark_id is None
    ]
    if missing:
        raise DomainError(MSG_NO_BENCHMARK % {"missing": ", ".join(missing)})
    session = _claim(
        actor, session, expected_revision, status=CalibrationStatus.CLOSED, closed_at=timezone.now()
    )
    audit_record(actor=actor, action=AuditAction.CALIBRATION_CLOSED, target=session, summary=session.title)
    return session


MSG_UNKNOWN_REF = gettext_lazy("Line %(line)s: there is no interaction “%(ref)s”.")
MSG_AMBIGUOUS_REF = gettext_lazy(
    "Line %(line)s: “%(ref)s” is an id in several sources (%(sources)s): write it as source:id."
)
MSG_SAMPLE_SHORT = gettext_lazy(
    "The sample of %(month)s holds %(found)s interactions this rubric covers; %(wanted)s were asked for."
)
MSG_GUIDANCE_EMPTY = gettext_lazy("Write the clearer guidance you propose.")
MSG_NOT_IN_RUBRIC = gettext_lazy("That criterion is not part of this session's rubric.")


def interactions_by_reference(text: str) -> list[Interaction]:
    """The interactions named one per line by their source id (or source:id where an id is used by
    several sources); an unknown or ambiguous line is an error that names it."""
    found, errors = [], []
    for line, raw in enumerate((text or "").splitlines(), start=1):
        ref = raw.strip()
        if not ref:
            continue
        source, _sep, source_id = ref.rpartition(":")
        matches = Interaction.objects.filter(source_id=source_id.strip())
        if source:
            matches = matches.filter(source=source.strip())
        matches = list(matches[:10])
        if not matches:
            errors.append(str(MSG_UNKNOWN_REF % {"line": line, "ref": ref}))
        elif len(matches) > 1:
            errors.append(
                str(
                    MSG_AMBIGUOUS_REF
                    % {"line": line, "ref": ref, "sources": ", ".join(m.source for m in matches)}
                )
            )
        else:
            found.append(matches[0])
    if errors:
        raise DomainError(_("Some interactions could not be found:"), errors=errors)
    return found


def calibration_draw(*, month: dt.date, rubric, count: int) -> list[Interaction]:
    """`count` interactions of the month's sample that the rubric covers, chosen by their sample
    key (the same ones on every run, spread across agents by the hash)."""
    if rubric is None or rubric.status != RubricStatus.PUBLISHED:
        raise DomainError(_("The session cannot be created yet:"), errors=[str(MSG_RUBRIC)])
    channels = [link.channel for link in rubric.channel_links.all()]
    picked = list(
        Interaction.objects.filter(sample_items__month=month.replace(day=1), channel__in=channels).order_by(
            "sample_key", "pk"
        )[:count]
    )
    if len(picked) < count:
        raise DomainError(
            MSG_SAMPLE_SHORT % {"month": f"{month:%Y-%m}", "found": len(picked), "wanted": count}
        )
    return picked


@transaction.atomic
def guidance_propose(*, actor, session: CalibrationSession, criterion_id: int, text: str) -> Rubric:
    """A clearer guidance for a criterion the group split on: written into the draft of the
    rubric's next version (started from the session's version when there is no draft yet), for
    the manager to finish and publish as usual. Returns the draft."""
    from scoring import services as scoring_services
    from scoring.selectors import rubric_data

    _require_manager(actor)
    text = (text or "").strip()
    if not text:
        raise DomainError(MSG_GUIDANCE_EMPTY)
    identity = next(
        (
            str(c.identity)
            for s in rubric_data_pinned(session.rubric).sections
            for c in s.criteria
            if c.id == criterion_id
        ),
        None,
    )
    if identity is None:
        raise DomainError(MSG_NOT_IN_RUBRIC)
    draft = Rubric.objects.filter(lineage=session.rubric.lineage, status=RubricStatus.DRAFT).first()
    if draft is None:
        latest = Rubric.objects.filter(lineage=session.rubric.lineage).order_by("-version").first()
        draft = scoring_services.rubric_new_version(actor=actor, rubric=latest)
    data = rubric_data(draft)
    target = next((c for s in data.sections for c in s.criteria if str(c.identity) == identity), None)
    if target is None:  # the draft dropped the criterion: nothing to write it into
        raise DomainError(MSG_NOT_IN_RUBRIC)
    target.guidance = text
    draft = scoring_services.rubric_save_draft(
        actor=actor, rubric=draft, data=data, expected_revision=draft.revision
    )
    audit_record(
        actor=actor,
        action=AuditAction.GUIDANCE_PROPOSED,
        target=session,
        summary=f"Guidance proposed for “{target.behaviour}” in {draft.name} v{draft.version}",
    )
    return draft
