"""Every change to 1-on-1s, GROW notes and action items (docs/coaching.md): one service each,
in a transaction, audited; the pages, the API and the demo call these."""

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
from core.permissions import Capability, is_subject, may_coach, user_can
from core.services import audit_record, conflict, notification_send, revision_claim

from ..models import (
    ActionItem,
    Cadence,
    CoachingSession,
    GrowNote,
    ItemOwner,
    ItemStatus,
    SessionStatus,
    TargetKind,
)
from ..selectors.sessions import item_may_change, plan_build

MSG_NOT_YOUR_AGENT = gettext_lazy("Only the agent's team lead or a QA manager holds their 1-on-1s.")
MSG_CLOSED = gettext_lazy("This 1-on-1 is closed: its notes and items are kept as they were.")
MSG_PLAN_CHANGED = gettext_lazy(
    "%(who)s changed this agenda at %(when)s, after you opened it. Your edits were not saved: "
    "reload the page to see theirs."
)
MSG_BAD_PLAN = gettext_lazy("The agenda must keep its three parts, each with its minutes and items.")
MSG_EMPTY_NOTE = gettext_lazy("Write at least the goal or the way forward.")
MSG_ITEM_TEXT = gettext_lazy("Say what is to be done (up to 300 characters).")
MSG_ITEM_DUE = gettext_lazy("Give the item a due date.")
MSG_NOT_CLOSED = gettext_lazy("Only a held 1-on-1 can be acknowledged.")
MSG_ACK_NOT_AGENT = gettext_lazy("Only the agent acknowledges their own 1-on-1.")
MSG_ITEM_NOT_YOURS = gettext_lazy("Only the agent it was given to, or their lead, marks this item done.")
MSG_ITEM_NOT_OPEN = gettext_lazy("This item is no longer open.")
MSG_FOLLOW_UP = gettext_lazy("Follow up an item as done, not done or carried over.")
MSG_ACKNOWLEDGED = gettext_lazy("Thank you: acknowledged.")
MSG_SESSION_CLOSED = gettext_lazy("1-on-1 recorded; the agent has been told.")
MSG_CADENCE_SAVED = gettext_lazy("Cadence saved: the 1-on-1s due follow it.")
MSG_CADENCE_RANGE = gettext_lazy("Every 1 to 62 days, for 10 to 120 minutes.")
MSG_MARKED_DONE = gettext_lazy("Marked done: your lead sees it.")
MSG_ITEM_PRIVATE = gettext_lazy(
    "This item is private: only the lead who wrote it, or a QA manager, changes it."
)


def cadence_of(team) -> Cadence:
    """The team's cadence, or the default (weekly, 30 minutes)."""
    if team is None:
        return Cadence()
    return Cadence.objects.filter(team=team).first() or Cadence(team=team)


MSG_NOT_YOUR_TEAM = gettext_lazy("Only the team's lead or a QA manager sets its 1-on-1 cadence.")
# A 1-on-1 held without a plan may be recorded afterwards (the demo records half a year of them);
# one is planned ahead up to two months.
PLAN_DAYS_BACK, PLAN_DAYS_AHEAD = 366, 62
MSG_PLAN_DAY = gettext_lazy(
    "Plan a 1-on-1 for a day between %(first)s and %(last)s (up to a year back, two months ahead)."
)


@transaction.atomic
def cadence_save(*, actor, team, every_days: int, minutes: int) -> Cadence:
    """How often the team's agents have their 1-on-1 and for how long."""
    if not (
        user_can(actor, Capability.PROGRAMME_MANAGE)
        or (user_can(actor, Capability.COACH) and team.lead_id == actor.pk)
    ):
        raise NotAllowed(MSG_NOT_YOUR_TEAM)
    cadence = Cadence.objects.filter(team=team).first() or Cadence(team=team)
    cadence.every_days, cadence.minutes = every_days, minutes
    cadence.full_clean()
    cadence.save()
    audit_record(
        actor=actor, action=AuditAction.CADENCE_SAVED, target=cadence,
        summary=_("Every %(days)s days, %(minutes)s minutes") % {"days": every_days, "minutes": minutes},
    )  # fmt: skip
    return cadence


@transaction.atomic
def session_plan(*, actor, agent, day: dt.date | None = None) -> CoachingSession:
    """Plan a 1-on-1 with `agent`: the agenda built from the evidence, for the lead to edit."""
    if not may_coach(actor, agent):
        raise NotAllowed(MSG_NOT_YOUR_AGENT)
    today = timezone.localdate()
    day = day or today
    first, last = today - dt.timedelta(days=PLAN_DAYS_BACK), today + dt.timedelta(days=PLAN_DAYS_AHEAD)
    if not first <= day <= last:
        raise DomainError(MSG_PLAN_DAY % {"first": first.isoformat(), "last": last.isoformat()})
    minutes = cadence_of(agent.team).minutes
    session = CoachingSession.objects.create(
        agent=agent, lead=actor, team=agent.team, scheduled_for=day, minutes=minutes,
        plan=plan_build(agent=agent, day=day, minutes=minutes), updated_by=actor,
    )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.SESSION_PLANNED, target=session,
        summary=_("1-on-1 with %(agent)s planned for %(day)s") % {"agent": agent, "day": day.isoformat()},
    )  # fmt: skip
    return session


