"""The demo's coaching history: each lead's past 1-on-1s with GROW notes and action items (some
done, one overdue, one private), and two coached criteria whose loop verdicts show on the first
run: one that visibly improved and one that did not. Written through the coaching services, as
a lead would."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from coaching import loop
from coaching.models import CoachingSession
from coaching.services import sessions as services
from coaching.services.records import RELEASED
from core.models import Role, Team, User
from reviews.models import Review
from reviews.selectors.results import scores_by_identity
from scoring.selectors import rubric_data_pinned

from .language import say

# Candidate 1-on-1 days: the 1st and the 15th of the past months, oldest first.
DAYS = (1, 15)


def _timeline(agent) -> list[tuple[dt.date, dict]]:
    reviews = list(
        Review.objects.filter(agent=agent, status__in=RELEASED)
        .select_related("interaction", "rubric")
        .order_by("interaction__started_at", "id")
    )
    scores = scores_by_identity(r.pk for r in reviews)
    return [(r.interaction.local_date, scores.get(r.pk, {}), r) for r in reviews]


def _coached(agent, want: str, today: dt.date):
    """A (day, criterion identity, label) whose loop verdict is `want` for this agent, from
    their real history: a 1-on-1 on that day coaching that criterion would show that verdict."""
    timeline = _timeline(agent)
    labels = {}
    for _day, _scores, review in timeline:
        for section in rubric_data_pinned(review.rubric).sections:
            for criterion in section.criteria:
                labels.setdefault(criterion.identity, criterion.behaviour)
    months = sorted({day.replace(day=1) for day, _s, _r in timeline})
    for month in months[1:]:
        for d in DAYS:
            day = month.replace(day=d)
            if day >= today - dt.timedelta(days=14):
                continue
            for identity, label in labels.items():
                key = ("criterion", identity)
                before = [s[key] for when, s, _r in timeline if when < day and key in s]
                after = [s[key] for when, s, _r in timeline if when >= day and key in s]
                if loop.verdict(before, after).verdict == want and (
                    want != loop.NOT_IMPROVED or sum(before[-5:]) < 500
                ):
                    return day, identity, label
    return None


def _first(agents, want: str, today: dt.date, skip=None):
    """The first agent (and their day, criterion) whose history gives the verdict `want`."""
    for agent in agents:
        if agent != skip and (found := _coached(agent, want, today)):
            return agent, found
    return None, None


def _session(lead, agent, day, *, identity="", label="", goal, reality, options, way, item, done=True):
    with transaction.atomic():
        session = services.session_plan(actor=lead, agent=agent, day=day)
        target = (
            {"target_kind": "criterion", "target_identity": identity, "target_label": label}
            if identity
            else {}
        )
        services.note_save(actor=lead, session=session, data={
            "goal": goal, "reality": reality, "options": options, "way_forward": way, "shared": True} | target)  # fmt: skip
        services.note_save(actor=lead, session=session, data={
            "goal": say("Keep an eye on confidence after the hard month"), "shared": False})  # fmt: skip
        made = services.item_save(actor=lead, session=session, data={
            "text": item, "due_on": day + dt.timedelta(days=7), "owner": "agent", "shared": True} | target)  # fmt: skip
        services.item_save(actor=lead, session=session, data={
            "text": say("Ask QA to calibrate on this criterion"), "due_on": day + dt.timedelta(days=3),
            "owner": "lead", "shared": False})  # fmt: skip
        session = services.session_close(actor=lead, session=session, expected_revision=session.revision)
        services.session_acknowledge(actor=agent, session=session)
        if done:
            services.item_mark_done(actor=agent, item=made)
    return session


def load_demo_coaching(today: dt.date) -> int:
    """Past 1-on-1s for each lead's team; returns how many. Loading twice adds nothing."""
    if CoachingSession.objects.exists():
        return 0
    made = 0
    for team in Team.objects.filter(lead__isnull=False).select_related("lead").order_by("name"):
        agents = list(User.objects.filter(team=team, role=Role.AGENT, is_active=True).order_by("username"))
        if not agents:
            continue
        lead = team.lead
        improved, found = _first(agents, loop.IMPROVED, today)
        if found:
            day, identity, label = found
            _session(lead, improved, day, identity=identity, label=label,
                     goal=say("Meet “{label}” in every call", label=label),
                     reality=say("Missed in most of last month's reviews"),
                     options=say("Listen to two good calls; a checklist on the desk"),
                     way=say("Use the checklist on every call"),
                     item=say("Practise “{label}” with the checklist", label=label))  # fmt: skip
            made += 1
        flat, found = _first(list(reversed(agents)), loop.NOT_IMPROVED, today, skip=improved)
        if found:
            day, identity, label = found
            _session(lead, flat, day, identity=identity, label=label,
                     goal=say("Raise “{label}”", label=label), reality=say("Uneven from call to call"),
                     options=say("Shadow a senior colleague"), way=say("Two shadowing sessions this week"),
                     item=say("Shadow a senior colleague on “{label}”", label=label), done=False)  # fmt: skip
            made += 1
        # Last week's 1-on-1 with the first agent: an item now overdue.
        recent = services.session_plan(actor=lead, agent=agents[0], day=today - dt.timedelta(days=7))
        services.note_save(actor=lead, session=recent, data={
            "goal": say("Shorter holds"), "reality": say("Holds of two minutes while searching the knowledge base"),
            "options": say("Bookmark the five most used articles"), "way_forward": say("Bookmarks by Friday")})  # fmt: skip
        services.item_save(actor=lead, session=recent, data={
            "text": say("Bookmark the five most used articles"), "due_on": today - dt.timedelta(days=2)})  # fmt: skip
        services.session_close(actor=lead, session=recent, expected_revision=recent.revision)
        made += 1
    return made
