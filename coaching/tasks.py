"""Celery tasks: thin, by primary key and ISO date, safe to run twice (a rebuild is idempotent)."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import services
from .services.records import previous_month


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def record_rebuild(month: str, agent_ids: list[int] | None = None) -> dict:
    """Rebuild the records of `month` (YYYY-MM-DD): these agents' and the rollups, or all."""
    result = services.records_rebuild(month=dt.date.fromisoformat(month), agent_ids=agent_ids)
    return result.__dict__


@shared_task(acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def records_rebuild_recent() -> dict:
    """Nightly: the previous and the current month, in that order."""
    this_month = timezone.localdate().replace(day=1)
    return services.records_rebuild_months([previous_month(this_month), this_month]).__dict__


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def report_build(job_id: int) -> None:
    from core.i18n import speaking_to_author

    from .models import ReportJob
    from .services.reports import report_job_run

    with speaking_to_author(ReportJob, job_id):
        report_job_run(job_id)


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def items_due_remind_task() -> int:
    """Daily: tell agents of their action items due today or before (once per item)."""
    from .services.sessions import items_due_remind

    return items_due_remind(today=timezone.localdate())