def _check_open(actor, session: CoachingSession) -> None:
    if not may_coach(actor, session.agent):
        raise NotAllowed(MSG_NOT_YOUR_AGENT)
    if session.is_closed:
        raise DomainError(MSG_CLOSED)


def _valid_plan(plan) -> bool:
    parts = plan.get("parts") if isinstance(plan, dict) else None
    return (
        isinstance(parts, list)
        and [p.get("key") for p in parts if isinstance(p, dict)] == ["review", "problems", "development"]
        and all(isinstance(p.get("minutes"), int) and 0 <= p["minutes"] <= 120 for p in parts)
        and all(isinstance(p.get("items"), list) for p in parts)
    )


@transaction.atomic
def session_plan_save(
    *, actor, session: CoachingSession, plan: dict, expected_revision: int
) -> CoachingSession:
    """The lead's edits to the agenda. Two edits from the same revision: the second is refused."""
    _check_open(actor, session)
    if not _valid_plan(plan):
        raise DomainError(MSG_BAD_PLAN)
    if not revision_claim(
        CoachingSession.objects.filter(pk=session.pk),
        expected_revision=expected_revision,
        actor=actor,
        plan=plan,
    ):
        raise conflict(CoachingSession.objects.get(pk=session.pk), MSG_PLAN_CHANGED)
    session.refresh_from_db()
    audit_record(actor=actor, action=AuditAction.SESSION_PLAN_EDITED, target=session)
    return session


def _target(data: dict) -> dict:
    kind = data.get("target_kind") or ""
    if kind not in TargetKind.values:
        kind = ""
    return {
        "target_kind": kind,
        "target_identity": (data.get("target_identity") or "")[:64] if kind else "",
        "target_label": (data.get("target_label") or "")[:200] if kind else "",
    }


@transaction.atomic
def note_save(*, actor, session: CoachingSession, data: dict, note: GrowNote | None = None) -> GrowNote:
    """Write a GROW note (Goal, Reality, Options, Way forward), shared or private."""
    _check_open(actor, session)
    fields = {k: (data.get(k) or "").strip() for k in ("goal", "reality", "options", "way_forward")}
    if not (fields["goal"] or fields["way_forward"]):
        raise DomainError(MSG_EMPTY_NOTE)
    values = fields | _target(data) | {"shared": bool(data.get("shared", True))}
    if note is None:
        note = GrowNote(session=session, author=actor)
    for name, value in values.items():
        setattr(note, name, value)
    note.full_clean()
    note.save()
    audit_record(
        actor=actor, action=AuditAction.NOTE_SAVED, target=note, group_key=f"session:{session.pk}",
        summary=_("Shared with the agent") if note.shared else _("Private to the lead"),
    )  # fmt: skip
    return note


@transaction.atomic
def item_save(*, actor, session: CoachingSession, data: dict, item: ActionItem | None = None) -> ActionItem:
    """An action item from the way forward: what, whose, due when, what it targets."""
    _check_open(actor, session)
    text = (data.get("text") or "").strip()
    if not text or len(text) > 300:
        raise DomainError(MSG_ITEM_TEXT)
    due = data.get("due_on")
    if isinstance(due, str):
        try:
            due = dt.date.fromisoformat(due)
        except ValueError:
            due = None
    if not isinstance(due, dt.date):
        raise DomainError(MSG_ITEM_DUE)
    owner = data.get("owner") if data.get("owner") in ItemOwner.values else ItemOwner.AGENT
    values = {"text": text, "due_on": due, "owner": owner, "shared": bool(data.get("shared", True))}
    if item is None:
        item = ActionItem(session=session, agent=session.agent, author=actor)
    elif not item_may_change(actor, item):
        raise NotAllowed(MSG_ITEM_PRIVATE)
    for name, value in (values | _target(data)).items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    audit_record(
        actor=actor, action=AuditAction.ITEM_SAVED, target=item, group_key=f"session:{session.pk}",
        summary=_item_summary(item),
    )  # fmt: skip
    return item


def _item_summary(item: ActionItem) -> str:
    """The audit line of an item: a private item's text is not copied into the audit log."""
    if item.shared:
        return f"{item.text} ({item.due_on.isoformat()})"
    return _("Private item (due %(due)s)") % {"due": item.due_on.isoformat()}


