"""An import and a draw through a real Celery worker over Redis, against PostgreSQL.

Runs where CELERY_BROKER_URL is set (the second run of .ci/run); in-process elsewhere, so it is
skipped there with a message saying so.
"""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from core.models import Role
from reviews import services
from reviews.models import DrawStatus, ImportJob, ImportStatus, Interaction, SampleDraw
from tests.factories import AgentFactory, UserFactory
from tests.reviews.spreadsheets import write_xlsx
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


@pytest.fixture(scope="module")
def worker(media, django_db_setup, django_db_blocker):
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["DJANGO_MEDIA_ROOT"] = str(media)
    process = subprocess.Popen(
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
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


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
    services.import_job_check_start(
        actor=manager, job=job, mapping=job.mapping, options={"date_order": "DMY"}
    )
    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.CHECKED), (
        ImportJob.objects.get(pk=job.pk).status
    )
    services.import_job_confirm(actor=manager, job=ImportJob.objects.get(pk=job.pk))
    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE)
    assert Interaction.objects.count() == 2


def test_draw_runs_in_the_worker(worker):
    UserFactory(username="wr", role=Role.REVIEWER)
    month_of_work(AgentFactory(username="wa"), 30)
    services.sample_draw_start(actor=None, month=dt.date(2026, 11, 15))
    assert wait_for(lambda: SampleDraw.objects.filter(month=NOV, status=DrawStatus.DONE).exists())
    assert SampleDraw.objects.get(month=NOV).added == 15
