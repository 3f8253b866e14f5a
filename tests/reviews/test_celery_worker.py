"""An import and a draw through a real Celery worker over Redis, against PostgreSQL.

Runs where CELERY_BROKER_URL is set (the second run of .ci/run); in-process elsewhere, so it is
skipped there with a message saying so.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from core.exceptions import DomainError
from core.jobs import progress_get
from core.models import Role
from reviews import services
from reviews.models import DrawStatus, ImportJob, ImportStatus, Interaction, SampleDraw
from tests.factories import AgentFactory, UserFactory
from tests.reviews.spreadsheets import write_csv, write_xlsx
from tests.reviews.test_sampling import NOV, month_of_work

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.skipif(
        settings.CELERY_TASK_ALWAYS_EAGER, reason="no CELERY_BROKER_URL: tasks run in-process here"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("worker-media")


@pytest.fixture(autouse=True)
def _through_the_broker(settings):
    settings.JOBS_INLINE = False  # the conftest runs jobs inline; here the worker must


def start_worker(media, **env_extra) -> subprocess.Popen:
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["DJANGO_MEDIA_ROOT"] = str(media)
    env.update(env_extra)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "qa_project",
            "worker",
            "--pool=solo",
            "--loglevel=warning",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        # The worker's log goes to a file beside the uploads, for a failing test to show.
        stdout=open(media / "worker.log", "ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_ready(process: subprocess.Popen, timeout: float = 60) -> None:
    """A task sent before the worker has declared its queue could be lost: wait for a reply to
    a ping first."""
    from qa_project.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the worker exited"
        if app.control.ping(timeout=0.5):
            return
    raise AssertionError("the worker did not answer a ping")


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def worker(media):
    """A worker for one test (another test may need the queue to itself)."""
    process = start_worker(media)
    wait_until_ready(process)
    yield process
    stop_worker(process)


def wait_for(condition, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def use_worker_media(settings, media):
    settings.MEDIA_ROOT = media


def test_import_runs_in_the_worker(worker, use_worker_media, tmp_path):
    assert connection.vendor == "postgresql"
    manager = UserFactory(username="wm", role=Role.MANAGER)
    AgentFactory(username="ana")
    path = write_xlsx(
        tmp_path / "w.xlsx",
        [
            ["Call Id", "Agent", "Start time", "Channel"],
            ["W-1", "ana", "2026-11-03 10:00", "phone"],
            ["W-2", "ana", "2026-11-03 11:00", "chat"],
        ],
    )
    job = services.import_job_create(actor=manager, upload=SimpleUploadedFile("w.xlsx", path.read_bytes()))
    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.UPLOADED)
    job.refresh_from_db()
    services.import_job_check_start(
        actor=manager, job=job, mapping=job.mapping, options={"date_order": "DMY"}
    )
    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.CHECKED), (
        ImportJob.objects.get(pk=job.pk).status
    )
    services.import_job_confirm(actor=manager, job=ImportJob.objects.get(pk=job.pk))
    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE)
    assert Interaction.objects.count() == 2
    assert not ImportJob.objects.get(pk=job.pk).file  # the upload is deleted once imported


def test_a_worker_killed_mid_check_leaves_a_job_that_can_be_restarted(
    media, use_worker_media, tmp_path, settings
):
    """A worker dies (kill -9) while checking a big file: the job is not stuck for good. Once it
    has shown no progress for JOB_STALE_SECONDS, a manager's restart hands it to a new worker,
    which takes over the claim and finishes."""
    settings.JOB_STALE_SECONDS = 3
    manager = UserFactory(username="km", role=Role.MANAGER)
    AgentFactory(username="ana")
    path = write_csv(
        tmp_path / "big.csv",
        [["Call Id", "Agent", "Start time", "Channel", "Talk time"]]
        + [[f"K-{i}", "ana", "2026-11-03 10:00", "phone", 120] for i in range(150_000)],
    )
    first = start_worker(media, JOB_STALE_SECONDS="3")
    wait_until_ready(first)
    try:
        job = services.import_job_create(
            actor=manager, upload=SimpleUploadedFile("big.csv", path.read_bytes())
        )
        assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.UPLOADED)
        job.refresh_from_db()
        services.import_job_check_start(
            actor=manager, job=job, mapping=job.mapping, options={"date_order": "DMY"}
        )
        assert wait_for(lambda: (progress_get("import", job.pk) or {}).get("done", 0) >= 4000), "no progress"
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKING and job.claimed_at is not None
    # While it might still be alive, a restart is refused; once silent, it is allowed.
    with pytest.raises(DomainError, match="still working"):
        services.import_job_restart(actor=manager, job=job)
    assert wait_for(lambda: services.import_job_is_stuck(ImportJob.objects.get(pk=job.pk)), timeout=20)
    second = start_worker(media, JOB_STALE_SECONDS="3")
    wait_until_ready(second)
    try:
        services.import_job_restart(actor=manager, job=ImportJob.objects.get(pk=job.pk))
        assert wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.CHECKED, timeout=120
        ), (
            ImportJob.objects.get(pk=job.pk).status,
            ImportJob.objects.get(pk=job.pk).message,
        )
    finally:
        stop_worker(second)
    assert ImportJob.objects.get(pk=job.pk).preview["create"] == 150_000
    assert Interaction.objects.count() == 0


def test_draw_runs_in_the_worker(worker):
    UserFactory(username="wr", role=Role.REVIEWER)
    month_of_work(AgentFactory(username="wa"), 30)
    services.sample_draw_start(actor=None, month=dt.date(2026, 11, 15))
    assert wait_for(lambda: SampleDraw.objects.filter(month=NOV, status=DrawStatus.DONE).exists())
    assert SampleDraw.objects.get(month=NOV).added == 15