@transaction.atomic
def item_follow_up(*, actor, session: CoachingSession, item: ActionItem, outcome: str) -> ActionItem:
    """In the next 1-on-1, an earlier item is followed up: done, not done, or carried over (a
    new item in this session, due a cadence later, remembering where it came from)."""
    _check_open(actor, session)
    if item.agent_id != session.agent_id:
        raise NotAllowed(MSG_NOT_YOUR_AGENT)
    if not item_may_change(actor, item):
        raise NotAllowed(MSG_ITEM_PRIVATE)
    if outcome not in (ItemStatus.DONE, ItemStatus.NOT_DONE, ItemStatus.CARRIED):
        raise DomainError(MSG_FOLLOW_UP)
    now = timezone.now()
    changes = {"status": outcome}
    if outcome == ItemStatus.DONE:
        changes |= {"done_at": now, "done_by": actor}
    if not ActionItem.objects.filter(pk=item.pk, status=ItemStatus.OPEN).update(**changes, updated_at=now):
        raise DomainError(MSG_ITEM_NOT_OPEN)
    item.refresh_from_db()
    result = item
    if outcome == ItemStatus.CARRIED:
        every = cadence_of(session.agent.team).every_days
        result = ActionItem.objects.create(
            session=session, agent=item.agent, author=item.author, text=item.text, owner=item.owner,
            due_on=session.scheduled_for + dt.timedelta(days=every), shared=item.shared,
            target_kind=item.target_kind, target_identity=item.target_identity,
            target_label=item.target_label, carried_from=item,
        )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.ITEM_FOLLOWED_UP, target=item, group_key=f"session:{session.pk}",
        summary=ItemStatus(outcome).label,
    )  # fmt: skip
    return result


@transaction.atomic
def session_close(*, actor, session: CoachingSession, expected_revision: int) -> CoachingSession:
    """The 1-on-1 was held: record it, and tell the agent (in the app and by e-mail)."""
    _check_open(actor, session)
    now = timezone.now()
    if not revision_claim(
        CoachingSession.objects.filter(pk=session.pk, status=SessionStatus.PLANNED),
        expected_revision=expected_revision, actor=actor, status=SessionStatus.CLOSED, closed_at=now,
    ):  # fmt: skip
        raise conflict(CoachingSession.objects.get(pk=session.pk), MSG_PLAN_CHANGED)
    session.refresh_from_db()
    shared = session.items.filter(shared=True).count()
    audit_record(actor=actor, action=AuditAction.SESSION_CLOSED, target=session)
    with speaking_to(session.agent):
        notification_send(
            recipient=session.agent,
            message=_(
                "Your 1-on-1 with %(lead)s of %(day)s is written up: %(n)s action items for you to see."
            )
            % {"lead": actor, "day": session.scheduled_for.isoformat(), "n": shared},
            url=reverse("coaching:my_coaching"),
        )
    return session


@transaction.atomic
def session_acknowledge(*, actor, session: CoachingSession) -> CoachingSession:
    """The agent confirms they have read the 1-on-1's shared notes and items."""
    if not is_subject(actor, session.agent_id):
        raise NotAllowed(MSG_ACK_NOT_AGENT)
    updated = CoachingSession.objects.filter(
        pk=session.pk, status=SessionStatus.CLOSED, acknowledged_at__isnull=True
    ).update(acknowledged_at=timezone.now())
    session.refresh_from_db()
    if not updated:
        if session.acknowledged_at:
            return session  # twice is the same as once
        raise DomainError(MSG_NOT_CLOSED)
    audit_record(actor=actor, action=AuditAction.SESSION_ACKNOWLEDGED, target=session)
    return session


@transaction.atomic
def item_mark_done(*, actor, item: ActionItem) -> ActionItem:
    """The agent (their own shared items) or their lead marks an item done."""
    own = is_subject(actor, item.agent_id) and item.shared and item.owner == ItemOwner.AGENT
    if not (own or may_coach(actor, item.agent)):
        raise NotAllowed(MSG_ITEM_NOT_YOURS)
    if not item_may_change(actor, item):
        raise NotAllowed(MSG_ITEM_PRIVATE)
    now = timezone.now()
    if not ActionItem.objects.filter(pk=item.pk, status=ItemStatus.OPEN).update(
        status=ItemStatus.DONE, done_at=now, done_by=actor, updated_at=now
    ):
        item.refresh_from_db()
        if item.status == ItemStatus.DONE:
            return item
        raise DomainError(MSG_ITEM_NOT_OPEN)
    item.refresh_from_db()
    audit_record(
        actor=actor, action=AuditAction.ITEM_DONE, target=item, group_key=f"session:{item.session_id}"
    )
    return item


def items_due_remind(*, today: dt.date) -> int:
    """Tell each agent of their open, shared items that fall due today or fell due before and
    were never reminded of; once per item (a claim on reminded_at, safe to run twice)."""
    told = 0
    due = ActionItem.objects.filter(
        status=ItemStatus.OPEN,
        shared=True,
        owner=ItemOwner.AGENT,
        due_on__lte=today,
        reminded_at__isnull=True,
    ).select_related("agent")
    for item in due:
        with transaction.atomic():
            if not ActionItem.objects.filter(pk=item.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                continue
            with speaking_to(item.agent):
                notification_send(
                    recipient=item.agent,
                    message=_("Your action item “%(text)s” is due %(day)s.")
                    % {"text": item.text, "day": item.due_on.isoformat()},
                    url=reverse("coaching:my_coaching"),
                )
            told += 1
    return told
