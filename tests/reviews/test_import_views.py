"""The import pages: upload, fix the mapping, dry run with row errors, import, re-import."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent
from reviews.models import ColumnMapping, ImportJob, ImportStatus, Interaction
from tests.factories import AgentFactory
from tests.reviews.spreadsheets import write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(team):
    return AgentFactory(username="ana", first_name="Ana", last_name="Lopez", team=team)


def xlsx_upload(tmp_path, rows, name="export.xlsx"):
    path = write_xlsx(tmp_path / name, rows)
    return SimpleUploadedFile(name, path.read_bytes())


ROWS = [
    ["Ref", "Agent", "When", "Via", "Talk time"],  # "Ref", "When" and "Via" match nothing
    ["A-1", "ana", dt.datetime(2026, 11, 3, 10, 0), "phone", "2:00"],
    ["A-2", "Ana Lopez", dt.datetime(2026, 11, 3, 11, 0), "chat", "zero"],
]


def test_manager_uploads_fixes_mapping_sees_errors_then_imports_and_reimports(
    client, as_user, tmp_path, ana, django_capture_on_commit_callbacks
):
    as_user("manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reviews:import_list"), {"file": xlsx_upload(tmp_path, ROWS)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "reviews:import_detail", kwargs={"pk": job.pk}
    )
    assert job.headers == ["Ref", "Agent", "When", "Via", "Talk time"]
    assert job.mapping == {"agent": "Agent", "talk_seconds": "Talk time"}

    page = client.get(response.url).content.decode()
    assert "Columns" in page and "needed" in page

    # The required fields are not all chosen yet: the check is refused with the missing ones named.
    post = {
        "check": "1",
        "source": "default",
        "date_order": "DMY",
        "map_agent": "Agent",
        "map_talk_seconds": "Talk time",
    }
    response = client.post(response.url, post)
    assert response.status_code == 400
    assert "Choose a column for: Interaction id, Start date and time, Channel." in response.content.decode()
    # The file stays until the import is done.
    assert job.file and (tmp_path / "media").exists()

    post |= {
        "map_source_id": "Ref",
        "map_started_at": "When",
        "map_channel": "Via",
        "save_as": "Telephony export",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:import_detail", kwargs={"pk": job.pk}), post)
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID and job.error_count == 1
    assert job.errors == [{"row": 3, "column": "E · Talk time", "field": "talk_seconds", "value": "zero",
                           "message": "“zero” is not a duration (use seconds, mm:ss or hh:mm:ss)."}]  # fmt: skip
    page = client.get(reverse("reviews:import_detail", kwargs={"pk": job.pk})).content.decode()
    assert "1 problem found: nothing was imported" in page and "E · Talk time" in page
    assert not Interaction.objects.exists()
    assert ColumnMapping.objects.get(name="Telephony export").mapping["source_id"] == "Ref"

    # Fixed file, uploaded with the saved mapping.
    fixed = [row[:] for row in ROWS]
    fixed[2][4] = "0:30"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:import_list"),
            {"file": xlsx_upload(tmp_path, fixed, "fixed.xlsx"), "mapping_name": "Telephony export"},
        )
    job = ImportJob.objects.get(original_name="fixed.xlsx")
    assert job.mapping["started_at"] == "When"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, post | {"save_as": ""})
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert (job.preview["create"], job.preview["update"], job.preview["unchanged"]) == (2, 0, 0)
    page = client.get(response.url).content.decode()
    assert "Ready to import" in page and "2026-11-03 10:00" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {"import": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.summary["created"] == 2
    assert not job.file  # deleted once imported
    assert Interaction.objects.count() == 2
    assert AuditEvent.objects.filter(action="import.done").exists()

    # The same file again: nothing duplicated, nothing changed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:import_list"),
            {"file": xlsx_upload(tmp_path, fixed, "again.xlsx"), "mapping_name": "Telephony export"},
        )
    again = ImportJob.objects.get(original_name="again.xlsx")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, post | {"save_as": ""})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {"import": "1"})
    again.refresh_from_db()
    assert again.summary == {"created": 0, "updated": 0, "unchanged": 2, "agents_created": 0}
    assert Interaction.objects.count() == 2


def test_bad_upload_shows_the_reason_and_keeps_no_job(client, as_user):
    as_user("manager")
    response = client.post(
        reverse("reviews:import_list"), {"file": SimpleUploadedFile("report.pdf", b"%PDF-1.4 ...")}
    )
    assert response.status_code == 400
    assert "“report.pdf” is not a spreadsheet this import can read" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_import_cannot_start_before_a_clean_check(client, as_user, tmp_path, ana):
    as_user("manager")
    client.post(reverse("reviews:import_list"), {"file": xlsx_upload(tmp_path, ROWS)})
    job = ImportJob.objects.get()
    response = client.post(reverse("reviews:import_detail", kwargs={"pk": job.pk}), {"import": "1"})
    assert response.status_code == 400
    assert "Only a checked import without errors can be imported." in response.content.decode()


def test_the_task_is_safe_to_run_twice(tmp_path, ana, manager, django_capture_on_commit_callbacks):
    from reviews import services

    path = write_xlsx(
        tmp_path / "t.xlsx",
        [["Call Id", "Agent", "Start time", "Channel"], ["T-1", "ana", "2026-11-03 10:00", "phone"]],
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(
            actor=manager, upload=SimpleUploadedFile("t.xlsx", path.read_bytes())
        )
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_check_start(
            actor=manager, job=job, mapping=job.mapping, options={"date_order": "DMY"}
        )
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert services.import_job_check(job.pk) is None  # a second delivery finds nothing to do
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_confirm(actor=manager, job=job)
    assert services.import_job_run(job.pk) is None
    assert Interaction.objects.count() == 1


def test_progress_fragment_polls_while_running_and_reloads_when_done(client, as_user, tmp_path, ana):
    as_user("manager")
    client.post(reverse("reviews:import_list"), {"file": xlsx_upload(tmp_path, ROWS)})
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKING, total_rows=200, processed_rows=50
    )
    response = client.get(reverse("reviews:import_progress", kwargs={"pk": job.pk}))
    body = response.content.decode()
    assert 'value="25"' in body and "50 of 200 rows" in body and 'hx-trigger="every 1s"' in body
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKED)
    response = client.get(reverse("reviews:import_progress", kwargs={"pk": job.pk}))
    assert response["HX-Refresh"] == "true"


@pytest.mark.parametrize("persona", ["reviewer", "lead", "agent"])
def test_only_managers_import(client, as_user, tmp_path, ana, persona, manager):
    from reviews import services

    path = write_xlsx(tmp_path / "t.xlsx", [["Call Id"], ["1"]])
    job = services.import_job_create(actor=manager, upload=SimpleUploadedFile("t.xlsx", path.read_bytes()))
    as_user(persona)
    assert client.get(reverse("reviews:import_list")).status_code == 403
    assert client.get(reverse("reviews:import_detail", kwargs={"pk": job.pk})).status_code == 403
    assert (
        client.post(reverse("reviews:import_detail", kwargs={"pk": job.pk}), {"import": "1"}).status_code
        == 403
    )
    assert client.get(reverse("reviews:import_progress", kwargs={"pk": job.pk})).status_code == 403


def test_wrong_methods(client, as_user):
    as_user("manager")
    assert client.put(reverse("reviews:import_list")).status_code == 405
    assert client.post(reverse("reviews:import_progress", kwargs={"pk": 1})).status_code == 405
