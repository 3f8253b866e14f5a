"""Importing real .xlsx and .csv files: messy formats, every bad file, all-or-nothing, upsert."""

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone

from core.exceptions import DomainError
from core.models import Role, User
from reviews import services
from reviews.imports.files import ImportFileError, open_sheet
from reviews.imports.pipeline import ImportOptions
from reviews.models import Interaction
from tests.factories import AgentFactory
from tests.reviews.spreadsheets import write_csv, write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["Call Id", "Agent", "Date", "Time", "Channel", "Topic", "Answered (Y/N)",
          "Speed of answer in seconds", "Talk time", "Hold", "Wrap-up time", "Satisfaction rating",
          "Escalated", "Region"]  # fmt: skip


@pytest.fixture
def agents(team):
    return [
        AgentFactory(username="ana", email="ana@example.com", first_name="Ana", last_name="Lopez", team=team),
        AgentFactory(username="ben", email="ben@example.com", first_name="Ben", last_name="Wang", team=team),
    ]


def run(path: Path, **options):
    """(checked, summary): the file imported as the command line does it, without asking."""
    checked, summary, _preview = services.import_file_now(
        actor=None, path=path, options=ImportOptions(mapping={}, **options)
    )
    return checked, summary


def test_messy_xlsx_imports_every_format(tmp_path, agents):
    path = write_xlsx(
        tmp_path / "export.xlsx",
        [
            HEADER,
            [
                10001,
                "ana",
                dt.date(2026, 11, 3),
                dt.time(9, 15),
                "Phone",
                "Billing",
                "Y",
                12,
                dt.time(0, 5, 30),
                "0:45",
                60,
                5,
                "no",
                "North",
            ],
            [
                "C-2",
                "Ben Wang",
                "04/11/2026",
                "22:40",
                "chat",
                "Refund",
                "yes",
                "20",
                "7:05",
                None,
                "1:00",
                None,
                "TRUE",
                None,
            ],
            [
                "C-3",
                "BEN@example.com",
                dt.date(2026, 11, 5),
                dt.time(14, 0),
                "E-mail",
                "",
                "1",
                None,
                dt.time(0, 10),
                0,
                0,
                "2",
                1,
                "South",
            ],
            [None] * len(HEADER),
            [
                "C-4",
                "ana",
                dt.date(2026, 11, 5),
                dt.time(3, 0),
                "phone",
                "Billing",
                "N",
                300,
                None,
                0,
                0,
                None,
                "0",
                None,
            ],
        ],
        formats={"D": "hh:mm", "I": "mm:ss"},
    )
    checked, summary = run(path)
    assert checked.errors == []
    assert summary.created == 4 and summary.updated == 0

    first = Interaction.objects.get(source_id="10001")
    assert first.agent.username == "ana"
    assert first.started_at == timezone.make_aware(dt.datetime(2026, 11, 3, 9, 15))
    assert (first.local_date, first.local_hour) == (dt.date(2026, 11, 3), 9)
    assert (first.channel, first.queue, first.answered) == ("phone", "Billing", True)
    assert (first.wait_seconds, first.talk_seconds, first.hold_seconds, first.acw_seconds) == (
        12,
        330,
        45,
        60,
    )
    assert first.csat == 5 and first.escalated is False
    assert first.extra == {"Region": "North"}

    second = Interaction.objects.get(source_id="C-2")
    assert second.agent.username == "ben"  # by full name
    assert second.started_at == timezone.make_aware(dt.datetime(2026, 11, 4, 22, 40))  # day first
    assert (second.talk_seconds, second.acw_seconds, second.escalated) == (425, 60, True)
    third = Interaction.objects.get(source_id="C-3")
    assert third.agent.username == "ben"  # by e-mail
    assert (third.talk_seconds, third.csat, third.escalated) == (600, 2, True)
    assert Interaction.objects.get(source_id="C-4").answered is False


def test_formula_cells_are_read_as_their_saved_values(tmp_path, agents):
    path = write_xlsx(
        tmp_path / "formulas.xlsx",
        [
            ["Call Id", "Agent", "Start Time", "Channel", "Talk minutes", "Talk time"],
            ["F-1", "ana", dt.datetime(2026, 11, 3, 10, 0), "phone", 3, "=E2*60"],
        ],
        cached={"F2": 180},
    )
    checked, summary = run(path)
    assert checked.errors == [] and summary.created == 1
    assert Interaction.objects.get(source_id="F-1").talk_seconds == 180


