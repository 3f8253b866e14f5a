"""Criteria answered from the interaction's data (docs/scoring.md, "Answered from the data").

A criterion can be bound to one recorded field — the survey answers (CSAT 1-5, NPS 0-10, customer
effort 1-7), resolution and first-contact resolution, the hold share of the handle time, the
handle time against a target band, the wait before an answer — and is then answered from it:

- a survey scale on a scale criterion maps proportionally onto it (CSAT 5 is full marks, CSAT 1
  the lowest; customer effort the other way round, 1 being easiest), rounded half up;
- a survey scale on a yes/no criterion passes at or beyond a limit (CSAT at least 4);
- a flag, a limit or a band passes or fails: yes / no, or the highest / lowest point of a scale.

An empty field (no survey answer; no resolution recorded; no handle time) is N/A or left to the
reviewer, as the criterion says. Nothing here reads the database: `values` are the interaction's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import engine
from .models import AnswerType, DataField, WhenEmpty

if TYPE_CHECKING:
    from .structure import CriterionData

# Survey scales: field -> (lowest, highest, higher is better)
SCALES = {
    DataField.CSAT: (1, 5, True),
    DataField.NPS: (0, 10, True),
    DataField.EFFORT: (1, 7, False),
}
FLAGS = {DataField.FCR: "first_contact_resolved", DataField.RESOLVED: "resolved"}

# What a limit is for each field that has one, and its range: (lowest, highest, what it is).
LIMIT_RANGES = {
    DataField.CSAT: (Decimal(1), Decimal(5), gettext_lazy("the lowest CSAT that passes")),
    DataField.NPS: (Decimal(0), Decimal(10), gettext_lazy("the lowest NPS answer that passes")),
    DataField.EFFORT: (Decimal(1), Decimal(7), gettext_lazy("the highest customer effort that passes")),
    DataField.HOLD_SHARE: (Decimal(0), Decimal(100), gettext_lazy("the largest hold share in % that passes")),
    DataField.WAIT: (Decimal(0), Decimal(86400), gettext_lazy("the longest wait in seconds that passes")),
    DataField.HANDLE_TIME: (Decimal(1), Decimal(86400), gettext_lazy("a target handle time in seconds")),
}

# The interaction's fields these answers read (`values` holds them by these names).
VALUE_FIELDS = (
    "csat",
    "nps",
    "effort",
    "first_contact_resolved",
    "resolved",
    "hold_seconds",
    "handle_seconds",
    "wait_seconds",
)


def uses_limit(crit: CriterionData) -> bool:
    """A survey scale needs a limit only on a yes/no criterion; the hold share, the wait and the
    handle time (its target) always do; the flags never do."""
    if crit.data_field in SCALES:
        return crit.answer_type == AnswerType.YES_NO
    return crit.data_field in (DataField.HOLD_SHARE, DataField.WAIT, DataField.HANDLE_TIME)


def uses_band(crit: CriterionData) -> bool:
    return crit.data_field == DataField.HANDLE_TIME


@dataclass(frozen=True)
class DataAnswer:
    """What the data says for one criterion: the answer as the engine takes it ("yes", "no",
    "na" or a whole number; None when it is left to the reviewer) and the evidence, in words."""

    answer: object | None
    evidence: str
    empty: bool = False


def values_of(interaction) -> dict:
    """The interaction's fields that criteria can be answered from."""
    return {name: getattr(interaction, name) for name in VALUE_FIELDS}


def _number(value: Decimal | int) -> str:
    return format(Decimal(value).normalize(), "f")


def _bounds(crit: CriterionData) -> tuple[int, int]:
    if crit.answer_type == AnswerType.RATING:
        return 1, 5
    return crit.scale_min, crit.scale_max


def _passed(crit: CriterionData, passed: bool):
    if crit.answer_type == AnswerType.YES_NO:
        return engine.YES if passed else engine.NO
    low, high = _bounds(crit)
    return high if passed else low


