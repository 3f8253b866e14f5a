"""The lead's workspace: their agents at a glance, who needs attention, 1-on-1s due, open action
items and recent critical failures or low scores. The same number of queries for 8 agents or 80."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Q

from core.fields import month_to_open
from core.models import Role, User
from reviews.models import Review

from ..models import (
    ActionItem,
    Cadence,
    CoachingSession,
    CoachingSettings,
    ItemStatus,
    PerformanceRecord,
    RecordLevel,
    SessionStatus,
)
from ..models.sessions import DEFAULT_EVERY_DAYS
from ..services.records import RELEASED, Flag, previous_month
from .records import ATTENTION, by_severity
from .sessions import items_visible

RECENT_DAYS = 14
DONE_SHOWN = 10


def _trend(current, previous) -> str:
    """ "up", "down" or "flat" from last month's mean to this one's; "" without both."""
    if not current or not previous or current.qa_mean is None or previous.qa_mean is None:
        return ""
    if Flag.FALLING in current.flags or current.qa_mean < previous.qa_mean:
        return "down"
    return "up" if current.qa_mean > previous.qa_mean else "flat"


def workspace(*, lead, today: dt.date) -> dict:
    agents = list(
        User.objects.filter(role=Role.AGENT, team__lead=lead, is_active=True)
        .select_related("team")
        .order_by("team__name", "first_name", "last_name", "username")
    )
    ids = [a.pk for a in agents]
    month = month_to_open(today)
    records = {
        (r.agent_id, r.month): r
        for r in PerformanceRecord.objects.filter(
            level=RecordLevel.AGENT, agent_id__in=ids, month__in=[month, previous_month(month)]
        )
    }
    last = dict(
        CoachingSession.objects.filter(agent_id__in=ids, status=SessionStatus.CLOSED)
        .values("agent_id")
        .annotate(day=Max("scheduled_for"))
        .values_list("agent_id", "day")
    )
    planned = {
        s.agent_id: s
        for s in CoachingSession.objects.filter(agent_id__in=ids, status=SessionStatus.PLANNED).order_by(
            "scheduled_for", "id"
        )
    }
    every = dict(Cadence.objects.filter(team__lead=lead).values_list("team_id", "every_days"))
    rows, due = [], []
    for agent in agents:
        current, previous = records.get((agent.pk, month)), records.get((agent.pk, previous_month(month)))
        shown = current
        booked = planned.get(agent.pk)
        if booked is not None:  # a planned session is due on its date (docs/coaching.md)
            next_day = booked.scheduled_for
        elif agent.pk in last:
            next_day = last[agent.pk] + dt.timedelta(days=every.get(agent.team_id, DEFAULT_EVERY_DAYS))
        else:
            next_day = today
        when = "overdue" if next_day < today else "today" if next_day == today else "upcoming"
        row = {
            "agent": agent, "record": shown, "trend": _trend(current, previous),
            "reasons": [f for f in ATTENTION if shown and f in shown.flags],
            "last": last.get(agent.pk), "next": next_day, "when": when, "planned": booked, "plan_day": max(next_day, today),
        }  # fmt: skip
        rows.append(row)
        if when != "upcoming" or next_day <= today + dt.timedelta(days=7):
            due.append(row)
    due.sort(key=lambda r: (r["next"], str(r["agent"])))
    items = list(
        items_visible(lead, ActionItem.objects.filter(agent_id__in=ids, status=ItemStatus.OPEN))
        .select_related("agent")
        .order_by("due_on", "id")
    )
    recently_done = ActionItem.objects.filter(
        agent_id__in=ids, status=ItemStatus.DONE, done_at__date__gte=today - dt.timedelta(days=RECENT_DAYS)
    )
    done = list(  # what agents marked done lately: the lead sees it without asking
        items_visible(lead, recently_done)
        .select_related("agent", "done_by")
        .order_by("-done_at", "-id")[:DONE_SHOWN]
    )
    low = CoachingSettings.current().low_score
    recent = list(
        Review.objects.filter(
            agent_id__in=ids,
            status__in=RELEASED,
            released_at__date__gte=today - dt.timedelta(days=RECENT_DAYS),
        )
        .filter(Q(critical_failed=True) | Q(total__lt=low))
        .select_related("agent", "interaction")
        .order_by("-released_at")[:20]
    )
    return {
        "rows": rows,
        "recent_since": today - dt.timedelta(days=RECENT_DAYS),  # the pages say what they select by
        "attention": by_severity(
            rows, reasons=lambda r: r["reasons"], mean=lambda r: r["record"] and r["record"].qa_mean
        ),
        "due": due,
        "items": items,
        "overdue_items": sum(1 for i in items if i.due_on < today),
        "done_items": done,
        "recent": recent,
        "low_score": low,
        "today": today,
    }
