"""Background work, one lifecycle for every kind (imports, draws, reports, rebuilds):

- queue: `enqueue` after the commit; with the broker unreachable the request is refused before
  anything is written (`broker_check`, MSG_BROKER_DOWN), and a send that fails after the commit
  marks the job failed instead of leaving it "queued";
- claim: `job_claim` takes a job row for one worker with a conditional update, or takes over a
  claim whose worker went silent (`is_stale`);
- heartbeat and progress: `progress_set` / `heartbeat`, published outside the job's transaction;
- stuck and restart: `job_is_stuck` tells the page to offer "Restart", which queues the step again;
- failure: `job_fail` logs the traceback and gives the person a message to act on.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

PROGRESS_TTL = 6 * 3600
logger = logging.getLogger(__name__)

MSG_BROKER_DOWN = gettext_lazy(
    "Background jobs are unavailable right now; nothing was changed. Try again later."
)
MSG_SEND_FAILED = gettext_lazy(
    "This job could not be handed to a background worker (the job queue did not answer). Start it again."
)
_inline = contextvars.ContextVar("jobs_inline", default=False)


class BrokerUnavailable(Exception):
    pass


def broker_state() -> str:
    """ "in-process" (no broker configured), "ok", or "unreachable" (a 2-second try)."""
    if not settings.CELERY_BROKER_URL:
        return "in-process"
    from qa_project.celery import app

    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
    except Exception:
        logger.warning("The job queue at CELERY_BROKER_URL does not answer", exc_info=True)
        return "unreachable"
    return "ok"


def broker_check() -> None:
    """Before writing a job: refuse (DomainError, MSG_BROKER_DOWN) when no worker can get it."""
    if settings.JOBS_INLINE or _inline.get() or broker_state() != "unreachable":
        return
    from .exceptions import DomainError

    raise DomainError(MSG_BROKER_DOWN)


@contextlib.contextmanager
def jobs_inline():
    """Run queued jobs in this thread before `enqueue` returns: management commands, so that the
    work they cause (a rebuild after an import) is done before the command exits."""
    token = _inline.set(True)
    try:
        yield
    finally:
        _inline.reset(token)


def enqueue(task, *args, on_send_failed=None) -> None:
    """Send a Celery task once the current transaction has committed.

    With a broker, a worker runs it. Without one (a development install), it runs in a
    background thread of this process so the page can poll its progress. With JOBS_INLINE on
    (tests) or inside `jobs_inline()` (commands), it runs in this thread before this returns.
    A send that fails (the broker went away after `broker_check`) is logged and handed to
    `on_send_failed(exc)`, which marks the job failed; the request still succeeds.
    """
    inline = _inline.get()

    def send():
        if (
            settings.JOBS_INLINE
            or inline
            or (settings.CELERY_TASK_ALWAYS_EAGER and not settings.JOBS_IN_THREAD)
        ):
            task.apply(args=args)
        elif settings.CELERY_TASK_ALWAYS_EAGER:
            # Not a daemon: a process that queued work finishes it before it exits.
            threading.Thread(target=_run_in_thread, args=(task, args), daemon=False).start()
        else:
            try:
                task.delay(*args)
            except Exception as exc:
                logger.exception("Could not queue %s%r", task.name, args)
                if on_send_failed is not None:
                    on_send_failed(exc)

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


# -- claim, stale takeover, failure: every job model (a status and a claimed_at field) ----------------


def job_claim(model, kind: str, pk: int, *, status: str, **changes):
    """Take job `pk` in `status` for this worker (a conditional update), or None when another
    worker has it and is alive. A claim silent for JOB_STALE_SECONDS (killed, out of memory, a
    deploy) is taken over. `changes` are written with the claim (e.g. a new status)."""
    job = model.objects.filter(pk=pk, status=status).first()
    if job is None:
        return None
    if job.claimed_at is not None and not is_stale(kind, job.pk, since=job.claimed_at):
        return None
    now = timezone.now()
    if not model.objects.filter(pk=pk, status=status, claimed_at=job.claimed_at).update(
        claimed_at=now, **changes
    ):
        return None
    progress_clear(kind, job.pk)
    job.refresh_from_db()
    return job


def job_is_stuck(job, kind: str, *, running: tuple, since=None) -> bool:
    """Running (or queued and never picked up) and silent for JOB_STALE_SECONDS."""
    return job.status in running and is_stale(kind, job.pk, since=since or job.claimed_at)


def job_fail(model, kind: str, job, exc: BaseException | None, *, status: str, message, **changes) -> None:
    """Record the failure: its traceback in the log, `message` for the person, the job not running."""
    if exc is not None:
        logger.error("%s %s failed", kind, job.pk, exc_info=(type(exc), exc, exc.__traceback__))
    model.objects.filter(pk=job.pk).update(status=status, message=str(message)[:1000], **changes)
    progress_clear(kind, job.pk)