def _half_up(value: Fraction) -> int:
    whole, remainder = divmod(value.numerator, value.denominator)
    return whole + (1 if remainder * 2 >= value.denominator else 0)


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def answer_from_data(crit: CriterionData, values: dict) -> DataAnswer | None:
    """The criterion's answer from `values` (see `values_of`); None when it is not bound."""
    name = crit.data_field
    if not name:
        return None
    label = DataField(name).label
    if name in SCALES:
        value = values.get(name)
        if value is None:
            return _empty(crit, label)
        lowest, highest, higher_better = SCALES[name]
        evidence = {
            DataField.CSAT: _("CSAT %(value)s of 5"),
            DataField.NPS: _("NPS answer %(value)s of 10"),
            DataField.EFFORT: _("Customer effort %(value)s of 7 (1 is easiest)"),
        }[name] % {"value": value}
        if crit.answer_type == AnswerType.YES_NO:
            limit = crit.data_limit
            passed = value >= limit if higher_better else value <= limit
            rule = (_("at least %(limit)s passes") if higher_better else _("at most %(limit)s passes")) % {
                "limit": _number(limit)
            }
            return DataAnswer(_passed(crit, passed), f"{evidence} ({rule})")
        share = Fraction(value - lowest, highest - lowest)
        if not higher_better:
            share = 1 - share
        low, high = _bounds(crit)
        return DataAnswer(low + _half_up(share * (high - low)), evidence)
    if name in FLAGS:
        value = values.get(FLAGS[name])
        if value is None:
            return _empty(crit, label)
        return DataAnswer(_passed(crit, value), f"{label}: {_yes_no(value)}")
    if name == DataField.HOLD_SHARE:
        handle = values.get("handle_seconds") or 0
        if not handle:
            return _empty(crit, _("Handle time"))
        hold = values.get("hold_seconds") or 0
        shown = (Decimal(hold) * 100 / Decimal(handle)).quantize(Decimal("0.1"))
        return DataAnswer(
            _passed(crit, hold * 100 <= crit.data_limit * handle),  # exactly, not the rounded share
            _("Hold %(hold)s s of %(handle)s s handled: %(share)s %% (at most %(limit)s %% passes)")
            % {"hold": hold, "handle": handle, "share": _number(shown), "limit": _number(crit.data_limit)},
        )
    if name == DataField.WAIT:
        wait = values.get("wait_seconds")
        if wait is None:
            return _empty(crit, label)
        return DataAnswer(
            _passed(crit, wait <= crit.data_limit),
            _("Waited %(value)s s before an answer (at most %(limit)s s passes)")
            % {"value": wait, "limit": _number(crit.data_limit)},
        )
    # the handle time within a band around a target
    handle = values.get("handle_seconds") or 0
    if not handle:
        return _empty(crit, label)
    target, band = crit.data_limit, crit.data_band
    low = (target * (100 - band) / 100).quantize(Decimal("1"), rounding="ROUND_CEILING")
    high = (target * (100 + band) / 100).quantize(Decimal("1"), rounding="ROUND_FLOOR")
    return DataAnswer(
        _passed(crit, low <= handle <= high),
        _("Handle time %(value)s s (target %(target)s s ± %(band)s %%: %(low)s–%(high)s s passes)")
        % {"value": handle, "target": _number(target), "band": _number(band), "low": low, "high": high},
    )


def rule_text(crit: CriterionData) -> str:
    """The binding in words, for the rubric's page: "Answered from CSAT, mapped onto the answer;
    empty: N/A"."""
    name = crit.data_field
    field = DataField(name).label
    limit = _number(crit.data_limit) if crit.data_limit is not None else "?"
    if name in SCALES and crit.answer_type != AnswerType.YES_NO:
        rule = _("Answered from %(field)s, mapped onto the answer") % {"field": field}
    elif name in SCALES:
        rule = (
            _("Answered from %(field)s: at least %(limit)s passes")
            if SCALES[name][2]
            else _("Answered from %(field)s: at most %(limit)s passes")
        ) % {"field": field, "limit": limit}
    elif name in FLAGS:
        rule = _("Answered from “%(field)s”: yes passes") % {"field": field}
    elif name == DataField.HOLD_SHARE:
        rule = _("Answered from the hold share: at most %(limit)s %% of the handle time passes") % {
            "limit": limit
        }
    elif name == DataField.WAIT:
        rule = _("Answered from the wait: at most %(limit)s s passes") % {"limit": limit}
    else:
        band = _number(crit.data_band) if crit.data_band is not None else "?"
        rule = _("Answered from the handle time: %(target)s s ± %(band)s %% passes") % {
            "target": limit,
            "band": band,
        }
    empty = _("empty: N/A") if crit.data_empty == WhenEmpty.NA else _("empty: the reviewer answers")
    return f"{rule}; {empty}"


def _empty(crit: CriterionData, label) -> DataAnswer:
    evidence = _("%(field)s: not recorded") % {"field": label}
    if crit.data_empty == WhenEmpty.NA:
        return DataAnswer(engine.NA, evidence, empty=True)
    return DataAnswer(None, evidence, empty=True)


def answers_from_data(data, values: dict) -> dict[str, DataAnswer]:
    """{criterion id as text: its answer from the data} for a rubric's bound criteria (`data` is
    the rubric's RubricData with ids)."""
    found = {}
    for section in data.sections:
        for crit in section.criteria:
            if crit.data_field:
                found[str(crit.id)] = answer_from_data(crit, values)
    return found
