"""Celery tasks: thin, idempotent (each claims its job first), by primary key."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def import_check(job_id: int) -> None:
    services.import_job_check(job_id)


@shared_task(acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def import_run(job_id: int) -> None:
    services.import_job_run(job_id)
