"""Celery tasks: thin, idempotent (each claims its job first), by primary key."""

import logging

from celery import shared_task

from core.i18n import speaking_to_author

from . import services
from .models import ImportJob

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=15 * 60, soft_time_limit=14 * 60)
def import_read(job_id: int) -> None:
    with speaking_to_author(ImportJob, job_id):
        services.import_job_read(job_id)


@shared_task
def import_files_purge() -> int:
    """Daily: remove the uploaded files of imports abandoned for IMPORT_FILE_RETENTION_DAYS."""
    return services.import_files_purge()


@shared_task(acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def import_check(job_id: int) -> None:
    with speaking_to_author(ImportJob, job_id):
        services.import_job_check(job_id)


@shared_task(acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def import_run(job_id: int) -> None:
    with speaking_to_author(ImportJob, job_id):
        services.import_job_run(job_id)


@shared_task(acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def sample_draw_task(month: str | None = None, actor_id: int | None = None) -> int | None:
    """Draw (top up) the sample of `month` (YYYY-MM-DD), default the current month. A draw that
    is already running makes this one a no-op."""
    import datetime as dt

    from django.utils import timezone

    from core.exceptions import DomainError
    from core.models import User

    day = dt.date.fromisoformat(month) if month else timezone.localdate()
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        return services.sample_draw(month=day, actor=actor).pk
    except DomainError as exc:  # a draw of the month is running: this one is not needed
        logger.info("Draw of %s not run: %s", day, exc.message)
        return None


@shared_task
def disputes_escalate() -> int:
    """Open disputes past their deadline go to the QA managers (hourly)."""
    from .services.disputes import disputes_escalate as escalate

    return escalate()


@shared_task(acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def autoqa_check_task(month: str, rule_ids: list[int] | None = None) -> int:
    """Check the interactions of `month` (YYYY-MM-DD) with the transcript rules `rule_ids`
    (default: every active rule); returns how many verdicts were written."""
    import datetime as dt

    from .models import TranscriptRule
    from .services.autoqa import autoqa_check

    rules = TranscriptRule.objects.filter(active=True)
    if rule_ids is not None:
        rules = rules.filter(pk__in=rule_ids)
    return autoqa_check(month=dt.date.fromisoformat(month), rules=list(rules)).verdicts
