"""Checking: every row through its fields' parsers, agents found or chosen, problems named by
row, column and field; the stable id of a file without an id column."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role, User

from ..models import local_parts, sample_key
from . import fields
from .results import CHUNK, MAX_EXTRA_CHARS, PRESENT, Checked, FieldProfile, ImportOptions, Progress, RowError

logger = logging.getLogger(__name__)


class AgentDirectory:
    """Finds agents by username, e-mail or full name, case and spacing ignored."""

    def __init__(self):
        self.by_key: dict[str, int | None] = {}  # None: more than one agent has that name
        for pk, username, email, first, last in User.objects.filter(role=Role.AGENT).values_list(
            "pk", "username", "email", "first_name", "last_name"
        ):
            self.add(pk, username, email, f"{first} {last}")

    def add(self, pk: int, *names: str) -> None:
        for key in {self.key(n) for n in names}:
            if key:
                self.by_key[key] = pk if self.by_key.get(key, pk) == pk else None

    @staticmethod
    def key(text) -> str:
        return " ".join(str(text or "").lower().split())

    def find(self, name) -> int | None:
        """The agent's id; KeyError if unknown, None if the name is ambiguous."""
        return self.by_key[self.key(name)]


def _json_safe(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else None
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity; PostgreSQL refuses them
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


MISS = object()
NUMBERS = (int, float, bool)
WEEK = 7 * 24 * 3600


def _fast_duration(value, unit):
    """The common cells (a whole number of seconds in range) without the full parser; MISS
    sends anything else to it."""
    if type(value) is int or (type(value) is float and value.is_integer()):
        seconds = value * unit
        if 0 <= seconds <= WEEK:
            return round(seconds)
    return MISS


_BOOLS = {
    **{w: True for w in fields.TRUE_WORDS}, **{w.upper(): True for w in fields.TRUE_WORDS},
    **{w.title(): True for w in fields.TRUE_WORDS}, **{w: False for w in fields.FALSE_WORDS},
    **{w.upper(): False for w in fields.FALSE_WORDS}, **{w.title(): False for w in fields.FALSE_WORDS},
}  # fmt: skip


def _fast_bool(value):
    if type(value) is str:
        return _BOOLS.get(value, MISS)
    if type(value) is bool:
        return value
    return MISS


def _fast_scale(value, low, high):
    if (type(value) is int or (type(value) is float and value.is_integer())) and low <= value <= high:
        return int(value)
    return MISS


def _fast_text(value, max_length):
    if type(value) is str and len(value) <= (max_length or WEEK) and "\x00" not in value:
        text = value.strip()
        return text if text == value or text else MISS
    return MISS


FAST = {
    fields.parse_duration: _fast_duration,
    fields.parse_bool: _fast_bool,
    fields.parse_int_scale: _fast_scale,
    fields.clean_text: _fast_text,
}

DURATIONS = ("wait_seconds", "talk_seconds", "hold_seconds", "acw_seconds", "handle_total")
BOOLS = ("resolved", "first_contact_resolved", "escalated", "repeat_contact")
SCALES = ("csat", "nps", "effort")
TEXTS = ("queue", "customer_ref", "transcript", "recording_url")
# What a field holds when the row leaves it empty (or the file has no column for it).
DEFAULTS = {
    "wait_seconds": None, "talk_seconds": 0, "hold_seconds": 0, "acw_seconds": 0, "handle_total": 0,
    "resolved": None, "first_contact_resolved": None, "escalated": None, "repeat_contact": None,
    "csat": None, "nps": None, "effort": None, "queue": "", "customer_ref": "", "transcript": "",
    "recording_url": "", "tags": [],
}  # fmt: skip


class RowChecker:
    """Checks one row at a time and keeps what the whole file needs (ids seen, the profile)."""

    def __init__(self, checked: Checked, options: ImportOptions, columns: dict[str, str]):
        self.checked = checked
        self.options = options
        self.columns = columns
        self.directory = AgentDirectory()
        for key, choice in options.agents.items():
            if choice.get("user"):
                self.directory.by_key[key] = int(choice["user"])
        self.seen: dict[str, int | str] = {}
        # A file without an id column: each row's id is made from its agent, start and channel.
        self.derive_ids = "source_id" not in options.mapping
        self.profiled = [n for n in options.mapping if n in fields.FIELDS_BY_NAME]
        for name in self.profiled:
            checked.profile.setdefault(name, FieldProfile())
        self.min_handle = 0
        self.tz = timezone.get_default_timezone()
        # A plain number in a column headed "(min)" or "ms" is in minutes or milliseconds.
        self.units = {
            name: fields.duration_unit(header)
            for name, header in options.mapping.items()
            if name in fields.FIELDS_BY_NAME and fields.FIELDS_BY_NAME[name].kind == "duration"
        }
        profile = checked.profile
        # What each field is read with, only for the fields this mapping has.
        self.agent_ids: dict[str, int] = {}  # spellings already found -> agent id
        self.unknown_names: dict[str, str] = {}  # name key -> the name as first written
        self.channels: dict[str, str] = {}  # spellings already read -> channel
        self.steps = [
            (name, parser, args(name), profile.get(name), FAST.get(parser))
            for name, parser, args in (
                *((n, fields.parse_duration, lambda n: (self.units.get(n, 1),)) for n in DURATIONS),
                *((n, fields.parse_bool, lambda n: ()) for n in BOOLS),
                *(
                    (
                        n,
                        fields.parse_int_scale,
                        lambda n: (fields.FIELDS_BY_NAME[n].low, fields.FIELDS_BY_NAME[n].high),
                    )
                    for n in SCALES
                ),
                *((n, fields.clean_text, lambda n: (fields.FIELDS_BY_NAME[n].max_length,)) for n in TEXTS),
                ("tags", fields.parse_tags, lambda n: ()),
            )
            if name in options.mapping
        ]
        self.presence = [
            (n, profile[n])
            for n in ("source_id", "agent", "channel", "answered", "abandoned", "tags")
            if n in profile
        ]

    def check(self, ref, raw: dict[str, Any], extra: dict[str, Any]) -> dict | None:
        self.checked.rows_read += 1
        self.row_ok = True
        self.ref = ref
        self.raw = raw
        try:
            record = self._check(ref, raw, extra)
        except Exception as exc:  # a value nobody foresaw: a row error, never a crashed job
            logger.exception("import row %s could not be checked", ref)
            self.problem(
                "", "", _("This row could not be read (%(error)s).") % {"error": exc.__class__.__name__}
            )
            return None
        return record if self.row_ok else None

    def problem(self, name: str, value, message: str) -> None:
        self.row_ok = False
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # spreadsheet numbers are floats: show 9, not 9.0
        text = "" if value is None else str(value)
        self.checked.add_error(RowError(self.ref, self.columns.get(name, name), name, text, message))

    def parse(self, name: str, parser, *args):
        if name not in self.raw:
            return None  # not mapped
        value = self.raw[name]
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            value = int(value)  # spreadsheet numbers are floats: 9, not 9.0, in every message
        try:
            return parser(value, *args)
        except fields.ValueProblem as exc:
            self.problem(name, value, str(exc))
            return None

    def _check(self, ref, raw, extra) -> dict:
        """One row, step by step; each step records its problems by field."""
        record: dict[str, Any] = {}
        source_id = None if self.derive_ids else self._source_id(ref, raw)
        self._agent_of(raw.get("agent"), record)
        self._channel(raw, record)
        self._started(raw, record)
        self._answered(raw, record)
        self._values(raw, record)
        self._consistent(raw, record)
        record["extra"] = self._extra(extra) if extra else {}
        for name, prof in self.presence:
            value = raw.get(name)
            prof.add(None if value is None or (type(value) is str and not value.strip()) else PRESENT)
        if self.derive_ids and record.get("started_at") is not None:
            source_id = derived_id(raw.get("agent"), record["started_at"], record.get("channel") or "")
            self._once(source_id, ref)
        record["source"] = self.options.source
        record["source_id"] = source_id
        record["sample_key"] = sample_key(self.options.source, source_id or "")
        return record

    def _source_id(self, ref, raw) -> str | None:
        source_id = _fast_text(raw.get("source_id"), 100)
        if source_id is MISS or not source_id:
            source_id = self.parse("source_id", fields.clean_text, 100)
        if not source_id and self.row_ok:
            self.problem("source_id", "", _("The interaction id is missing."))
        else:
            self._once(source_id, ref)
        return source_id

    def _agent_of(self, agent_value, record: dict) -> None:
        known = self.agent_ids.get(agent_value) if isinstance(agent_value, str) else None
        if known is not None:
            record["agent_id"] = known  # the same spelling as an earlier row: found already
            return
        self._agent(agent_value, record)
        if record.get("agent_id") is not None and isinstance(agent_value, str):
            self.agent_ids[agent_value] = record["agent_id"]

    def _channel(self, raw: dict, record: dict) -> None:
        channel_value = raw.get("channel")
        channel = self.channels.get(channel_value) if isinstance(channel_value, str) else None
        if channel is None:
            channel = self.parse("channel", fields.parse_channel)
            if channel and isinstance(channel_value, str):
                self.channels[channel_value] = channel
        channel = channel or self.options.default_channel
        if not channel and self.row_ok and fields.is_blank(raw.get("channel")):
            self.problem("channel", "", _("The channel is missing."))
        record["channel"] = channel

    def _answered(self, raw: dict, record: dict) -> None:
        """Answered, from an answered or an abandoned column; unknown without either (the
        contact is then sampled and timed as answered, and left out of abandonment)."""
        answered = _fast_bool(raw["answered"]) if "answered" in raw else None
        if answered is MISS:
            answered = self.parse("answered", fields.parse_bool)
        if answered is None and "abandoned" in raw:
            abandoned = self.parse("abandoned", fields.parse_bool)
            answered = None if abandoned is None else not abandoned
        record["answered"] = True if answered is None else answered
        record["answered_known"] = answered is not None

    def _values(self, raw: dict, record: dict) -> None:
        """Every other mapped field through its parser (a fast path first), profiled."""
        record.update(DEFAULTS)
        for name, parser, args, prof, fast in self.steps:
            if name not in raw:
                continue
            value = raw[name]
            if value is not None:
                value = fast(value, *args) if fast is not None else MISS
                if value is MISS:
                    value = self.parse(name, parser, *args)
            if prof is not None:
                # Numbers and yes/no are tallied; text and tags only as filled or empty.
                prof.add(value if value is None or type(value) in NUMBERS else (PRESENT if value else None))
            if value is not None:
                record[name] = value
        for name in ("escalated", "repeat_contact"):  # the file has the column: an empty cell is "no"
            if name in raw and record[name] is None:
                record[name] = False

    def _consistent(self, raw: dict, record: dict) -> None:
        """What follows from the values together: talk from a total, resolution, the link."""
        handle = record.pop("handle_total")
        if handle and "talk_seconds" not in raw:
            # Only the total is known: what is not hold or wrap-up counts as talk.
            record["talk_seconds"] = max(0, handle - record["hold_seconds"] - record["acw_seconds"])
        record["handle_seconds"] = record["talk_seconds"] + record["hold_seconds"] + record["acw_seconds"]
        if record["handle_seconds"] < self.min_handle:
            self.checked.handle_under += 1
        if record["first_contact_resolved"]:
            if record["resolved"] is False:
                self.problem(
                    "first_contact_resolved",
                    raw.get("first_contact_resolved"),
                    _("Marked resolved on first contact but not resolved."),
                )
            record["resolved"] = True
        url = record["recording_url"]
        if url and not url.startswith(("http://", "https://")):
            self.problem("recording_url", url, _("A recording link must start with http:// or https://."))

    def _once(self, source_id, ref) -> None:
        if source_id in self.seen:
            self.problem(
                "source_id",
                source_id,
                _("The same id appears in row %(row)s.") % {"row": self.seen[source_id]}
                if not self.derive_ids
                else _(
                    "Row %(row)s has the same agent, start and channel: without an id column the two are one "
                    "interaction. Map the file's id column."
                )
                % {"row": self.seen[source_id]},
            )
        elif source_id:
            self.seen[source_id] = ref

    def _agent(self, agent_name, record: dict) -> None:
        if fields.is_blank(agent_name):
            self.problem("agent", "", _("The agent is missing."))
            return
        if not isinstance(agent_name, str | int | float):
            self.problem("agent", agent_name, _("The agent must be a name, username or e-mail."))
            return
        try:
            name = " ".join(fields.clean_text(agent_name).split())
        except fields.ValueProblem as exc:
            self.problem("agent", agent_name, str(exc))
            return
        if len(name) > 150:
            self.problem("agent", name[:60] + "…", _("Longer than %(n)s characters.") % {"n": 150})
            return
        key = AgentDirectory.key(name)
        if key in self.options.agents or (
            key not in self.directory.by_key and self.options.creates_agent(key)
        ):
            rows = self.checked.chosen_agents.setdefault(self.unknown_names.setdefault(key, name), [])
            if len(rows) < 20:
                rows.append(self.ref)
        try:
            agent_id = self.directory.find(name)
        except KeyError:
            if self.options.creates_agent(key):
                # One new agent per name, however its case and spacing vary.
                record["agent_new"] = self.checked.new_agents.setdefault(key, name)
            else:
                # One entry per person, however the rows vary the case and spacing of the name.
                first_written = self.unknown_names.setdefault(key, name)
                rows = self.checked.unknown_agents.setdefault(first_written, [])
                if len(rows) < 20:
                    rows.append(self.ref)
                self.checked.unknown_agent_rows[first_written] += 1
                self.problem(
                    "agent",
                    name,
                    _("No agent “%(name)s” (checked usernames, e-mails and full names).") % {"name": name},
                )
            return
        if agent_id is None:
            self.problem(
                "agent",
                name,
                _("More than one agent is called “%(name)s”: use the username or e-mail.") % {"name": name},
            )
        record["agent_id"] = agent_id

    def _started(self, raw: dict, record: dict) -> None:
        order = self.options.date_order
        started = raw.get("started_at")
        if not isinstance(started, dt.date | dt.time):  # a spreadsheet date cell needs no parsing
            started = self.parse("started_at", fields.parse_datetime, order)
        day = raw.get("start_date")
        if day is not None and not isinstance(day, dt.date | dt.time):
            day = self.parse("start_date", fields.parse_datetime, order)
        if "start_date" in self.checked.profile:
            self.checked.profile["start_date"].add(None if day is None else PRESENT)
        if isinstance(day, dt.datetime):
            day = day.date()
        if isinstance(day, dt.time):
            self.problem("start_date", raw.get("start_date"), _("A time of day, not a date."))
            day = None
        when = None
        if isinstance(started, dt.datetime) and day is None:
            when = started
        elif isinstance(started, dt.time | dt.datetime) and isinstance(day, dt.date):
            clock = started.timetz() if isinstance(started, dt.datetime) else started
            when = dt.datetime.combine(day, clock.replace(tzinfo=None))
        elif isinstance(started, dt.date) and not isinstance(started, dt.datetime):
            self.problem(
                "started_at",
                raw.get("started_at"),
                _("Only a date, no time of day: map a time column too, or a column with both."),
            )
        elif isinstance(started, dt.time):
            self.problem(
                "started_at",
                raw.get("started_at"),
                _("Only a time of day, no date: map the date column too."),
            )
        elif started is None and fields.is_blank(raw.get("started_at")):
            self.problem("started_at", "", _("The start date and time are missing."))
        if when is None:
            return
        low, high = fields.year_range()
        if not low <= when.year <= high:
            # The column that holds the date: the separate date column when there is one.
            where = "start_date" if day is not None else "started_at"
            self.problem(
                where,
                raw.get(where),
                _(
                    "The year %(year)s is outside %(low)s–%(high)s (DATA_FIRST_YEAR, DATA_LAST_YEAR): "
                    "check the column and the date order."
                )
                % {"year": when.year, "low": low, "high": high},
            )
            return
        record["started_at"] = when.replace(tzinfo=self.tz) if when.tzinfo is None else when
        record.update(local_parts(record["started_at"], self.tz))
        if "started_at" in self.checked.profile:
            self.checked.profile["started_at"].add(record["started_at"])

    def _extra(self, extra: dict) -> dict:
        kept = {}
        for key, value in extra.items():
            if fields.is_blank(value):
                continue
            value = _json_safe(value)
            try:
                fields.check_text(str(key))
                if isinstance(value, str):
                    fields.check_text(value)
            except fields.ValueProblem as exc:
                self.problem(str(key), value, str(exc))
                continue
            if isinstance(value, str) and len(value) > MAX_EXTRA_CHARS:
                self.problem(
                    str(key),
                    value[:60] + "…",
                    _("Longer than %(n)s characters (a further column, kept as extra data).")
                    % {"n": MAX_EXTRA_CHARS},
                )
            kept[str(key)[:200]] = value
        return kept


def scan(
    rows: Iterable[tuple[int | str, dict[str, Any], dict[str, Any]]],
    *,
    options: ImportOptions,
    columns: dict[str, str],
    sink: Callable[[list[dict]], None] | None = None,
    total: int = 0,
    progress: Progress | None = None,
    min_handle_seconds: int = 0,
    keep: bool = False,
    checked: Checked | None = None,
) -> Checked:
    """Check raw rows: (row reference, {field: raw value}, {other column: value}).

    Valid records go to `sink` in chunks (and are kept in `records` when `keep`); every
    problem is collected. `columns` names each field's column for messages.
    """
    checked = checked if checked is not None else Checked()
    checker = RowChecker(checked, options, columns)
    checker.min_handle = min_handle_seconds
    chunk: list[dict] = []
    for ref, raw, extra in rows:
        record = checker.check(ref, raw, extra)
        if record is not None:
            checked.valid_rows += 1
            chunk.append(record)
            if len(checked.first) < 8:
                checked.first.append(record)
        if len(chunk) >= CHUNK:
            _flush(checked, chunk, sink, keep)
            chunk = []
        if progress and checked.rows_read % CHUNK == 0:
            progress(checked.rows_read, total)
    _flush(checked, chunk, sink, keep)
    if progress:
        progress(checked.rows_read, max(total, checked.rows_read))
    return checked


def _flush(checked: Checked, chunk: list[dict], sink, keep: bool) -> None:
    for profile in checked.profile.values():
        profile.settle()
    if not chunk:
        return
    if sink is not None:
        sink(chunk)
    if keep:
        checked.records.extend(chunk)


def derived_id(agent, started_at: dt.datetime, channel: str) -> str:
    """The id of a row in a file without one: stable for the same agent, start and channel, so
    importing the file again updates instead of duplicating."""
    key = f"{str(agent).strip().lower()}|{started_at.astimezone(dt.UTC).isoformat()}|{channel}"
    return "auto-" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:20]
