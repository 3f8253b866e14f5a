"""Background work has one lifecycle (issue 17 §3): a report whose worker was killed can be
restarted, like an import; the same report asked for twice is one job; with the job queue down
nothing is written and the person is told; a dead draw is named; a command finishes the work it
causes before it exits; failures are logged with their traceback."""

import datetime as dt
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from coaching.models import PerformanceRecord, ReportJob, ReportStatus
from coaching.services import reports
from core.checks import W_NO_BROKER, broker_configured
from core.jobs import MSG_BROKER_DOWN, MSG_SEND_FAILED
from reviews.models import DrawStatus, ImportJob, SampleDraw
from tests.factories import AgentFactory
from tests.reviews.spreadsheets import write_csv

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def queue_down(settings):
    """A server whose job queue does not answer."""
    settings.JOBS_INLINE = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = DEAD_BROKER


def _killed_report(user, team=None, month=NOV) -> ReportJob:
    """A report whose worker was killed ten minutes ago, halfway through."""
    return ReportJob.objects.create(
        created_by=user, month=month, team=team, status=ReportStatus.RUNNING,
        claimed_at=timezone.now() - dt.timedelta(minutes=10),
    )  # fmt: skip


def test_a_report_whose_worker_died_is_offered_a_restart_and_builds(
    client, manager, team, django_capture_on_commit_callbacks
):
    job = _killed_report(manager)
    client.force_login(manager)
    page = client.get(reverse("coaching:report_detail", args=[job.pk])).content.decode()
    assert "its worker has stopped" in page and reverse("coaching:report_restart", args=[job.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("coaching:report_restart", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ReportStatus.DONE and job.file


def test_a_report_still_building_is_not_restarted(client, manager):
    job = ReportJob.objects.create(
        created_by=manager, month=NOV, status=ReportStatus.RUNNING, claimed_at=timezone.now()
    )
    api = APIClient()
    api.force_authenticate(manager)
    response = api.post(f"/api/reports/{job.pk}/restart/")
    assert response.status_code == 400
    assert response.json()["message"] == str(reports.MSG_REPORT_STUCK)
    assert (
        "its worker has stopped"
        not in client.get(reverse("coaching:report_detail", args=[job.pk])).content.decode()
    )


def test_the_api_restarts_a_dead_report(manager, django_capture_on_commit_callbacks):
    job = _killed_report(manager)
    api = APIClient()
    api.force_authenticate(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/reports/{job.pk}/restart/")
    assert response.status_code == 202
    job.refresh_from_db()
    assert job.status == ReportStatus.DONE


def test_a_redelivered_task_takes_over_a_dead_claim_and_only_a_dead_one(manager):
    alive = ReportJob.objects.create(
        created_by=manager, month=NOV, status=ReportStatus.RUNNING, claimed_at=timezone.now()
    )
    reports.report_job_run(alive.pk)
    alive.refresh_from_db()
    assert alive.status == ReportStatus.RUNNING  # another worker has it
    dead = _killed_report(manager, month=dt.date(2026, 10, 1))
    reports.report_job_run(dead.pk)
    dead.refresh_from_db()
    assert dead.status == ReportStatus.DONE


def test_the_same_request_while_one_is_running_returns_that_job(manager, team, settings, monkeypatch):
    settings.JOBS_INLINE = False
    sent = []
    monkeypatch.setattr("core.jobs.enqueue", lambda task, *args, **kw: sent.append(args))
    first = reports.report_job_create(actor=manager, month=NOV, team=team)
    again = [reports.report_job_create(actor=manager, month=NOV, team=team) for _ in range(7)]
    assert {j.pk for j in again} == {first.pk} and len(sent) == 1
    other_team = reports.report_job_create(actor=manager, month=NOV)  # a different request
    assert other_team.pk != first.pk


def test_the_database_holds_one_active_job_per_request(manager, team):
    from django.db import IntegrityError, transaction

    ReportJob.objects.create(created_by=manager, month=NOV)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportJob.objects.create(created_by=manager, month=NOV)  # team NULL counts as one team
    ReportJob.objects.create(created_by=manager, month=NOV, team=team)
    ReportJob.objects.create(created_by=manager, month=NOV, status=ReportStatus.DONE)  # finished: fine


def test_a_dead_report_is_replaced_by_the_same_request(manager, django_capture_on_commit_callbacks):
    dead = _killed_report(manager)
    with django_capture_on_commit_callbacks(execute=True):
        job = reports.report_job_create(actor=manager, month=NOV)
    job.refresh_from_db()
    dead.refresh_from_db()
    assert job.pk != dead.pk and dead.status == ReportStatus.FAILED and job.status == ReportStatus.DONE


def test_with_the_queue_down_nothing_is_queued_and_the_person_is_told(
    client, manager, team, queue_down, tmp_path
):
    client.force_login(manager)
    response = client.post(reverse("coaching:report_request"), {"month": "2026-11"}, follow=True)
    assert str(MSG_BROKER_DOWN) in response.content.decode()
    assert ReportJob.objects.count() == 0
    path = write_csv(
        tmp_path / "calls.csv", [["Call Id", "Agent", "Start time"], ["K-1", "ana", "2026-11-03 10:00"]]
    )
    with open(path, "rb") as f:
        response = client.post(reverse("reviews:import_list"), {"file": f}, follow=True)
    assert str(MSG_BROKER_DOWN) in response.content.decode()
    assert ImportJob.objects.count() == 0
    response = client.post(reverse("reviews:sampling"), {"draw": "1", "month": "2026-11"}, follow=True)
    assert str(MSG_BROKER_DOWN) in response.content.decode()
    api = APIClient()
    api.force_authenticate(manager)
    response = api.post("/api/reports/", {"month": "2026-11"}, format="json")
    assert response.status_code == 400 and response.json()["message"] == str(MSG_BROKER_DOWN)
    assert ReportJob.objects.count() == 0


def test_healthz_reports_the_queue(client, settings, queue_down):
    response = client.get("/healthz/")
    assert response.status_code == 200 and b"broker: unreachable" in response.content
    assert client.get("/healthz/", {"strict": "1"}).status_code == 503
    settings.CELERY_BROKER_URL = ""
    assert client.get("/healthz/").content == b"ok\nbroker: in-process\n"


def test_a_send_that_fails_after_the_commit_marks_the_job_failed(
    manager, settings, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from coaching import tasks

    settings.JOBS_INLINE = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr("core.jobs.broker_state", lambda: "ok")

    def refuse(*args):
        raise ConnectionError("broker went away")

    monkeypatch.setattr(tasks.report_build, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        job = reports.report_job_create(actor=manager, month=NOV)
    job.refresh_from_db()
    assert job.status == ReportStatus.FAILED and job.message == str(MSG_SEND_FAILED)
    assert any(r.exc_info and "Could not queue" in r.getMessage() for r in caplog.records)


def test_a_dead_draw_is_named_and_replaced_a_live_one_refused(client, manager, settings):
    client.force_login(manager)
    dead = SampleDraw.objects.create(month=NOV)
    SampleDraw.objects.filter(pk=dead.pk).update(started_at=timezone.now() - dt.timedelta(minutes=10))
    response = client.post(reverse("reviews:sampling"), {"draw": "1", "month": "2026-11"}, follow=True)
    assert "had stopped (its worker showed no sign of life)" in response.content.decode()
    dead.refresh_from_db()
    assert dead.status == DrawStatus.FAILED and "no sign of life" in dead.message
    live = SampleDraw.objects.create(month=dt.date(2026, 10, 1))
    response = client.post(reverse("reviews:sampling"), {"draw": "1", "month": "2026-10"}, follow=True)
    assert "is already running" in response.content.decode()
    assert SampleDraw.objects.filter(month=live.month).count() == 1


def test_a_failed_draw_and_report_are_logged_with_their_traceback(manager, monkeypatch, caplog):
    from reviews.services import sampling

    monkeypatch.setattr(sampling, "draw_items", lambda **kw: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError), caplog.at_level(logging.ERROR):
        sampling.sample_draw(month=NOV)
    draw = SampleDraw.objects.get()
    assert draw.status == DrawStatus.FAILED and "RuntimeError" in draw.message
    job = ReportJob.objects.create(created_by=manager, month=NOV)
    monkeypatch.setattr(reports, "report_write", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    with caplog.at_level(logging.ERROR):
        reports.report_job_run(job.pk)
    failed = [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert {r.getMessage() for r in failed} == {f"draw {draw.pk} failed", f"report {job.pk} failed"}


@pytest.mark.django_db(transaction=True)  # the command's own commits, as on a server
def test_an_import_command_builds_the_records_before_it_exits(settings, team, tmp_path):
    """Without a broker the rebuild ran in a thread that died with the command."""
    settings.JOBS_INLINE = False
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.JOBS_IN_THREAD = True  # a development install's default
    AgentFactory(username="ana", team=team)
    path = write_csv(
        tmp_path / "calls.csv",
        [
            ["Call Id", "Agent", "Start time", "Media", "Talk"],
            ["K-1", "ana", "2026-11-03 10:00", "phone", 300],
        ],
    )
    call_command("import_interactions", str(path), stdout=StringIO(), stderr=StringIO())
    assert PerformanceRecord.objects.filter(month=NOV, agent__username="ana").exists()


def test_a_server_without_a_job_queue_is_warned_at_start(settings):
    settings.DEBUG, settings.CELERY_BROKER_URL = False, ""
    assert [w.id for w in broker_configured(None)] == [W_NO_BROKER]
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    assert broker_configured(None) == []
