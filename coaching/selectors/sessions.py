"""Reads for 1-on-1s: the evidence a plan is built from, and which sessions, notes and items a
person may see (a private note or item: its lead and QA managers, never the agent)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.fields import month_to_open
from core.permissions import Scope, scope_of
from reviews.models import Review
from scoring.selectors import rubric_data_pinned

from ..evidence import evidence_lines
from ..metrics import rounded
from ..models import AGENDA_SPLIT, ActionItem, CoachingSession, ItemStatus, PerformanceRecord, RecordLevel
from ..models import SessionStatus as Status
from ..models.kpis import kpi_title
from ..services.records import RELEASED
from .ladder import ladder_position
from .records import weakest_criteria

LOOKBACK_DAYS = 30  # the first 1-on-1 looks back this far
PROBLEMS = 3  # weakest criteria on the agenda
REVIEW_LINKS = 10  # the latest reviews linked from the agenda
EVIDENCE_LINES = 3  # transcript lines under a weak criterion


def agenda_minutes(minutes: int) -> list[int]:
    """The session's minutes split 30 / 40 / 30 % in whole minutes that add up (largest
    remainder): 30 -> 9, 12, 9; 45 -> 14, 18, 13."""
    shares = [Fraction(minutes * share, 100) for _key, share in AGENDA_SPLIT]
    whole = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - whole[i]), i))
    for i in by_remainder[: minutes - sum(whole)]:
        whole[i] += 1
    return whole


def session_queryset_for(user) -> QuerySet[CoachingSession]:
    """QA managers see every session; a lead those of their teams' agents (and their own); an
    agent their own closed ones."""
    qs = CoachingSession.objects.select_related("agent__team", "lead")
    match scope_of(user):
        case Scope.ALL:
            return qs
        case Scope.TEAMS:
            return qs.filter(Q(agent__team__lead=user) | Q(lead=user))
        case Scope.OWN:
            return qs.filter(agent=user, status=Status.CLOSED)
    return qs.none()


def session_get_for(*, user, pk: int) -> CoachingSession:
    return get_object_or_404(session_queryset_for(user), pk=pk)


def _private_q(user, author: str) -> Q:
    """The rule for private coaching text (a GROW note, an action item, and every copy of their
    text): its writer and QA managers only. Shared text: whoever sees the session."""
    return Q(shared=True) | Q(**{author: user})


def notes_visible(user, notes: QuerySet) -> QuerySet:
    """GROW notes as `user` may see them: a private one only to the lead who wrote it and to QA
    managers; the agent sees the shared ones."""
    match scope_of(user):
        case Scope.ALL:
            return notes
        case Scope.TEAMS:
            return notes.filter(_private_q(user, "author"))
        case Scope.OWN:
            return notes.filter(shared=True, session__agent=user)
    return notes.none()


def items_visible(user, items: QuerySet) -> QuerySet:
    """Action items as `user` may see them: a private one only to the lead who wrote it (not the
    team's next lead) and to QA managers; the agent sees their shared ones."""
    match scope_of(user):
        case Scope.ALL:
            return items
        case Scope.TEAMS:
            return items.filter(_private_q(user, "author"))
        case Scope.OWN:
            return items.filter(shared=True, agent=user)
    return items.none()


def item_may_change(user, item: ActionItem) -> bool:
    """A private item is changed (followed up, marked done, edited) only by its writer and QA
    managers, as only they see it."""
    return item.shared or scope_of(user) == Scope.ALL or item.author_id == user.pk


def _plan_parts(session: CoachingSession) -> list[dict]:
    plan = session.plan if isinstance(session.plan, dict) else {}
    return [p for p in plan.get("parts", []) if isinstance(p, dict)]


def _item_refs(session: CoachingSession) -> set[int]:
    return {
        entry["item"]
        for part in _plan_parts(session)
        for entry in part.get("items", [])
        if isinstance(entry, dict) and isinstance(entry.get("item"), int)
    }


def items_shown_in_plans(user, sessions) -> set[int]:
    """Of the action items the sessions' agendas copy, those `user` may see (one query)."""
    pairs = [(session.agent_id, pk) for session in sessions for pk in _item_refs(session)]
    if not pairs:
        return set()
    items = ActionItem.objects.filter(pk__in={pk for _agent, pk in pairs})
    visible = dict(items_visible(user, items).values_list("pk", "agent_id"))
    return {pk for agent, pk in pairs if visible.get(pk) == agent}


def plan_visible(user, session: CoachingSession, shown: set[int] | None = None) -> dict:
    """The session's agenda as `user` may see it. The agenda copies earlier action items
    ("Follow up: …"); each copy keeps a reference to its item and is shown only to those who may
    see the item itself, whoever reads the agenda (page, API) and whenever. `shown`: the
    visible items, when the caller reads many agendas (items_shown_in_plans)."""
    if shown is None:
        shown = items_shown_in_plans(user, [session])

    def visible(entry) -> bool:
        if not isinstance(entry, dict):
            return False
        if "item" in entry or entry.get("kind") == "item":  # a copy of an item: as the item
            return entry.get("item") in shown
        return True

    plan = session.plan if isinstance(session.plan, dict) else {}
    return plan | {
        "parts": [
            part | {"items": [e for e in part.get("items", []) if visible(e)]}
            for part in _plan_parts(session)
        ]
    }


def last_closed(agent, before: dt.date | None = None) -> CoachingSession | None:
    qs = CoachingSession.objects.filter(agent=agent, status=Status.CLOSED)
    if before is not None:
        qs = qs.filter(scheduled_for__lt=before)
    return qs.order_by("-scheduled_for", "-id").first()


def _month_record(agent, day: dt.date) -> PerformanceRecord | None:
    """The agent's record of the month the dashboards show on `day` (the month just ended during
    a new month's first week)."""
    return PerformanceRecord.objects.filter(
        level=RecordLevel.AGENT, agent=agent, month=month_to_open(day)
    ).first()


def _criterion_text(review: Review, identity: str) -> tuple[list[str], list[str]]:
    """The reviewer's comments on the criterion with `identity` in `review`, and the criterion's
    behaviour and guidance in the rubric version the review is pinned to."""
    for section in rubric_data_pinned(review.rubric).sections:
        for criterion in section.criteria:
            if criterion.identity == identity:
                comment = (review.comments or {}).get(str(criterion.id))
                return ([comment] if comment else []), [criterion.behaviour, criterion.guidance]
    return [], []


def _evidence(agent, reviews: list[Review], identity: str) -> tuple[list[str], list[dict]]:
    """Reviewer comments and transcript lines (coaching/evidence.py) that show a missed criterion,
    from up to three reviews that missed it: the three strongest lines of them all (a line the
    reviewer quoted first), each once, with its review."""
    names = [agent.first_name, agent.get_full_name(), agent.username]
    comments, found = [], []
    for review in reviews:
        said, about = _criterion_text(review, identity)
        comments += said
        found += [(line, review.pk) for line in evidence_lines(
            review.interaction.transcript, comments=said, about=about, names=names)]  # fmt: skip
    lines, seen = [], set()
    for line, pk in sorted(found, key=lambda pair: pair[0].strength):  # stable: review order next
        if line.text not in seen and len(lines) < EVIDENCE_LINES:
            seen.add(line.text)
            lines.append({"review": pk, "number": line.number, "text": line.text})
    return comments[:3], lines


def plan_build(*, agent, day: dt.date, minutes: int) -> dict:
    """The agenda of a 1-on-1 with `agent` on `day`, from the evidence (docs/coaching.md)."""
    before = last_closed(agent, before=day)
    since = before.scheduled_for if before else day - dt.timedelta(days=LOOKBACK_DAYS)
    record = _month_record(agent, day)
    released = list(  # reviews of what the agent did since the last 1-on-1
        Review.objects.filter(agent=agent, status__in=RELEASED, interaction__local_date__gte=since)
        .select_related("interaction")
        .order_by("interaction__started_at")
    )
    due = list(
        ActionItem.objects.filter(agent=agent, status=ItemStatus.OPEN, due_on__lte=day).order_by(
            "due_on", "id"
        )
    )
    review_items = []
    if record is not None and record.qa_mean is not None:
        interval = (
            _(" (95%% interval %(low)s–%(high)s)") % {"low": record.qa_low, "high": record.qa_high}
            if record.qa_low is not None
            else ""
        )
        review_items.append({
            "kind": "record",
            "text": _("QA %(month)s: %(mean)s%(interval)s, n = %(n)s, against a target of %(target)s.")
            % {"month": f"{record.month:%Y-%m}", "mean": record.qa_mean, "interval": interval,
               "n": record.reviews_n, "target": record.qa_target if record.qa_target is not None else "—"},
        })  # fmt: skip
    if record is not None and (record.figures.get("composite") or {}).get("rows"):
        kpis = [
            _("%(label)s: %(actual)s (target %(target)s, n = %(n)s)%(mark)s") % {
                "label": kpi_title(row["kpi"], row["label"]), "actual": row["actual"], "target": row["target"], "n": row["n"],
                "mark": " ✓" if Decimal(row["attainment"]) >= 100 else " ✗"}
            for row in record.figures["composite"]["rows"]
            if row["actual"] is not None and row["attainment"] is not None and row["kpi"] != "qa"
        ]  # fmt: skip
        if kpis:
            review_items.append({"kind": "kpis", "text": _("Against the targets: %(kpis)s.") % {
                "kpis": "; ".join(kpis)}})  # fmt: skip
    scored = [r.total for r in released if r.total is not None]
    if scored:
        mean = rounded(sum(Fraction(t) for t in scored) / len(scored))
        target = record.qa_target if record is not None else None
        label = (
            _("QA since the last 1-on-1 (%(since)s)")
            if before
            else _("QA of the last %(days)s days (no 1-on-1 yet)")
        ) % {"since": since.isoformat(), "days": LOOKBACK_DAYS}
        review_items.append({"kind": "since", "text": (
            _("%(label)s: %(mean)s, n = %(n)s, against a target of %(target)s.")
            if target is not None else _("%(label)s: %(mean)s, n = %(n)s.")
        ) % {"label": label, "mean": mean, "n": len(scored), "target": target}})  # fmt: skip
    acknowledged = sum(1 for r in released if r.acknowledged_at)
    review_items.append({
        "kind": "reviews",
        "text": _("%(n)s reviews of interactions since %(since)s; %(ack)s acknowledged by the agent.")
        % {"n": len(released), "since": since.isoformat(), "ack": acknowledged},
        "reviews": [r.pk for r in released][-REVIEW_LINKS:],
    })  # fmt: skip
    for item in due:
        # a reference to the item: plan_visible shows the copy only to those who see the item
        review_items.append({"kind": "item", "text": _("Follow up: %(text)s (due %(due)s)") % {
            "text": item.text, "due": item.due_on.isoformat()}, "item": item.pk,
            "private": not item.shared})  # fmt: skip
    month_reviews = []
    if record is not None:
        month_reviews = list(
            Review.objects.filter(agent=agent, status__in=RELEASED, interaction__local_month=record.month)
            .select_related("interaction", "rubric")
            .order_by("interaction__started_at")
        )
    problems = []
    for weak in weakest_criteria(record, month_reviews, limit=PROBLEMS):
        missed = weak["reviews"][:3]
        comments, lines = _evidence(agent, missed, weak["identity"])
        problems.append({
            "kind": "criterion", "target_kind": "criterion", "target_identity": weak["identity"],
            "target_label": weak["label"],
            "text": _("“%(label)s”: %(value)s%% in %(n)s reviews.") % {
                "label": weak["label"], "value": weak["value"], "n": weak["n"]},
            "reviews": [r.pk for r in missed], "comments": comments, "lines": lines,
            "goal": _("Meet “%(label)s” in every review of the next month.") % {"label": weak["label"]},
        })  # fmt: skip
    ladder = ladder_position(agent=agent, today=day)
    development = []
    if ladder["next"] is not None:
        gaps = [row for row in ladder["next_rows"] if not row["met"]]
        development.append({
            "kind": "level",
            "text": _("Level: %(current)s. Next: %(next)s, %(gaps)s of %(all)s requirements still to meet.") % {
                "current": ladder["current_label"], "next": ladder["next"].get_level_display(),
                "gaps": len(gaps), "all": len(ladder["next_rows"])},
            "gaps": [f"{row['label']}: {row['actual']} ({row['required']})" for row in gaps],
            "goal": _("Work towards %(next)s: %(first)s.") % {
                "next": ladder["next"].get_level_display(),
                "first": gaps[0]["label"] if gaps else _("confirm the level with your lead")},
        })  # fmt: skip
    else:
        development.append({"kind": "level", "text": _("Level: %(current)s, the top of the ladder.") % {
            "current": ladder["current_label"]}, "goal": _("Share what works with the team.")})  # fmt: skip
    parts = {"review": review_items, "problems": problems, "development": development}
    return {
        "since": since.isoformat(),
        "parts": [
            {"key": key, "minutes": share, "items": parts[key]}
            for (key, _share), share in zip(AGENDA_SPLIT, agenda_minutes(minutes), strict=True)
        ],
    }
