"""The import pages: upload, fix the mapping, dry run with row errors, import, re-import."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditAction, AuditEvent
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
    assert "Choose a column for: Start date and time, Channel." in response.content.decode()
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
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT_DONE).exists()

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


def upload(client, tmp_path, rows, name, capture, **extra):
    with capture(execute=True):
        response = client.post(
            reverse("reviews:import_list"), {"file": xlsx_upload(tmp_path, rows, name), **extra}
        )
    return ImportJob.objects.get(original_name=name), response


CHECK = {"check": "1", "source": "default", "date_order": "DMY", "map_source_id": "Call Id", "map_agent": "Agent",
         "map_started_at": "Start time", "map_channel": "Channel", "map_talk_seconds": "Talk time"}  # fmt: skip
AGENT_ROWS = [
    ["Call Id", "Agent", "Start time", "Channel", "Talk time"],
    ["U-1", "A. Lopez", "2026-11-03 10:00", "phone", 120],
    ["U-2", "Zoe Park", "2026-11-03 11:00", "chat", 200],
    ["U-3", "zoe  park", "2026-11-04 11:00", "chat", 300],
]


def test_unknown_agents_are_mapped_or_created_per_name_and_the_choice_is_saved(
    client, as_user, tmp_path, ana, team, django_capture_on_commit_callbacks
):
    from core.models import User

    as_user("manager")
    job, response = upload(client, tmp_path, AGENT_ROWS, "agents.xlsx", django_capture_on_commit_callbacks)
    url = response.url
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, CHECK)
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID and set(job.unknown_agents) == {"A. Lopez", "Zoe Park"}
    page = client.get(url).content.decode()
    assert "Agents nobody here is called" in page
    assert f'<option value="team:{team.pk}">New agent in {team.name}</option>' in page
    assert f'<option value="user:{ana.pk}">' in page

    names = list(job.unknown_agents)
    choice = {names.index("A. Lopez"): f"user:{ana.pk}", names.index("Zoe Park"): f"team:{team.pk}"}
    post = CHECK | {f"agent_{i}": v for i, v in choice.items()} | {"save_as": "Telephony"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, post)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.errors
    assert job.preview["agents_to_create"] == ["Zoe Park"]
    page = client.get(url).content.decode()
    assert f'<option value="user:{ana.pk}" selected>' in page  # the choice is shown again
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"import": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.summary["agents_created"] == 1
    zoe = User.objects.get(first_name="Zoe", last_name="Park")
    assert zoe.team == team and zoe.username == "zoe-park"
    assert Interaction.objects.get(source_id="U-1").agent == ana
    assert Interaction.objects.filter(agent=zoe).count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.USER_CREATED_BY_IMPORT, target_id=zoe.pk).exists()
    saved = ColumnMapping.objects.get(name="Telephony")
    assert saved.options["agents"]["a. lopez"] == {"user": ana.pk}


def test_the_preview_shows_the_profile_warnings_and_unmapped_columns(
    client, as_user, tmp_path, ana, django_capture_on_commit_callbacks
):
    rows = [["Call Id", "Agent", "Start time", "Channel", "Talk time", "Region"]] + [
        [f"P-{i}", "ana", "2026-11-03 10:00", "phone", 0, "North"] for i in range(20)
    ]
    as_user("manager")
    job, response = upload(client, tmp_path, rows, "zero.xlsx", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, CHECK)
    page = client.get(response.url).content.decode().replace("&quot;", '"')
    assert "things look wrong" in page
    assert (
        "Handle time is under the sampling minimum of 30 s on 20 of 20 rows: no interaction will be eligible for sampling"
        in page
    )
    assert "Talk time (column “Talk time”) is empty or 0 on 20 of 20 rows" in page
    assert "What each column holds, over 20 rows" in page and "Region" in page


def test_a_reimport_that_changes_rows_needs_the_tick(
    client, as_user, tmp_path, ana, django_capture_on_commit_callbacks
):
    rows = [
        ["Call Id", "Agent", "Start time", "Channel", "Talk time"],
        ["C-1", "ana", "2026-11-03 10:00", "phone", 120],
    ]
    as_user("manager")
    job, response = upload(client, tmp_path, rows, "one.xlsx", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, CHECK)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {"import": "1"})
    rows[1][4] = 0
    job, response = upload(client, tmp_path, rows, "two.xlsx", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, CHECK)
    page = client.get(response.url).content.decode()
    assert "C-1: 120 → 0" in page and 'name="confirm_updates"' in page
    refused = client.post(response.url, {"import": "1"})
    assert refused.status_code == 400
    assert "Interactions already imported will change (1)" in refused.content.decode()
    assert Interaction.objects.get(source_id="C-1").talk_seconds == 120
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {"import": "1", "confirm_updates": "1"})
    assert Interaction.objects.get(source_id="C-1").talk_seconds == 0


def test_cancel_deletes_the_file_and_purge_removes_abandoned_ones(
    client, as_user, tmp_path, ana, django_capture_on_commit_callbacks, settings
):
    import datetime as dt
    from pathlib import Path

    from django.utils import timezone

    from reviews.tasks import import_files_purge

    as_user("manager")
    job, response = upload(client, tmp_path, ROWS, "cancel.xlsx", django_capture_on_commit_callbacks)
    path = Path(job.file.path)
    assert path.exists()
    response = client.post(response.url, {"cancel": "1"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and not job.file and not path.exists()
    assert (
        client.post(reverse("reviews:import_detail", kwargs={"pk": job.pk}), {"cancel": "1"}).status_code
        == 400
    )

    old, _response = upload(client, tmp_path, ROWS, "old.xlsx", django_capture_on_commit_callbacks)
    fresh, _response = upload(client, tmp_path, ROWS, "fresh.xlsx", django_capture_on_commit_callbacks)
    old_path = Path(old.file.path)
    ImportJob.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=8))
    settings.IMPORT_FILE_RETENTION_DAYS = 7
    assert import_files_purge.apply().get() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == ImportStatus.CANCELLED and not old_path.exists() and "after 7 days" in old.message
    assert fresh.file and Path(fresh.file.path).exists()


def test_a_silent_job_offers_a_restart_and_a_live_one_refuses_it(
    client, as_user, tmp_path, ana, django_capture_on_commit_callbacks, settings
):
    import datetime as dt

    from django.utils import timezone

    from core.jobs import heartbeat

    as_user("manager")
    job, response = upload(client, tmp_path, ROWS, "stuck.xlsx", django_capture_on_commit_callbacks)
    settings.JOB_STALE_SECONDS = 60
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKING, claimed_at=timezone.now() - dt.timedelta(seconds=61)
    )
    heartbeat("import", job.pk)  # still alive: no restart
    fragment = client.get(reverse("reviews:import_progress", kwargs={"pk": job.pk})).content.decode()
    assert "Restart it" not in fragment
    assert client.post(response.url, {"restart": "1"}).status_code == 400
    from core.jobs import progress_clear

    progress_clear("import", job.pk)  # silent since it was claimed, 61 s ago
    fragment = client.get(reverse("reviews:import_progress", kwargs={"pk": job.pk})).content.decode()
    assert "has shown no progress for several minutes" in fragment and "Restart it" in fragment
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {"restart": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID and job.claimed_at is None  # the check ran again
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT_RESTARTED).exists()
