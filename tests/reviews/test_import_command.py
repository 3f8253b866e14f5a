"""manage.py import_interactions: every format, the dry run's preview and warnings, choosing
columns and agents by flag, and confirming changes to interactions already imported."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.models import AuditAction, AuditEvent, Team, User
from reviews.models import ColumnMapping, Interaction
from tests.factories import AgentFactory
from tests.reviews.spreadsheets import write_csv, write_ods, write_xls, write_xlsx

pytestmark = pytest.mark.django_db

ROWS = [
    ["Call Id", "Agent", "Start time", "Media", "AvgTalkTime", "Hold (s)", "Wrap-up", "CSAT Score", "Region"],
    ["K-1", "ana", "2026-11-03 10:00", "phone", 300, 10, 30, 5, "North"],
    ["K-2", "ana", "2026-11-03 11:00", "chat", 200, 0, 20, 4, "South"],
]


@pytest.fixture
def ana(team):
    return AgentFactory(username="ana", first_name="Ana", last_name="Lopez", team=team)


def command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_interactions", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "writer", [write_xlsx, write_xls, write_ods, write_csv], ids=["xlsx", "xls", "ods", "csv"]
)
def test_every_format_imports_with_camel_case_and_noisy_headers(tmp_path, ana, writer):
    suffix = {"write_xlsx": "xlsx", "write_xls": "xls", "write_ods": "ods", "write_csv": "csv"}[
        writer.__name__
    ]
    path = writer(tmp_path / f"export.{suffix}", ROWS)
    out, _err = command(path)
    assert "2 created, 0 updated, 0 unchanged, 0 agents created" in out
    first = Interaction.objects.get(source_id="K-1")
    assert (first.talk_seconds, first.hold_seconds, first.acw_seconds, first.csat) == (300, 10, 30, 5)
    assert first.started_at == dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC)
    assert first.extra == {"Region": "North"}


def test_dry_run_shows_the_profile_and_writes_nothing(tmp_path, ana):
    out, _err = command(write_csv(tmp_path / "a.csv", ROWS), "--dry-run")
    assert "2 rows: 2 new, 0 changed, 0 unchanged." in out
    assert (
        "Talk time                 AvgTalkTime                    2       0       0  200 / 200 / 300" in out
    )
    assert "Columns not imported as a field (kept as further data): Region" in out
    assert "no problems (dry run: nothing written)" in out
    assert not Interaction.objects.exists()


def test_a_wrong_mapping_is_named_before_anything_is_written(tmp_path, ana):
    rows = [r[:] for r in ROWS]
    for row in rows[1:]:
        row[4:7] = [0, 0, 0]
    out, _err = command(write_csv(tmp_path / "zero.csv", rows), "--dry-run")
    assert (
        "Warning: Handle time is under the sampling minimum of 30 s on 2 of 2 rows: no interaction will be "
        "eligible for sampling." in out
    )
    assert "Warning: Talk time (column “AvgTalkTime”) is empty or 0 on 2 of 2 rows" in out


def test_columns_are_chosen_by_flag_and_a_missing_one_names_the_flag(tmp_path, ana):
    rows = [["Ref", "Who", "When", "Minutes talked (min)"], ["M-1", "ana", "2026-11-03 10:00", 4]]
    path = write_csv(tmp_path / "odd.csv", rows)
    with pytest.raises(CommandError) as exc:
        command(path, "--column", "source_id=Ref", "--column", "agent=who", "--column", "started_at=When")
    assert "Choose a column for Channel: --column channel=HEADER, or --default-channel phone." in str(
        exc.value
    )
    with pytest.raises(CommandError, match="--column agent=Nobody: the file has no such column"):
        command(path, "--column", "agent=Nobody")
    with pytest.raises(CommandError, match="“colour” is not a field"):
        command(path, "--column", "colour=Ref")
    out, _err = command(
        path, "--column", "source_id=Ref", "--column", "agent=who", "--column", "started_at=When",
        "--column", "talk_seconds=Minutes talked (min)", "--default-channel", "phone",
    )  # fmt: skip
    assert "1 created" in out
    assert Interaction.objects.get(source_id="M-1").talk_seconds == 240  # the header says minutes


def test_unknown_agents_by_flag_mapped_or_created(tmp_path, ana, team):
    rows = [r[:] for r in ROWS]
    rows[1][1] = "A. Lopez"
    rows[2][1] = "Zoe Park"
    path = write_csv(tmp_path / "new.csv", rows)
    with pytest.raises(CommandError, match="2 problems in new.csv: nothing was imported."):
        command(path)
    with pytest.raises(CommandError, match="no agent has the username “nobody”"):
        command(path, "--agent", "A. Lopez=nobody")
    out, _err = command(path, "--agent", "A. Lopez=ana", "--create-agents-in-team", team.name)
    assert "2 created, 0 updated, 0 unchanged, 1 agents created." in out
    assert Interaction.objects.get(source_id="K-1").agent == ana
    zoe = User.objects.get(first_name="Zoe", last_name="Park")
    assert zoe.team == team and Interaction.objects.get(source_id="K-2").agent == zoe
    event = AuditEvent.objects.get(action=AuditAction.USER_CREATED_BY_IMPORT)
    assert "Zoe Park" in event.summary and event.target_id == zoe.pk


def test_a_reimport_that_changes_rows_needs_yes(tmp_path, ana):
    command(write_csv(tmp_path / "a.csv", ROWS))
    changed = [r[:] for r in ROWS]
    changed[1][4] = 0
    path = write_csv(tmp_path / "b.csv", changed)
    with pytest.raises(
        CommandError, match="1 of the interactions already imported would change: run again with --yes"
    ):
        command(path)
    assert Interaction.objects.get(source_id="K-1").talk_seconds == 300
    out, _err = command(path, "--yes")
    assert "0 created, 1 updated, 1 unchanged" in out
    assert Interaction.objects.get(source_id="K-1").talk_seconds == 0


def test_the_preview_of_a_reimport_shows_before_and_after(tmp_path, ana):
    command(write_csv(tmp_path / "a.csv", ROWS))
    changed = [r[:] for r in ROWS]
    changed[1][4] = 0
    out, _err = command(write_csv(tmp_path / "b.csv", changed), "--dry-run")
    assert "2 rows: 0 new, 1 changed, 1 unchanged." in out
    assert "Talk time changes on 1 interaction, e.g. K-1: 300 → 0" in out


def test_encoding_by_flag(tmp_path, ana):
    rows = [r[:] for r in ROWS]
    rows[1][8] = "Málaga"
    path = write_csv(tmp_path / "w.csv", rows, encoding="cp1252")
    with pytest.raises(CommandError, match="is not UTF-8 text: line 2, character 45 has the byte 0xE1"):
        command(path)
    command(path, "--encoding", "cp1252")
    assert Interaction.objects.get(source_id="K-1").extra == {"Region": "Málaga"}


def test_a_saved_mapping_and_its_agent_choices(tmp_path, ana):
    ColumnMapping.objects.create(
        name="Telephony",
        mapping={"source_id": "Ref", "agent": "Who", "started_at": "When"},
        options={"default_channel": "chat", "agents": {"a. lopez": {"user": ana.pk}}},
    )
    path = write_csv(tmp_path / "t.csv", [["Ref", "Who", "When"], ["T-1", "A. Lopez", "2026-11-03 10:00"]])
    with pytest.raises(CommandError, match="No column mapping named “Nope” \\(saved: Telephony\\)"):
        command(path, "--mapping", "Nope")
    out, _err = command(path, "--mapping", "Telephony")
    assert "1 created" in out
    record = Interaction.objects.get(source_id="T-1")
    assert record.agent == ana and record.channel == "chat"


def test_missing_file_and_unknown_team(tmp_path, ana):
    with pytest.raises(CommandError, match="no such file"):
        command(tmp_path / "nothing.csv")
    with pytest.raises(CommandError, match="No team named “Nowhere”"):
        command(write_csv(tmp_path / "a.csv", ROWS), "--create-agents-in-team", "Nowhere")


def test_a_dry_run_shows_the_preview_then_each_unknown_agent_once_with_its_flag(tmp_path, ana):
    """Issue 17 §5: not one error per row for an unknown agent, and the preview comes first."""
    rows = [ROWS[0]] + [[f"K-{i}", "Zoe Park" if i % 3 else "Max Li", f"2026-11-0{1 + i % 9} 10:00", "phone",
                         300, 0, 0, 5, "North"] for i in range(1, 10)]  # fmt: skip
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="9 problems in u.csv"):
        call_command(
            "import_interactions",
            str(write_csv(tmp_path / "u.csv", rows)),
            "--dry-run",
            stdout=out,
            stderr=err,
        )
    assert "9 rows: 0 new, 0 changed, 0 unchanged." in out.getvalue()  # the preview first
    lines = err.getvalue().splitlines()
    assert not any(line.startswith("row ") for line in lines)  # no error per row for them
    assert '  “Zoe Park”: 6 rows · --agent "Zoe Park=USERNAME"' in lines
    assert '  “Max Li”: 3 rows · --agent "Max Li=USERNAME"' in lines
    assert any("--create-team NEW_TEAM" in line for line in lines)


def test_a_team_is_created_from_the_command_and_a_dry_run_leaves_none(tmp_path, ana):
    rows = [r[:] for r in ROWS]
    rows[2][1] = "Zoe Park"
    path = write_csv(tmp_path / "n.csv", rows)
    with pytest.raises(
        CommandError, match=r"No team named “Night shift” \(teams: “Team A”\)\. Create it with --create-team"
    ):
        command(path, "--create-agents-in-team", "Night shift")
    out, _err = command(path, "--create-team", "Night shift", "--dry-run")
    assert "New agents: Zoe Park" in out and not Team.objects.filter(name="Night shift").exists()
    out, _err = command(path, "--create-team", "Night shift")
    assert "Team “Night shift” created." in out and "1 agents created" in out
    team = Team.objects.get(name="Night shift")
    assert User.objects.get(first_name="Zoe").team == team
    assert AuditEvent.objects.filter(action=AuditAction.TEAM_CREATED, target_id=team.pk).exists()


def test_verbose_progress_prints_whole_lines(tmp_path, ana):
    err = StringIO()
    call_command(
        "import_interactions",
        str(write_csv(tmp_path / "a.csv", ROWS)),
        "-v",
        "2",
        stdout=StringIO(),
        stderr=err,
    )
    assert "\r" not in err.getvalue() and "  2 / " in err.getvalue()


QUEUEING = [  # as a public queueing data set writes it: no id, YYMMDD dates, the time apart
    ["date", "ser_start", "ser_time", "q_time", "server"],
    ["990101", "7:10:29", 184, 12, "ana"],
    ["990101", "7:15:02", 95, 0, "ana"],
    ["991231", "23:59:59", 60, 31, "ana"],
]


def test_an_archive_without_ids_with_compact_dates_and_queueing_headers_imports(tmp_path, ana):
    path = write_csv(tmp_path / "bank.csv", QUEUEING)
    out, _err = command(path, "--default-channel", "phone", "--dry-run")
    assert "No id column is chosen" in out
    out, _err = command(path, "--default-channel", "phone")
    assert "3 created" in out
    first = Interaction.objects.order_by("started_at").first()
    assert first.started_at == dt.datetime(1999, 1, 1, 7, 10, 29, tzinfo=dt.UTC)
    assert (first.talk_seconds, first.wait_seconds, first.agent) == (184, 12, ana)
    assert first.source_id.startswith("auto-")
    out, _err = command(path, "--default-channel", "phone")  # the same ids again: nothing doubles
    assert "0 created, 0 updated, 3 unchanged" in out and Interaction.objects.count() == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [("20261103", dt.date(2026, 11, 3)), ("261103", dt.date(2026, 11, 3)), ("990101", dt.date(1999, 1, 1)),
     (20261103, dt.date(2026, 11, 3)), (990101, dt.date(1999, 1, 1)),
     ("20261103 1405", dt.datetime(2026, 11, 3, 14, 5)), ("20261103T140530", dt.datetime(2026, 11, 3, 14, 5, 30)),
     ("03/11/98", dt.date(1998, 11, 3)), ("03/11/26", dt.date(2026, 11, 3))],
)  # fmt: skip
def test_compact_dates_and_two_digit_years(value, expected):
    from reviews.imports.fields import parse_datetime

    assert parse_datetime(value) == expected


def test_a_date_error_names_the_date_column_not_the_time_column(tmp_path, ana, settings):
    rows = [r[:] for r in QUEUEING]
    rows[2][0] = "18500101"
    with pytest.raises(CommandError):
        command(write_csv(tmp_path / "old.csv", rows), "--default-channel", "phone")
    settings.DATA_FIRST_YEAR = 1800  # archives: the accepted range is a setting
    out, _err = command(write_csv(tmp_path / "old.csv", rows), "--default-channel", "phone")
    assert "3 created" in out


def test_the_error_names_the_column_holding_the_bad_date(tmp_path, ana):
    rows = [r[:] for r in QUEUEING]
    rows[2][0] = "18500101"
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_interactions", str(write_csv(tmp_path / "old.csv", rows)), "--default-channel", "phone",
                     stdout=StringIO(), stderr=err)  # fmt: skip
    assert "row 3, column A · date: “18500101” The year 1850 is outside 1900–2199" in err.getvalue()


def test_the_command_speaks_the_installations_language(tmp_path, ana, settings):
    """A command has no person: it speaks DJANGO_LANGUAGE_CODE (settings.LANGUAGE_CODE)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"
    translation.deactivate()  # nothing active: as `manage.py import_interactions` runs
    try:
        out, _err = command(write_csv(tmp_path / "a.csv", ROWS), "--dry-run")
        with pytest.raises(CommandError) as refused:
            command(write_csv(tmp_path / "b.csv", [["Call Id", "Agent"], ["K-9", "ana"]]))
    finally:
        translation.activate("en")
    assert "2 rows: 2 new" not in out and "Columns not imported" not in out
    assert "通话时长" in out and "Region" in out, (
        out
    )  # the field's name in Chinese, the file's header as it is
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(refused.value)), refused.value
