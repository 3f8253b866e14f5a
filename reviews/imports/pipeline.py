"""Check every row, then write them all in one transaction, or nothing.

Rows stream through in chunks: a file is never held in memory whole. A dry run checks every
row, profiles every mapped field and compares each chunk with what is stored; an import does
the same inside one transaction and writes each chunk as it goes, rolling everything back if
any row turns out to be wrong.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import math
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import Event, publish
from core.models import AuditAction, Role, Team, User

from ..models import Interaction, local_parts, sample_key
from . import fields
from .files import ImportFileError, Sheet, column_letter, column_name, max_rows

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
MAX_ERRORS_KEPT = 500
CHUNK = 2000
EXAMPLES_PER_FIELD = 3
MAX_EXTRA_CHARS = 2000

# Interaction fields an import writes (and compares to tell "updated" from "unchanged").
DATA_FIELDS = (
    "agent_id", "channel", "queue", "started_at", "local_date", "local_hour", "local_month",
    "local_week", "answered", "answered_known", "wait_seconds", "talk_seconds", "hold_seconds", "acw_seconds",
    "handle_seconds", "resolved",
    "first_contact_resolved", "escalated", "repeat_contact", "csat", "nps", "effort",
    "customer_ref", "transcript", "recording_url", "tags", "extra", "sample_key",
)  # fmt: skip
# Derived columns: a change shows under the field it comes from.
DERIVED = {"local_date", "local_hour", "local_month", "local_week", "handle_seconds", "sample_key"}


@dataclass
class ImportOptions:
    mapping: dict[str, str]  # field name -> header in the file
    source: str = "default"
    default_channel: str = ""
    date_order: str = "DMY"
    create_agents_team_id: int | None = None  # every unknown agent is created in this team
    # Per unknown name (AgentDirectory.key): {"user": id} to use an existing agent, or
    # {"team": id} to create the agent in that team.
    agents: dict[str, dict] = field(default_factory=dict)
    encoding: str = ""

    def missing_required(self) -> list[str]:
        missing = [f for f in fields.REQUIRED if not self.mapping.get(f)]
        if not self.mapping.get("channel") and not self.default_channel:
            missing.append("channel")
        return missing

    def creates_agent(self, key: str) -> int | None:
        """The team an unknown agent is to be created in, if any."""
        choice = self.agents.get(key) or {}
        return choice.get("team") or (None if choice.get("user") else self.create_agents_team_id)


def printable(text: str) -> str:
    """Text safe to store and show whatever the file held (NUL, lone surrogates)."""
    return text.encode("utf-8", "backslashreplace").decode().replace("\x00", "\\x00")


@dataclass
class RowError:
    row: int | str  # spreadsheet row number, or the item's index in an API request
    column: str  # "C · Agent" for files, the field name for the API
    field: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "value": printable(self.value[:200]),
            "message": self.message,
        }


PRESENT = object()  # a filled cell of a field that has no numbers to profile


@dataclass
class FieldProfile:
    """What one mapped field holds over the file: filled, empty, zero; min, median, max."""

    filled: int = 0
    empty: int = 0
    zero: int = 0
    values: Counter = field(default_factory=Counter)  # numbers only
    low: Any = None
    high: Any = None

    pending: list = field(default_factory=list)

    def __post_init__(self):
        # Values are collected with a bare list append (the check calls this for every cell)
        # and tallied per distinct value in `settle`.
        self.add = self.pending.append

    def settle(self) -> None:
        """Fold the collected values into the counts."""
        if not self.pending:
            return
        tally = Counter(self.pending)
        self.pending.clear()
        for value, n in tally.items():
            kind = type(value)
            if kind is int or kind is float:
                self.filled += n
                if value == 0:
                    self.zero += n
                self.values[value] += n
            elif value is PRESENT:
                self.filled += n
            elif value is None or value == "":
                self.empty += n
            elif kind is bool:
                self.filled += n
                self.values[int(value)] += n
            else:
                self.filled += n
                if isinstance(value, dt.datetime):
                    self.low = value if self.low is None or value < self.low else self.low
                    self.high = value if self.high is None or value > self.high else self.high

    def median(self):
        total = sum(self.values.values())
        if not total:
            return None
        seen = 0
        for value in sorted(self.values):
            seen += self.values[value]
            if seen * 2 >= total:
                return value
        return None  # pragma: no cover

    def as_dict(self) -> dict:
        self.settle()
        data = {"filled": self.filled, "empty": self.empty, "zero": self.zero}
        if self.values:
            data.update(low=min(self.values), median=self.median(), high=max(self.values))
        elif self.low is not None:
            data.update(
                low=timezone.localtime(self.low).strftime("%Y-%m-%d %H:%M"),
                high=timezone.localtime(self.high).strftime("%Y-%m-%d %H:%M"),
            )
        return data


@dataclass
class Checked:
    records: list[dict[str, Any]] = field(default_factory=list)  # kept only when asked for
    first: list[dict[str, Any]] = field(default_factory=list)  # the first valid rows, to show
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    rows_read: int = 0
    valid_rows: int = 0
    # Names no agent has and no choice covers: name as first written -> rows.
    unknown_agents: dict[str, list] = field(default_factory=dict)
    unknown_agent_rows: Counter = field(default_factory=Counter)  # name -> every row, not only 20
    new_agents: dict[str, str] = field(default_factory=dict)  # key -> name as first written
    # Names no agent has that a choice covers (an existing agent, or a new one): name -> rows.
    chosen_agents: dict[str, list] = field(default_factory=dict)
    profile: dict[str, FieldProfile] = field(default_factory=dict)
    handle_under: int = 0  # rows whose handle time is under the sampling minimum
    outcome: Counter = field(default_factory=Counter)  # create / update / unchanged
    changes: dict[str, dict] = field(default_factory=dict)  # field -> {"count", "examples"}

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    agents_created: int = 0
    months: set = field(default_factory=set)  # the months written rows fall in

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "months"}


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
        options = self.options
        record: dict[str, Any] = {}

        source_id = None
        if not self.derive_ids:
            source_id = _fast_text(raw.get("source_id"), 100)
            if source_id is MISS or not source_id:
                source_id = self.parse("source_id", fields.clean_text, 100)
            if not source_id and self.row_ok:
                self.problem("source_id", "", _("The interaction id is missing."))
            else:
                self._once(source_id, ref)

        agent_value = raw.get("agent")
        known = self.agent_ids.get(agent_value) if isinstance(agent_value, str) else None
        if known is not None:
            record["agent_id"] = known  # the same spelling as an earlier row: found already
        else:
            self._agent(agent_value, record)
            if "agent_id" in record and record["agent_id"] is not None and isinstance(agent_value, str):
                self.agent_ids[agent_value] = record["agent_id"]

        channel_value = raw.get("channel")
        channel = self.channels.get(channel_value) if isinstance(channel_value, str) else None
        if channel is None:
            channel = self.parse("channel", fields.parse_channel)
            if channel and isinstance(channel_value, str):
                self.channels[channel_value] = channel
        channel = channel or options.default_channel
        if not channel and self.row_ok and fields.is_blank(raw.get("channel")):
            self.problem("channel", "", _("The channel is missing."))
        record["channel"] = channel

        self._started(raw, record)

        answered = _fast_bool(raw["answered"]) if "answered" in raw else None
        if answered is MISS:
            answered = self.parse("answered", fields.parse_bool)
        if answered is None and "abandoned" in raw:
            abandoned = self.parse("abandoned", fields.parse_bool)
            answered = None if abandoned is None else not abandoned
        record["answered"] = True if answered is None else answered
        record["answered_known"] = answered is not None

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
        record["extra"] = self._extra(extra) if extra else {}
        for name, prof in self.presence:
            value = raw.get(name)
            prof.add(None if value is None or (type(value) is str and not value.strip()) else PRESENT)

        if self.derive_ids and record.get("started_at") is not None:
            source_id = derived_id(raw.get("agent"), record["started_at"], record.get("channel") or "")
            self._once(source_id, ref)
        record["source"] = options.source
        record["source_id"] = source_id
        record["sample_key"] = sample_key(options.source, source_id or "")
        return record

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


def sheet_rows(sheet: Sheet, mapping: dict[str, str]) -> tuple[Iterator, dict[str, str]]:
    """The sheet's non-blank rows as (row number, {field: value}, {other header: value}), and
    each mapped field's column ("C · Agent") for messages."""
    index = {header: i for i, header in enumerate(sheet.headers)}
    positions = {name: index[h] for name, h in mapping.items() if h in index}
    columns = {name: f"{column_letter(i)} · {sheet.headers[i]}" for name, i in positions.items()}
    mapped = set(positions.values())
    extras = [(i, h) for i, h in enumerate(sheet.headers) if i not in mapped]
    limit = max_rows()

    def rows():
        for number, values in sheet.rows:
            if number - sheet.header_row > limit:
                raise ImportFileError(
                    _("The file has more than %(limit)s rows; split it and import the parts.")
                    % {"limit": limit}
                )
            if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
                continue  # blank lines are common at the end of exports
            width = len(values)
            raw = {name: values[i] if i < width else None for name, i in positions.items()}
            extra = {h: values[i] for i, h in extras if i < width}
            if width > len(sheet.headers) and any(v not in (None, "") for v in values[len(sheet.headers) :]):
                extra.update(
                    {
                        column_name(i): values[i]
                        for i in range(len(sheet.headers), width)
                        if values[i] not in (None, "")
                    }
                )
            yield number, raw, extra

    return rows(), columns


