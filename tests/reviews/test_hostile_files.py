"""Every file of the hostile corpus through the web import as a manager would take it: the
person is told what is wrong and where, no row is written, no job is left running, no 500.
And a property: the check of any CSV cell values returns rows or row errors, never raises."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from reviews.imports.pipeline import ImportOptions, check_only
from reviews.models import ImportJob, ImportStatus, Interaction
from tests.factories import AgentFactory
from tests.reviews.hostile import CASES, HEADER

pytestmark = pytest.mark.django_db

CHECK = {
    "check": "1",
    "source": "default",
    "date_order": "DMY",
    "default_channel": "phone",
    "map_source_id": "Call Id",
    "map_agent": "Agent",
    "map_started_at": "Start time",
    "map_channel": "Channel",
}


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 25
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file(case, client, as_user, tmp_path, team, settings, django_capture_on_commit_callbacks):
    AgentFactory(username="ana", first_name="Ana", last_name="Lopez", team=team)
    for name, value in case.settings.items():
        setattr(settings, name, value)
    path = case.make(tmp_path / case.name)
    as_user("manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:import_list"), {"file": SimpleUploadedFile(case.name, path.read_bytes())}
        )
    if case.at_upload:
        assert response.status_code == 400
        assert re.search(case.message, response.content.decode()), response.content.decode()[:3000]
        assert not ImportJob.objects.exists()
        return
    assert response.status_code == 302
    job = ImportJob.objects.get()
    url = reverse("reviews:import_detail", kwargs={"pk": job.pk})
    job.refresh_from_db()
    if job.status == ImportStatus.UPLOADED:
        mapping = {f"map_{f}": h for f, h in job.mapping.items()} | CHECK
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, mapping)
        assert response.status_code in (302, 400), response.status_code
        job.refresh_from_db()
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert not job.is_running, job.status
    if case.rows is not None:
        assert job.status == ImportStatus.CHECKED, (job.message, job.errors[:3])
        assert job.total_rows == case.rows
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"import": "1"})
        job.refresh_from_db()
        assert job.status == ImportStatus.DONE and Interaction.objects.count() == case.rows
        return
    assert job.status in (ImportStatus.FAILED, ImportStatus.INVALID), job.status
    told = job.message + " ".join(e["message"] for e in job.errors)
    assert re.search(case.message, told), told
    assert re.search(case.message, text.replace("&quot;", '"').replace("&#x27;", "'")), "not on the page"
    assert Interaction.objects.count() == 0


def test_a_failed_read_can_be_read_again_in_the_chosen_encoding(
    client, as_user, tmp_path, team, django_capture_on_commit_callbacks
):
    AgentFactory(username="ana", team=team)
    data = "Call Id,Agent,Start time,Channel,Region\nW-1,ana,2026-11-03 10:00,phone,Málaga\n".encode("cp1252")
    as_user("manager")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:import_list"), {"file": SimpleUploadedFile("w.csv", data)})
    job = ImportJob.objects.get()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "is not UTF-8 text" in job.message
    url = reverse("reviews:import_detail", kwargs={"pk": job.pk})
    assert "The file&#x27;s encoding" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reread": "1", "encoding": "cp1252"})
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED and job.headers[-1] == "Region"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, CHECK)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"import": "1"})
    assert Interaction.objects.get().extra == {"Region": "Málaga"}


CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["NaN", "nan", "inf", "-inf", "sNaN", "1e400", "-0", "0001-01-01", "9999-12-31 23:59", "\x00",
                     "12:99", "99:99:99", "31/02/2026 10:00", "2026-13-01", "", " ", "yes", "N", "１２"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)  # fmt: skip
FIELD_NAMES = [
    "source_id", "agent", "channel", "queue", "started_at", "start_date", "answered", "abandoned", "wait_seconds",
    "talk_seconds", "hold_seconds", "acw_seconds", "handle_total", "resolved", "first_contact_resolved",
    "escalated", "repeat_contact", "csat", "nps", "effort", "customer_ref", "transcript", "recording_url", "tags",
]  # fmt: skip


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries({name: CELL for name in FIELD_NAMES}), min_size=1, max_size=5))
def test_the_check_never_raises_on_any_cell_values(rows, team):
    options = ImportOptions(mapping={n: n for n in FIELD_NAMES}, default_channel="phone")
    checked = check_only(
        ((i + 2, row, {"Extra": row["queue"]}) for i, row in enumerate(rows)), options=options, columns={}
    )
    assert checked.rows_read == len(rows)
    assert checked.valid_rows + len({e.row for e in checked.errors}) == len(rows)
    for error in checked.errors:
        assert error.message and "could not be read" not in error.message, error


def test_title_rows_above_the_header_and_an_offset_grid(tmp_path, team):
    """Exports often put a title above the header, and some start in column B: the header is
    the row that names fields, and rows and columns in messages are the spreadsheet's."""
    from reviews.imports.files import open_sheet
    from reviews.imports.pipeline import sheet_rows
    from tests.reviews.spreadsheets import write_xlsx

    AgentFactory(username="ana", team=team)
    rows = [
        ["Calls, November"],
        [],
        [None, *HEADER],
        [None, "T-1", "ana", "2026-11-03 10:00", "phone", "two"],
    ]
    path = write_xlsx(tmp_path / "title.xlsx", rows)
    with open_sheet(path, "title.xlsx") as sheet:
        assert sheet.headers == ["Column A", *HEADER] and sheet.header_row == 3
        mapping = {"source_id": "Call Id", "agent": "Agent", "started_at": "Start time", "channel": "Channel",
                   "talk_seconds": "Talk time"}  # fmt: skip
        rows_, columns = sheet_rows(sheet, mapping)
        checked = check_only(rows_, options=ImportOptions(mapping=mapping), columns=columns)
    assert [(e.row, e.column) for e in checked.errors] == [(4, "F · Talk time")]


