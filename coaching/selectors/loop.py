"""The coaching loop on the pages: for each coached target (an action item or GROW note aimed
at a criterion or section), the agent's scores on it before and after the session, and the
verdict (coaching.loop, docs/coaching.md)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Q, QuerySet

from reviews.models import Review
from reviews.selectors.results import scores_by_identity

from .. import loop
from ..models import ActionItem, CoachingSettings, GrowNote, SessionStatus
from ..services.records import RELEASED


def coached_targets(*, sessions: QuerySet) -> list[dict]:
    """One row per (session, target) among the closed `sessions`' notes and items, oldest session
    first: the agent, the target, the session's day, and the loop's verdict with its figures."""
    closed = sessions.filter(status=SessionStatus.CLOSED)
    targeted = ~Q(target_kind="")
    wanted = {}
    for model in (ActionItem, GrowNote):
        for row in (
            model.objects.filter(targeted, session__in=closed)
            .select_related("session__agent", "session__lead", "session__team")
            .order_by("session__scheduled_for", "id")
        ):
            key = (row.session_id, row.target_kind, row.target_identity)
            wanted.setdefault(
                key, {"session": row.session, "label": row.target_label, "kind": row.target_kind}
            )
    if not wanted:
        return []
    agents = {w["session"].agent_id for w in wanted.values()}
    first_day = min(w["session"].scheduled_for for w in wanted.values()) - dt.timedelta(days=180)
    timeline: dict[int, list] = defaultdict(list)  # agent -> [(day, scores by target)] in time order
    reviews = list(
        Review.objects.filter(
            agent_id__in=agents, status__in=RELEASED, interaction__local_date__gte=first_day
        )
        .order_by("interaction__started_at", "id")
        .values_list("pk", "agent_id", "interaction__local_date")
    )
    scores = scores_by_identity(pk for pk, _a, _d in reviews)
    for pk, agent_id, day in reviews:
        timeline[agent_id].append((day, scores.get(pk, {})))
    window = CoachingSettings.current().loop_window
    rows = []
    for (_session_id, kind, identity), w in wanted.items():
        session = w["session"]
        scores = [
            (day, s[(kind, identity)]) for day, s in timeline[session.agent_id] if (kind, identity) in s
        ]
        before = [v for day, v in scores if day < session.scheduled_for]
        after = [v for day, v in scores if day >= session.scheduled_for]
        rows.append(
            {"session": session, "agent": session.agent, "lead": session.lead, "team": session.team,
             "label": w["label"], "kind": kind, "verdict": loop.verdict(before, after, window=window)}
        )  # fmt: skip
    return rows


def loop_summary(rows: list[dict], by: str) -> list[dict]:
    """How many coached targets improved, did not, or are too early, per lead or per team."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        counts[str(row[by] or "—")][row["verdict"].verdict] += 1
    return [
        {"name": name, "total": sum(c.values()), "improved": c[loop.IMPROVED],
         "not_improved": c[loop.NOT_IMPROVED], "too_early": c[loop.TOO_EARLY]}
        for name, c in sorted(counts.items())
    ]  # fmt: skip
