"""Queueing background work, and reporting its progress to the page that waits for it."""

from __future__ import annotations

import threading
import time

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
    transaction is still open. It is also the job's heartbeat (see `is_stale`)."""
    cache.set(
        progress_key(kind, pk),
        {"done": done, "total": total, "phase": phase, "at": time.time()},
        PROGRESS_TTL,
    )


def heartbeat(kind: str, pk: int, phase: str = "") -> None:
    """A sign of life from a job that has no row count to report yet."""
    live = progress_get(kind, pk) or {"done": 0, "total": 0}
    progress_set(kind, pk, done=live["done"], total=live["total"], phase=phase or live.get("phase", ""))


def is_stale(kind: str, pk: int, *, since) -> bool:
    """True when a job claimed at `since` has shown no sign of life for JOB_STALE_SECONDS: its
    worker was killed, ran out of memory or was redeployed, and the job may be taken again."""
    limit = settings.JOB_STALE_SECONDS
    if since is None:
        return True
    if time.time() - since.timestamp() < limit:
        return False
    live = progress_get(kind, pk)
    return not live or time.time() - live.get("at", 0) >= limit


def progress_get(kind: str, pk: int) -> dict | None:
    return cache.get(progress_key(kind, pk))


def progress_clear(kind: str, pk: int) -> None:
    cache.delete(progress_key(kind, pk))
