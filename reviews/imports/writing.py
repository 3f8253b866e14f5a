"""Writing: each chunk compared with what is stored, then upserted in the one transaction of
the import (all rows or none)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
from collections.abc import Callable, Iterable

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import Event, publish
from core.models import AuditAction, Team, User

from ..models import Interaction
from .checking import AgentDirectory, scan
from .results import DATA_FIELDS, DERIVED, EXAMPLES_PER_FIELD, Checked, ImportOptions, Progress, Summary

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
