import datetime as dt

import pytest

from reviews.imports import fields as f


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Call Id", "source_id"),
        ("call_id", "source_id"),
        ("Agent", "agent"),
        ("Agent E-mail", "agent"),
        ("Date", "start_date"),
        ("Time", "started_at"),
        ("Start Time", "started_at"),
        ("Topic", "queue"),
        ("Answered (Y/N)", "answered"),
        ("Abandoned", "abandoned"),
        ("Speed of answer in seconds", "wait_seconds"),
        ("Speed of Answer (s)", "wait_seconds"),
        ("Satisfaction rating", "csat"),
        ("Talk time", "talk_seconds"),
        ("Talk Time (hh:mm:ss)", "talk_seconds"),
        ("Wrap-up time", "acw_seconds"),
        ("  HOLD   TIME ", "hold_seconds"),
        ("FCR", "first_contact_resolved"),
        ("Likelihood to recommend (0-10)", "nps"),
        ("Customer Effort Score", "effort"),
        ("Recording URL", "recording_url"),
        # CamelCase, snake_case and the words that only say how a figure was summed up
        ("AvgTalkTime", "talk_seconds"),
        ("Avg Talk Time (s)", "talk_seconds"),
        ("talk_time_in_seconds", "talk_seconds"),
        ("TotalTalkTimeSecs", "talk_seconds"),
        ("Mean Hold Time (mm:ss)", "hold_seconds"),
        ("ACWTime", "acw_seconds"),
        ("AfterCallWorkTime", "acw_seconds"),
        ("Total Wrap Up Time", "acw_seconds"),
        ("AHT", "handle_total"),
        ("Average Handle Time", "handle_total"),
        ("TotalHandleTimeSecs", "handle_total"),
        ("ASA", "wait_seconds"),
        ("Avg Queue Time", "wait_seconds"),
        ("Time In Queue", "wait_seconds"),
        ("First Response Time", "wait_seconds"),
        ("Abandoned Flag", "abandoned"),
        ("Is_Abandoned", "abandoned"),
        ("Issue Resolved", "resolved"),
        ("FirstCallResolution", "first_contact_resolved"),
        ("CSAT Score", "csat"),
        ("Customer Satisfaction Score", "csat"),
        ("NPS Score", "nps"),
        ("CES Score", "effort"),
        ("Skill Group", "queue"),
        ("QueueName", "queue"),
        ("Line of Business", "queue"),
        ("通话时长(秒)", "talk_seconds"),
        ("满意度", "csat"),
        ("坐席姓名", "agent"),
    ],
)
def test_headers_match_fields(header, field):
    assert f.match_headers([header]) == {field: header}


@pytest.mark.parametrize("header", ["Total Time", "Avg Duration", "Total", "Region", "Sum (s)"])
def test_vague_headers_match_nothing(header):
    """With the noise gone, "Total Time" would read as the start time: such headers stay
    unmapped (and are listed as such in the preview) rather than be guessed."""
    assert f.match_headers([header]) == {}


@pytest.mark.parametrize(
    ("header", "unit"),
    [("Talk (min)", 60), ("talk_minutes", 60), ("talk_ms", 0.001), ("Hold (hrs)", 3600),
     ("Talk time", 1), ("Talk (mm:ss)", 1), ("Talk (hh:mm:ss)", 1)],
)  # fmt: skip
def test_the_header_says_the_unit_of_plain_numbers(header, unit):
    assert f.duration_unit(header) == unit
    assert f.parse_duration(3, f.duration_unit(header)) == round(3 * unit)


def test_unknown_headers_are_left_for_extra_data_and_first_match_wins():
    assert f.match_headers(["Region", "Call Id", "Ticket ID"]) == {"source_id": "Call Id"}


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (125, 125),
        (125.4, 125),
        ("125", 125),
        ("2:05", 125),
        ("02:05", 125),
        ("1:02:05", 3725),
        (dt.time(0, 2, 5), 125),
        (dt.timedelta(hours=25), 90000),
        ("", None),
        (None, None),
    ],
)
def test_durations(value, seconds):
    assert f.parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["abc", "2:75", "-5", True, "9999999"])
def test_bad_durations(value):
    with pytest.raises(f.ValueProblem):
        f.parse_duration(value)


@pytest.mark.parametrize(
    ("value", "result"),
    [("Y", True), ("n", False), ("Yes", True), ("no", False), ("TRUE", True), ("false", False),
     (1, True), (0, False), ("1", True), ("0", False), (True, True), ("", None), (None, None)],
)  # fmt: skip
def test_booleans(value, result):
    assert f.parse_bool(value) is result


def test_bad_boolean_names_the_accepted_forms():
    with pytest.raises(f.ValueProblem, match="use Y/N, yes/no, true/false or 1/0"):
        f.parse_bool("maybe")


@pytest.mark.parametrize(
    ("value", "order", "result"),
    [
        ("2026-11-03 14:05", "DMY", dt.datetime(2026, 11, 3, 14, 5)),
        ("2026-11-03T14:05:09", "DMY", dt.datetime(2026, 11, 3, 14, 5, 9)),
        ("2026/11/03", "DMY", dt.date(2026, 11, 3)),
        ("03/11/2026 14:05", "DMY", dt.datetime(2026, 11, 3, 14, 5)),
        ("11/03/2026 2:05 PM", "MDY", dt.datetime(2026, 11, 3, 14, 5)),
        ("3.11.26", "DMY", dt.date(2026, 11, 3)),
        ("14:05", "DMY", dt.time(14, 5)),
        (46329.5, "DMY", dt.datetime(2026, 11, 3, 12, 0)),
        (dt.datetime(2026, 1, 2, 3, 4), "DMY", dt.datetime(2026, 1, 2, 3, 4)),
    ],
)
def test_datetimes(value, order, result):
    assert f.parse_datetime(value, date_order=order) == result


def test_aware_iso_datetime_keeps_its_offset():
    value = f.parse_datetime("2026-11-03T14:05:00+08:00")
    assert value.utcoffset() == dt.timedelta(hours=8)


@pytest.mark.parametrize("value", ["yesterday", "31/02/2026", "2026-13-01 10:00", "25:00"])
def test_bad_datetimes(value):
    with pytest.raises(f.ValueProblem, match="is not a date and time"):
        f.parse_datetime(value)


@pytest.mark.parametrize(
    ("value", "channel"),
    [
        ("Phone", "phone"),
        ("Inbound call", "phone"),
        ("E-mail", "email"),
        ("Live Chat", "chat"),
        ("WeChat", "social"),
    ],
)
def test_channels(value, channel):
    assert f.parse_channel(value) == channel


def test_scale_values():
    assert f.parse_int_scale("4", 1, 5) == 4
    assert f.parse_int_scale(4.0, 1, 5) == 4
    for bad in ("6", "4.5", "x", 0):
        with pytest.raises(f.ValueProblem, match="whole number from 1 to 5"):
            f.parse_int_scale(bad, 1, 5)


def test_ids_typed_as_numbers_lose_the_float():
    assert f.clean_text(10234.0) == "10234"


def test_the_documented_header_table_is_the_one_in_the_code():
    """docs/importing.md lists every field's synonyms; it must not drift from fields.py."""
    from pathlib import Path

    from reviews.imports.fields import FIELDS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "importing.md").read_text()
    for field in FIELDS:
        assert f"| {field.label} (`{field.name}`) | {', '.join(field.synonyms)} |" in doc, field.name
