"""Check every row, then write them all in one transaction, or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.models import Role, Team, User

from ..models import Interaction, local_parts, sample_key
from . import fields
from .files import ImportFileError, Sheet, column_letter, max_rows

Progress = Callable[[int, int], None]
MAX_ERRORS_KEPT = 500

# Interaction fields an import writes (and compares to tell "updated" from "unchanged").
DATA_FIELDS = (
    "agent_id", "channel", "queue", "started_at", "local_date", "local_hour", "local_month",
    "local_week", "answered", "wait_seconds", "talk_seconds", "hold_seconds", "acw_seconds",
    "handle_seconds", "resolved",
    "first_contact_resolved", "escalated", "repeat_contact", "csat", "nps", "effort",
    "customer_ref", "transcript", "recording_url", "tags", "extra", "sample_key",
)  # fmt: skip


@dataclass
class ImportOptions:
    mapping: dict[str, str]  # field name -> header in the file
    source: str = "default"
    default_channel: str = ""
    date_order: str = "DMY"
    create_agents_team_id: int | None = None

    def missing_required(self) -> list[str]:
        missing = [f for f in fields.REQUIRED if not self.mapping.get(f)]
        if not self.mapping.get("channel") and not self.default_channel:
            missing.append("channel")
        return missing


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
            "value": self.value,
            "message": self.message,
        }


@dataclass
class Checked:
    records: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    rows_read: int = 0
    unknown_agents: dict[str, list] = field(default_factory=dict)  # name -> rows
    new_agents: dict[str, str] = field(default_factory=dict)  # lower-case name -> name as first written

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

    def as_dict(self) -> dict:
        return self.__dict__.copy()


class AgentDirectory:
    """Finds agents by username, e-mail or full name, case and spacing ignored."""

    def __init__(self):
        self.by_key: dict[str, int | None] = {}  # None: more than one agent has that name
        for pk, username, email, first, last in User.objects.filter(role=Role.AGENT).values_list(
            "pk", "username", "email", "first_name", "last_name"
        ):
            for key in {username, email, f"{first} {last}"}:
                key = self.key(key)
                if key:
                    self.by_key[key] = pk if self.by_key.get(key, pk) == pk else None

    @staticmethod
    def key(text) -> str:
        return " ".join(str(text or "").lower().split())

    def find(self, name) -> int | None:
        """The agent's id; KeyError if unknown, None if the name is ambiguous."""
        return self.by_key[self.key(name)]


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _json_safe(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    return value


def check_rows(
    rows: Iterable[tuple[int | str, dict[str, Any], dict[str, Any]]],
    *,
    options: ImportOptions,
    columns: dict[str, str],
    total: int = 0,
    progress: Progress | None = None,
) -> Checked:
    """Check raw rows: (row reference, {field: raw value}, {other column: value}).

    `columns` names each field's column for messages. Every problem is collected; nothing is
    written.
    """
    checked = Checked()
    directory = AgentDirectory()
    seen: dict[str, int | str] = {}

    for ref, raw, extra in rows:
        checked.rows_read += 1
        if progress and checked.rows_read % 2000 == 0:
            progress(checked.rows_read, total)
        record: dict[str, Any] = {}
        row_ok = True

        def problem(name: str, value, message: str, ref=ref) -> None:
            nonlocal row_ok
            row_ok = False
            checked.add_error(
                RowError(ref, columns.get(name, name), name, "" if value is None else str(value), message)
            )

        def parse(name: str, parser, *args, raw=raw):
            value = raw.get(name)
            try:
                return parser(value, *args)
            except fields.ValueProblem as exc:
                problem(name, value, str(exc))
                return None

        source_id = parse("source_id", fields.clean_text, 100)
        if not source_id and row_ok:
            problem("source_id", "", _("The interaction id is missing."))
        elif source_id in seen:
            problem(
                "source_id", source_id, _("The same id appears in row %(row)s.") % {"row": seen[source_id]}
            )
        elif source_id:
            seen[source_id] = ref

        agent_name = raw.get("agent")
        if fields.is_blank(agent_name):
            problem("agent", "", _("The agent is missing."))
        else:
            try:
                agent_id = directory.find(agent_name)
                if agent_id is None:
                    problem(
                        "agent",
                        agent_name,
                        _("More than one agent is called “%(name)s”: use the username or e-mail.")
                        % {"name": agent_name},
                    )
                record["agent_id"] = agent_id
            except KeyError:
                name = " ".join(str(agent_name).split())
                if options.create_agents_team_id:
                    # One new agent per name, however its case and spacing vary.
                    record["agent_new"] = checked.new_agents.setdefault(AgentDirectory.key(name), name)
                else:
                    problem(
                        "agent",
                        agent_name,
                        _("No agent “%(name)s” (checked usernames, e-mails and full names).")
                        % {"name": name},
                    )
                checked.unknown_agents.setdefault(
                    checked.new_agents.get(AgentDirectory.key(name), name), []
                ).append(ref)

        channel = parse("channel", fields.parse_channel) or options.default_channel
        if not channel and row_ok and fields.is_blank(raw.get("channel")):
            problem("channel", "", _("The channel is missing."))
        record["channel"] = channel

        started = parse("started_at", fields.parse_datetime, options.date_order)
        day = parse("start_date", fields.parse_datetime, options.date_order) if "start_date" in raw else None
        if isinstance(day, dt.datetime):
            day = day.date()
        if isinstance(started, dt.datetime) and day is None:
            record["started_at"] = _aware(started)
        elif isinstance(started, dt.time | dt.datetime) and isinstance(day, dt.date):
            clock = started.timetz() if isinstance(started, dt.datetime) else started
            record["started_at"] = _aware(dt.datetime.combine(day, clock.replace(tzinfo=None)))
        elif isinstance(started, dt.date) and not isinstance(started, dt.datetime):
            problem(
                "started_at",
                raw.get("started_at"),
                _("Only a date, no time of day: map a time column too, or a column with both."),
            )
        elif isinstance(started, dt.time):
            problem(
                "started_at",
                raw.get("started_at"),
                _("Only a time of day, no date: map the date column too."),
            )
        elif started is None and raw.get("started_at") in (None, ""):
            problem("started_at", "", _("The start date and time are missing."))
        if "started_at" in record:
            record.update(local_parts(record["started_at"]))

        answered = parse("answered", fields.parse_bool) if "answered" in raw else None
        if answered is None and "abandoned" in raw:
            abandoned = parse("abandoned", fields.parse_bool)
            answered = None if abandoned is None else not abandoned
        record["answered"] = True if answered is None else answered

        for name in ("wait_seconds", "talk_seconds", "hold_seconds", "acw_seconds"):
            value = parse(name, fields.parse_duration)
            record[name] = value if value is not None or name == "wait_seconds" else 0
        record["handle_seconds"] = record["talk_seconds"] + record["hold_seconds"] + record["acw_seconds"]
        for name in ("resolved", "first_contact_resolved"):
            record[name] = parse(name, fields.parse_bool)
        if record["first_contact_resolved"]:
            if record["resolved"] is False:
                problem(
                    "first_contact_resolved",
                    raw.get("first_contact_resolved"),
                    _("Marked resolved on first contact but not resolved."),
                )
            record["resolved"] = True
        for name in ("escalated", "repeat_contact"):
            record[name] = bool(parse(name, fields.parse_bool))
        for name in ("csat", "nps", "effort"):
            spec = fields.FIELDS_BY_NAME[name]
            record[name] = parse(name, fields.parse_int_scale, spec.low, spec.high)
        record["queue"] = parse("queue", fields.clean_text, 100) or ""
        record["customer_ref"] = parse("customer_ref", fields.clean_text, 100) or ""
        record["transcript"] = parse("transcript", fields.clean_text) or ""
        url = parse("recording_url", fields.clean_text, 500) or ""
        if url and not url.startswith(("http://", "https://")):
            problem("recording_url", url, _("A recording link must start with http:// or https://."))
        record["recording_url"] = url
        record["tags"] = fields.parse_tags(raw.get("tags"))
        record["extra"] = {k: _json_safe(v) for k, v in extra.items() if not fields.is_blank(v)}

        if row_ok:
            record["source"] = options.source
            record["source_id"] = source_id
            record["sample_key"] = sample_key(options.source, source_id)
            checked.records.append(record)
    if progress:
        progress(checked.rows_read, total)
    return checked


def check_sheet(
    sheet: Sheet, options: ImportOptions, *, total: int = 0, progress: Progress | None = None
) -> Checked:
    """Check every row of an opened sheet with the field -> header mapping in `options`."""
    index = {header: i for i, header in reversed(list(enumerate(sheet.headers))) if header}
    positions = {name: index[h] for name, h in options.mapping.items() if h in index}
    columns = {name: f"{column_letter(i)} · {sheet.headers[i]}" for name, i in positions.items()}
    mapped = set(positions.values())
    extras = [(i, h) for i, h in enumerate(sheet.headers) if h and i not in mapped]

    limit = max_rows()

    def rows():
        for number, values in sheet.rows:
            if number - sheet.header_row > limit:
                raise ImportFileError(
                    _("The file has more than %(limit)s rows; split it and import the parts.")
                    % {"limit": limit}
                )
            if not any(v not in (None, "") for v in values):
                continue  # blank lines are common at the end of exports
            width = len(values)
            raw = {name: values[i] if i < width else None for name, i in positions.items()}
            extra = {h: values[i] for i, h in extras if i < width}
            yield number, raw, extra

    return check_rows(rows(), options=options, columns=columns, total=total, progress=progress)


def check_items(items: list[dict], options: ImportOptions) -> Checked:
    """Check API items: field names as keys; unknown keys are kept as extra data."""
    known = {f.name for f in fields.FIELDS}
    rows = (
        (
            index,
            {k: v for k, v in item.items() if k in known},
            {k: v for k, v in item.items() if k not in known and k != "extra"}
            | dict(item.get("extra") or {}),
        )
        for index, item in enumerate(items)
    )
    return check_rows(rows, options=options, columns={}, total=len(items))


def classify(checked: Checked, *, source: str) -> dict[str, str]:
    """source_id -> "create" | "update" | "unchanged", comparing with what is stored."""
    outcome: dict[str, str] = {}
    by_id = {r["source_id"]: r for r in checked.records}
    ids = list(by_id)
    compare = [f for f in DATA_FIELDS if f != "agent_id"] + ["agent_id"]
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        for stored in Interaction.objects.filter(source=source, source_id__in=chunk).values(
            "source_id", *compare
        ):
            record = by_id[stored["source_id"]]
            same = "agent_new" not in record and all(stored[f] == record.get(f) for f in compare)
            outcome[stored["source_id"]] = "unchanged" if same else "update"
    for source_id in ids:
        outcome.setdefault(source_id, "create")
    return outcome


def write(checked: Checked, options: ImportOptions, *, progress: Progress | None = None) -> Summary:
    """Write checked records in one transaction: new ones created, changed ones updated."""
    if not checked.ok:
        raise ValueError("refusing to write an import with errors")
    outcome = classify(checked, source=options.source)
    summary = Summary(
        created=sum(1 for v in outcome.values() if v == "create"),
        updated=sum(1 for v in outcome.values() if v == "update"),
        unchanged=sum(1 for v in outcome.values() if v == "unchanged"),
    )
    todo = [r for r in checked.records if outcome[r["source_id"]] != "unchanged"]
    with transaction.atomic():
        new_agents = _create_agents(checked, options)
        summary.agents_created = len(new_agents)
        sql, prepare = _upsert_statement()
        now = timezone.now()
        batch = 5000
        with connection.cursor() as cursor:
            for start in range(0, len(todo), batch):
                rows = []
                for record in todo[start : start + batch]:
                    if "agent_new" in record:
                        record = {**record, "agent_id": new_agents[record["agent_new"]]}
                    rows.append(prepare(record, now))
                cursor.executemany(sql, rows)
                if progress:
                    progress(min(start + batch, len(todo)), len(todo))
    return summary


def _upsert_statement():
    """INSERT … ON CONFLICT (source, source_id) DO UPDATE, and a function that turns a record
    into its parameters. Raw SQL because building 100,000 model instances costs more than the
    writing itself; values still go through each field's own database preparation."""
    columns = ["source", "source_id", *DATA_FIELDS, "created_at", "updated_at"]
    fields = {f.attname: f for f in Interaction._meta.concrete_fields}
    quote = connection.ops.quote_name
    updates = [c for c in (*DATA_FIELDS, "updated_at")]
    sql = (
        f"INSERT INTO {quote(Interaction._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({quote('source')}, {quote('source_id')}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in updates)
    )
    plain = (int, bool, str, type(None))
    preparers = []
    for column in columns:
        field = fields[column]
        preparers.append((column, None if column in ("source", "source_id") else field))

    def prepare(record: dict, now) -> list:
        values = []
        for column, field in preparers:
            value = now if column in ("created_at", "updated_at") else record[column]
            if field is not None and not isinstance(value, plain):
                value = field.get_db_prep_save(value, connection)
            values.append(value)
        return values

    return sql, prepare


def _create_agents(checked: Checked, options: ImportOptions) -> dict[str, int]:
    names = sorted({r["agent_new"] for r in checked.records if "agent_new" in r})
    if not names:
        return {}
    team = Team.objects.get(pk=options.create_agents_team_id)
    taken = set(User.objects.values_list("username", flat=True))
    created = {}
    for name in names:
        email = name if "@" in name else ""
        base = slugify(name.split("@")[0]) or "agent"
        username, n = base, 1
        while username in taken:
            n += 1
            username = f"{base}{n}"
        taken.add(username)
        first, _sep, last = ("" if email else name).partition(" ")
        user = User(
            username=username,
            email=email,
            first_name=first[:150],
            last_name=last[:150],
            role=Role.AGENT,
            team=team,
        )
        user.set_unusable_password()
        user.save()
        created[name] = user.pk
    return created