HOSTILE_ITEMS = [
    ({"extra": 5}, "source_id"),
    ({"extra": [1, 2]}, "source_id"),
    ({"source_id": "NaN-1", "agent": "ana", "channel": "phone", "started_at": "2026-11-03T10:00:00Z", "talk_seconds": "NaN"}, "talk_seconds"),
    ({"source_id": "I-1", "agent": "ana", "channel": "phone", "started_at": "2026-11-03T10:00:00Z", "csat": 1e308}, "csat"),
    ({"source_id": "Y-1", "agent": "ana", "channel": "phone", "started_at": "0001-01-01T00:00:00+14:00"}, "started_at"),
    ({"source_id": "Y-2", "agent": "ana", "channel": "phone", "started_at": "9999-12-31T23:59:59-12:00"}, "started_at"),
    ({"source_id": "L-1", "agent": "ana", "channel": "phone", "started_at": "2026-11-03T10:00:00Z", "queue": "q" * 101}, "queue"),
    ({"source_id": "N-1", "agent": "ana", "channel": "phone", "started_at": "2026-11-03T10:00:00Z", "queue": "a\x00b"}, "queue"),
    ({"source_id": "S-1", "agent": "ana", "channel": "phone", "started_at": "2026-11-03T10:00:00Z", "customer_ref": {"a": 1}}, "customer_ref"),
    ({"source_id": ["x"], "agent": "ana", "channel": "phone", "started_at": "2026-11-03T10:00:00Z"}, "source_id"),
    ({"source_id": "E-1", "agent": "ana", "channel": "phone", "started_at": "2026-11-03T10:00:00Z", "extra": {"k": "v\x00"}}, "k"),
    ({"source_id": "T-1", "agent": "ana", "channel": "phone", "started_at": "2026-11-03T10:00:00Z", "tags": ["t" * 101]}, "tags"),
    ({"source_id": "B-1", "agent": True, "channel": "phone", "started_at": "2026-11-03T10:00:00Z"}, "agent"),
]  # fmt: skip


@pytest.mark.parametrize(("item", "field"), HOSTILE_ITEMS, ids=[str(i) for i in range(len(HOSTILE_ITEMS))])
def test_the_api_answers_400_naming_the_field_never_500(item, field, team, manager):
    from rest_framework.test import APIClient

    AgentFactory(username="ana", team=team)
    api = APIClient()
    api.force_authenticate(manager)
    response = api.post("/api/interactions/import/", {"interactions": [item]}, format="json")
    assert response.status_code == 400, response.content
    assert field in {e["field"] for e in response.data["errors"]}, response.data
    assert Interaction.objects.count() == 0


def test_the_api_refuses_items_that_are_not_objects_and_too_many(team, manager):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(manager)
    response = api.post("/api/interactions/import/", {"interactions": [5, "x"]}, format="json")
    assert response.status_code == 400
    response = api.post("/api/interactions/import/", {"interactions": [{}] * 10_001}, format="json")
    assert response.status_code == 400
    assert Interaction.objects.count() == 0
