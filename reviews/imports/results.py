"""What an import is told and what it finds: the options, each row's problem, each field's
profile, the check's totals and the import's summary."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from . import fields

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