def derived_id(agent, started_at: dt.datetime, channel: str) -> str:
    """The id of a row in a file without one: stable for the same agent, start and channel, so
    importing the file again updates instead of duplicating."""
    key = f"{str(agent).strip().lower()}|{started_at.astimezone(dt.UTC).isoformat()}|{channel}"
    return "auto-" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:20]


def item_rows(items: list) -> Iterator:
    """API items as rows: field names as keys; unknown keys (and "extra") kept as extra data."""
    known = {f.name for f in fields.FIELDS}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            yield index, {"source_id": None, "agent": None, "started_at": None, "_not_object": item}, {}
            continue
        extra = item.get("extra")
        further = {k: v for k, v in item.items() if k not in known and k != "extra"}
        if isinstance(extra, dict):
            further |= extra
        elif extra not in (None, ""):
            further["extra"] = extra
        yield index, {k: v for k, v in item.items() if k in known}, further


# -- comparing with what is stored, and writing ---------------------------------------------------


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def classify(
    checked: Checked, chunk: list[dict], *, source: str, source_empty: bool = False
) -> dict[str, str]:
    """source_id -> "create" | "update" | "unchanged" for one chunk, comparing with what is
    stored; counts and a few examples of each changed field go into `checked`. A source known
    to have had no interactions when the import began needs no look-up: every row is new."""
    compare = [f for f in DATA_FIELDS if f != "agent_id"] + ["agent_id"]
    by_id = {r["source_id"]: r for r in chunk}
    outcome = {}
    stored_rows = (
        []
        if source_empty
        else Interaction.objects.filter(source=source, source_id__in=list(by_id)).values(
            "source_id", *compare
        )
    )
    for stored in stored_rows:
        record = by_id[stored["source_id"]]
        changed = [f for f in compare if f not in DERIVED and stored[f] != record.get(f)]
        if "agent_new" in record:
            changed.append("agent_id")
        outcome[stored["source_id"]] = "update" if changed else "unchanged"
        for name in changed:
            entry = checked.changes.setdefault(name, {"count": 0, "examples": []})
            entry["count"] += 1
            if len(entry["examples"]) < EXAMPLES_PER_FIELD:
                after = (
                    record.get("agent_new")
                    if name == "agent_id" and "agent_new" in record
                    else record.get(name)
                )
                entry["examples"].append(
                    {"id": stored["source_id"], "before": _display(stored[name]), "after": _display(after)}
                )
    for source_id in by_id:
        outcome.setdefault(source_id, "create")
    checked.outcome.update(outcome.values())
    if "agent_id" in checked.changes:
        _agent_names(checked.changes["agent_id"]["examples"])
    return outcome


