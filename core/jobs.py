"""Queueing background work, and reporting its progress to the page that waits for it."""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

PROGRESS_TTL = 6 * 3600


def enqueue(task, *args) -> None:
    """Send a Celery task once the current transaction has committed.

    With a broker, a worker runs it. Without one (a development install), it runs in a
    background thread of this process so the page can poll its progress. With JOBS_INLINE on
    (tests), it runs in this thread before this returns, broker or not.
    """

    def send():
        if settings.JOBS_INLINE or (settings.CELERY_TASK_ALWAYS_EAGER and not settings.JOBS_IN_THREAD):
            task.apply(args=args)
        elif settings.CELERY_TASK_ALWAYS_EAGER:
            threading.Thread(target=_run_in_thread, args=(task, args), daemon=True).start()
        else:
            task.delay(*args)

    transaction.on_commit(send)


def _run_in_thread(task, args) -> None:
    try:
        task.apply(args=args)
    finally:
        connection.close()


def progress_key(kind: str, pk: int) -> str:
    return f"progress:{kind}:{pk}"


def progress_set(kind: str, pk: int, *, done: int, total: int, phase: str = "") -> None:
    """Publish progress outside any transaction, so it is visible while the job's own
    transaction is still open."""
    cache.set(progress_key(kind, pk), {"done": done, "total": total, "phase": phase}, PROGRESS_TTL)


def progress_get(kind: str, pk: int) -> dict | None:
    return cache.get(progress_key(kind, pk))


def progress_clear(kind: str, pk: int) -> None:
    cache.delete(progress_key(kind, pk))