def test_csv_with_semicolons_and_bom(tmp_path, agents):
    path = write_csv(
        tmp_path / "export.csv",
        [
            ["Call Id", "Agent", "Start time", "Channel", "Talk time", "CSAT"],
            ["S-1", "ana", "2026-11-03 10:00", "phone", "1:30", "4"],
        ],
        delimiter=";",
        encoding="utf-8-sig",
    )
    checked, summary = run(path)
    assert checked.errors == [] and summary.created == 1
    assert Interaction.objects.get(source_id="S-1").talk_seconds == 90


def test_csv_in_gb18030_with_chinese_headers_kept_as_extra(tmp_path, agents):
    path = write_csv(
        tmp_path / "export.csv",
        [
            ["Call Id", "Agent", "Start time", "Channel", "区域"],
            ["G-1", "ana", "2026-11-03 10:00", "电话", "华东"],
        ],
        encoding="gb18030",
    )
    # Not UTF-8: refused with the line and the byte, never guessed.
    with pytest.raises(ImportFileError, match=r"is not UTF-8 text: line 1, character 34 has the byte 0xC7"):
        run(path)
    checked, summary = run(path, encoding="gb18030")
    assert checked.errors == [] and summary.created == 1
    record = Interaction.objects.get(source_id="G-1")
    assert record.channel == "phone" and record.extra == {"区域": "华东"}


def test_every_problem_is_reported_with_row_column_value_and_nothing_is_written(tmp_path, agents):
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            ["Call Id", "Agent", "Start time", "Channel", "Talk time", "CSAT", "Answered"],
            ["B-1", "ana", "2026-11-03 10:00", "phone", "1:30", 4, "Y"],
            ["B-2", "zoe", "2026-11-03 10:00", "phone", "abc", 9, "maybe"],
            ["B-1", "ana", "not a date", "fax", "1:00", 3, "Y"],
        ],
    )
    checked, summary = run(path)
    assert summary is None
    assert not Interaction.objects.exists()
    problems = {(e.row, e.column, e.value): e.message for e in checked.errors}
    assert problems[(3, "B · Agent", "zoe")] == "No agent “zoe” (checked usernames, e-mails and full names)."
    assert (
        problems[(3, "E · Talk time", "abc")] == "“abc” is not a duration (use seconds, mm:ss or hh:mm:ss)."
    )
    assert problems[(3, "F · CSAT", "9")] == "“9” is not a whole number from 1 to 5."
    assert problems[(3, "G · Answered", "maybe")].startswith("“maybe” is not yes/no")
    assert problems[(4, "A · Call Id", "B-1")] == "The same id appears in row 2."
    assert problems[(4, "C · Start time", "not a date")].startswith("“not a date” is not a date and time")
    assert problems[(4, "D · Channel", "fax")].startswith("“fax” is not a channel")
    assert checked.unknown_agents == {"zoe": [3]}


def test_unknown_agents_can_be_created_in_a_chosen_team(tmp_path, agents, team):
    path = write_csv(
        tmp_path / "new.csv",
        [
            ["Call Id", "Agent", "Start time", "Channel"],
            ["N-1", "Zoe Park", "2026-11-03 10:00", "chat"],
            ["N-2", "zoe park", "2026-11-03 11:00", "chat"],
        ],
    )
    checked, summary = run(path, create_agents_team_id=team.pk)
    assert checked.errors == [] and summary.created == 2 and summary.agents_created == 1
    zoe = User.objects.get(first_name="Zoe", last_name="Park")
    assert zoe.role == Role.AGENT and zoe.team == team and not zoe.has_usable_password()
    assert Interaction.objects.filter(agent=zoe).count() == 2


def test_reimporting_the_same_file_changes_nothing_and_edits_update(tmp_path, agents):
    rows = [
        ["Call Id", "Agent", "Start time", "Channel", "CSAT"],
        ["R-1", "ana", "2026-11-03 10:00", "phone", 3],
        ["R-2", "ben", "2026-11-03 11:00", "chat", ""],
    ]
    path = write_csv(tmp_path / "a.csv", rows)
    assert run(path)[1].created == 2
    before = list(Interaction.objects.order_by("pk").values("pk", "updated_at"))
    checked, summary = run(path)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert list(Interaction.objects.order_by("pk").values("pk", "updated_at")) == before

    rows[1][4] = 5
    rows.append(["R-3", "ana", "2026-11-04 09:00", "email", 1])
    checked, summary = run(write_csv(tmp_path / "b.csv", rows))
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 1)
    assert Interaction.objects.get(source_id="R-1").csat == 5
    assert Interaction.objects.count() == 3