def _agent_names(examples: list[dict]) -> None:
    ids = {int(e[k]) for e in examples for k in ("before", "after") if str(e[k]).isdigit()}
    names = {str(u.pk): u.username for u in User.objects.filter(pk__in=ids)}
    for example in examples:
        for key in ("before", "after"):
            example[key] = names.get(example[key], example[key])


class Writer:
    """Upserts chunks: INSERT … ON CONFLICT (source, source_id) DO UPDATE. Raw SQL because
    building 100,000 model instances costs more than the writing itself; values still go
    through each field's own database preparation. Unknown agents chosen for creation are
    created the first time a row of theirs is written (inside the import's transaction)."""

    def __init__(self, checked: Checked, options: ImportOptions, *, actor=None):
        self.checked = checked
        self.options = options
        self.actor = actor
        self.sql, self.prepare = _upsert_statement()
        self.now = timezone.now()
        self.summary = Summary()
        self.agents: dict[str, int] = {}
        self.usernames: set[str] | None = None
        self.source_empty = not Interaction.objects.filter(source=options.source).exists()
        self.insert_sql = self.sql.partition(" ON CONFLICT")[0]
        self.columns = ["source", "source_id", *DATA_FIELDS, "created_at", "updated_at"]
        self.staging = False  # PostgreSQL's temporary table for upserts, made when first needed

    def __call__(self, chunk: list[dict]) -> None:
        outcome = classify(self.checked, chunk, source=self.options.source, source_empty=self.source_empty)
        if not self.checked.ok:
            return  # the transaction will be rolled back: keep checking, stop writing
        new, changed = [], []
        for record in chunk:
            what = outcome[record["source_id"]]
            if what == "unchanged":
                self.summary.unchanged += 1
                continue
            if "agent_new" in record:
                record = {**record, "agent_id": self.agent_for(record["agent_new"])}
            self.summary.months.add(record["local_month"])
            if what == "create":
                self.summary.created += 1
                new.append(self.prepare(record, self.now))
            else:
                self.summary.updated += 1
                changed.append(self.prepare(record, self.now))
        with connection.cursor() as cursor:
            if new:
                self.insert_new(cursor, new)
            if changed:
                self.upsert(cursor, changed)

    def insert_new(self, cursor, rows: list[list]) -> None:
        """Rows not stored when the chunk was compared: a plain INSERT (a third of the upsert's
        cost on SQLite), or COPY on PostgreSQL (a tenth of executemany's). Should another import
        have stored some of them meanwhile, the chunk goes again as an upsert (the savepoint
        keeps the transaction usable)."""
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    self.copy(cursor, Interaction._meta.db_table, rows)
                else:
                    cursor.executemany(self.insert_sql, rows)
        except (IntegrityError, connection.Database.IntegrityError):  # COPY raises the driver's own
            self.upsert(cursor, rows)

    def upsert(self, cursor, rows: list[list]) -> None:
        """INSERT … ON CONFLICT DO UPDATE; on PostgreSQL through a temporary table filled by
        COPY, one statement per chunk."""
        if connection.vendor != "postgresql":
            cursor.executemany(self.sql, rows)
            return
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in self.columns)
        if not self.staging:
            cursor.execute(
                f"CREATE TEMPORARY TABLE qa_import_rows ON COMMIT DROP AS SELECT {names} "
                f"FROM {quote(Interaction._meta.db_table)} WITH NO DATA"
            )
            self.staging = True
        self.copy(cursor, "qa_import_rows", rows)
        head, _sep, conflict = self.sql.partition(" VALUES ")
        conflict = conflict[conflict.index(" ON CONFLICT") :]
        cursor.execute(f"{head} SELECT {names} FROM qa_import_rows{conflict}")
        cursor.execute("TRUNCATE qa_import_rows")

    def copy(self, cursor, table: str, rows: list[list]) -> None:
        names = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def agent_for(self, name: str) -> int:
        key = AgentDirectory.key(name)
        if key not in self.agents:
            self.agents[key] = self.create_agent(name, self.options.creates_agent(key)).pk
            self.summary.agents_created += 1
        return self.agents[key]

    def create_agent(self, name: str, team_id: int) -> User:
        from core.services import agent_create

        if self.usernames is None:
            self.usernames = {u.lower() for u in User.objects.values_list("username", flat=True)}
        return agent_create(
            actor=self.actor,
            name=name,
            team=Team.objects.get(pk=team_id),
            taken=self.usernames,
            action=AuditAction.USER_CREATED_BY_IMPORT,
            why=_("for an import"),
            data={"source": self.options.source},
        )


