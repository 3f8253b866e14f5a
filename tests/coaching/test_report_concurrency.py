"""Eight identical report requests at the same moment build one workbook (issue 17 §3): the
database holds one queued or running job per person, month and team, and every request gets it.

Runs on PostgreSQL (as in CI), where eight connections really insert at once."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from coaching.models import ReportJob
from coaching.services import reports

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: real connections")
def test_eight_identical_requests_at_once_are_one_job(manager, settings, monkeypatch):
    settings.JOBS_INLINE = False
    monkeypatch.setattr("core.jobs.enqueue", lambda *args, **kwargs: None)  # keep them queued
    barrier = threading.Barrier(8)
    got: list[int] = []

    def ask():
        try:
            barrier.wait()
            got.append(reports.report_job_create(actor=manager, month=dt.date(2026, 11, 1)).pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 8 and len(set(got)) == 1
    assert ReportJob.objects.count() == 1