def test_same_id_from_another_source_is_another_interaction(tmp_path, agents):
    path = write_csv(
        tmp_path / "a.csv",
        [["Call Id", "Agent", "Start time", "Channel"], ["X-1", "ana", "2026-11-03 10:00", "phone"]],
    )
    run(path, source="telephony")
    run(path, source="crm")
    assert Interaction.objects.filter(source_id="X-1").count() == 2


def test_a_default_channel_stands_in_for_a_missing_column(tmp_path, agents):
    path = write_csv(
        tmp_path / "calls.csv", [["Call Id", "Agent", "Start time"], ["D-1", "ana", "2026-11-03 10:00"]]
    )
    with pytest.raises(
        ImportFileError,
        match="Choose a column for Channel: --column channel=HEADER, or --default-channel phone",
    ):
        run(path)
    checked, summary = run(path, default_channel="phone")
    assert summary.created == 1


# --- bad files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "is not a spreadsheet this import can read"),
        ("data.csv", b"\x00\x01\x02binary\x00" * 50, "is not a text file"),
        (
            "secret.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000,
            "is damaged or not a real workbook",
        ),
        ("report.xls", b"<html><body><table><tr><td>1</td></tr></table>", "is a web page or XML file"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        open_sheet(path, name)


def test_damaged_workbook(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [["Call Id"], ["1"]])
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(good.read_bytes()[:400])
    with pytest.raises(ImportFileError, match="is damaged or not a real workbook"):
        open_sheet(damaged, "damaged.xlsx")


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(ImportFileError, match="is a zip archive but not a workbook"):
        open_sheet(path, "archive.xlsx")


def test_empty_file_and_empty_sheet(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFileError, match="“empty.csv” is empty."):
        open_sheet(empty, "empty.csv")
    blank = write_xlsx(tmp_path / "blank.xlsx", [])
    with pytest.raises(ImportFileError, match="has no header row"):
        open_sheet(blank, "blank.xlsx")


def test_header_that_maps_to_no_required_field(tmp_path, agents):
    path = write_csv(tmp_path / "odd.csv", [["Colour", "Size"], ["red", "L"]])
    with pytest.raises(ImportFileError) as exc:
        run(path)
    for flag in (
        "--column agent=HEADER",
        "--column started_at=HEADER",
        "--default-channel phone",
    ):
        assert flag in exc.value.message
    assert "The file's columns: Colour, Size." in exc.value.message


def test_size_and_row_limits(tmp_path, settings, agents):
    path = write_csv(
        tmp_path / "big.csv",
        [["Call Id", "Agent", "Start time", "Channel"]]
        + [[f"L-{i}", "ana", "2026-11-03 10:00", "phone"] for i in range(30)],
    )
    settings.IMPORT_MAX_ROWS = 10
    with (
        pytest.raises(ImportFileError, match=r"has 10\+ rows; one import takes at most 10"),
        open_sheet(path, "big.csv") as sheet,
    ):
        list(sheet.rows)
    settings.IMPORT_MAX_ROWS = 1000
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="the limit is"):
        open_sheet(path, "big.csv")


def test_upload_of_a_bad_file_keeps_nothing(tmp_path, manager, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(DomainError, match="is not a spreadsheet"):
        services.import_job_create(actor=manager, upload=SimpleUploadedFile("notes.docx", b"hello"))
    assert not list(tmp_path.rglob("*.docx"))


def test_rows_stored_by_another_import_meanwhile_are_updated_not_refused(agents, manager):
    """New rows are written with a plain INSERT (COPY on PostgreSQL). If another import stored
    one of them after this one compared its chunk, the chunk is written again as an upsert."""
    from reviews.imports.fields import FIELDS
    from reviews.imports.pipeline import Checked, ImportOptions, Writer, item_rows, scan

    options = ImportOptions(mapping={f.name: f.name for f in FIELDS}, source="crm")
    items = [{"source_id": f"M-{i}", "agent": "ana", "channel": "phone", "started_at": "2026-11-03T10:00:00Z",
              "talk_seconds": 100 + i} for i in range(3)]  # fmt: skip
    checked = scan(item_rows(items), options=options, columns={}, keep=True)
    writer = Writer(Checked(), options)
    assert writer.source_empty  # so no row is compared: all three go as new
    # Meanwhile another import stores M-1.
    services.interactions_import_items(actor=manager, items=[items[1] | {"talk_seconds": 5}], source="crm")
    writer(checked.records)
    assert writer.summary.created == 3
    assert Interaction.objects.filter(source="crm").count() == 3
    assert Interaction.objects.get(source="crm", source_id="M-1").talk_seconds == 101