class Rollback(Exception):
    """Raised inside the import's transaction when a row is wrong: nothing is kept."""


def import_rows(
    rows: Iterable,
    *,
    options: ImportOptions,
    columns: dict[str, str],
    actor=None,
    total: int = 0,
    progress: Progress | None = None,
    min_handle_seconds: int = 0,
    within: Callable[[Summary], None] | None = None,
) -> tuple[Checked, Summary | None]:
    """Check and write every row in one transaction; any problem rolls all of it back and
    the summary is None. `within(summary)` runs inside the transaction once every row is in
    (an audit entry, say).

    The writing runs in this thread, chunk by chunk, between the checking of the next rows.
    (A writer thread was measured: sqlite3 gives up the GIL for every row and then waits for
    the checking thread to let it go, which made the writing seventy times slower.)"""
    checked = Checked()
    writer = Writer(checked, options, actor=actor)
    try:
        with transaction.atomic():
            scan(
                rows,
                checked=checked,
                options=options,
                columns=columns,
                sink=writer,
                total=total,
                progress=progress,
                min_handle_seconds=min_handle_seconds,
            )
            if not checked.ok:
                raise Rollback
            if within:
                within(writer.summary)
            if writer.summary.months:  # the records of those months are rebuilt after commit
                publish(Event.INTERACTIONS_CHANGED, months=sorted(writer.summary.months))
    except Rollback:
        return checked, None
    return checked, writer.summary


