"""Events one app announces and another acts on, so that dependencies keep running one way:
coaching rebuilds records when reviews or interactions change, but reviews never imports
coaching. Handlers run after the announcing transaction commits (never for a rolled-back one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from functools import partial

from django.db import transaction


class Event(StrEnum):
    # A released review's results changed (released, changed): agent_id, month (its first day),
    # review_id.
    REVIEW_RESULTS_CHANGED = "review.results_changed"
    # Interactions were created or changed by an import: months (first days).
    INTERACTIONS_CHANGED = "interactions.changed"
    # A person's role, team or hiring date, or a team's lead, changed (the admin): months (first
    # days) whose records name them.
    PEOPLE_CHANGED = "people.changed"
    # A root cause became the agent's own or stopped being it (its misses count differently in
    # the agent-controllable score): months (first days) with released misses of that cause.
    ROOT_CAUSE_CHANGED = "root_cause.changed"


_handlers: dict[Event, list[Callable]] = defaultdict(list)


def subscribe(event: Event, handler: Callable) -> None:
    """Call `handler(**data)` after every commit that published `event` (once per handler)."""
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


_paused: ContextVar[bool] = ContextVar("events_paused", default=False)


@contextmanager
def paused():
    """Publish nothing inside this block: for bulk work that does the follow-up once itself
    (loading the demo's history rebuilds every month's records at the end)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def publish(event: Event, **data) -> None:
    if _paused.get():
        return
    for handler in _handlers[event]:
        transaction.on_commit(partial(handler, **data))