def check_only(
    rows: Iterable,
    *,
    options: ImportOptions,
    columns: dict[str, str],
    total: int = 0,
    progress: Progress | None = None,
    min_handle_seconds: int = 0,
) -> Checked:
    """The dry run: every row checked and compared with what is stored; nothing written."""
    checked = Checked()

    def sink(chunk: list[dict]) -> None:
        classify(checked, chunk, source=options.source)

    return scan(
        rows,
        checked=checked,
        options=options,
        columns=columns,
        sink=sink,
        total=total,
        progress=progress,
        min_handle_seconds=min_handle_seconds,
    )


def _upsert_statement():
    """The upsert, and a function that turns a record into its parameters."""
    columns = ["source", "source_id", *DATA_FIELDS, "created_at", "updated_at"]
    model_fields = {f.attname: f for f in Interaction._meta.concrete_fields}
    quote = connection.ops.quote_name
    updates = [*DATA_FIELDS, "updated_at"]
    sql = (
        f"INSERT INTO {quote(Interaction._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({quote('source')}, {quote('source_id')}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in updates)
    )
    preparers = [(c, _preparer(model_fields[c])) for c in columns[:-2]]
    stamp = _preparer(model_fields["updated_at"]) or (lambda v: v)

    # One C call picks every column; the few that need converting are converted in place.
    pick = operator.itemgetter(*(c for c, _convert in preparers))
    converted = [(i, convert) for i, (_c, convert) in enumerate(preparers) if convert is not None]
    stamps: dict = {}

    def prepare(record: dict, now) -> list:
        if now not in stamps:
            stamps.clear()
            stamps[now] = stamp(now)
        values = list(pick(record))
        for index, convert in converted:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        when = stamps[now]
        values += (when, when)  # created_at, updated_at (an update keeps its created_at)
        return values

    return sql, prepare


def _preparer(model_field):
    """How one column's value reaches the database: None when it goes as it is. Dates and
    times are converted here as the backend's own adapters would (a per-row call into each
    field costs more than the writing)."""
    kind = model_field.get_internal_type()
    vendor = connection.vendor
    if kind in ("CharField", "TextField", "BooleanField", "PositiveIntegerField", "PositiveSmallIntegerField",
                "BigAutoField", "ForeignKey", "URLField", "IntegerField"):  # fmt: skip
        return None
    if vendor == "sqlite" and kind == "DateTimeField":
        utc = dt.UTC
        return lambda v: None if v is None else v.astimezone(utc).replace(tzinfo=None).isoformat(" ")
    if vendor == "sqlite" and kind == "DateField":
        return functools.lru_cache(maxsize=4096)(dt.date.isoformat)  # a month has few dates
    if vendor == "postgresql" and kind in ("DateTimeField", "DateField"):
        return None  # psycopg adapts them
    if vendor == "sqlite" and kind == "JSONField" and model_field.encoder is None:
        dumps = json.JSONEncoder().encode
        return lambda v: "[]" if v == [] else "{}" if v == {} else dumps(v)
    return lambda v: model_field.get_db_prep_save(v, connection)
