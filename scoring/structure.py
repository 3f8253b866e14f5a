"""A rubric's structure as plain data, and the rules it must follow.

HTML forms and API serializers both turn their input into `RubricData`; services validate it
here and write it. Problems name the section or criterion at fault so a manager can find it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.models import Channel

from . import engine
from .models import AnswerType, DataField, WhenEmpty

HUNDRED = Decimal("100")
MAX_CRITERION_WEIGHT = Decimal("10000")
SCALE_LIMIT = 1000
NAME_LENGTH = 200  # rubric and section names
BEHAVIOUR_LENGTH = 300
TEXT_LENGTH = 2000  # descriptions and guidance

# Fixed scale bounds for the answer types that have them.
FIXED_BOUNDS = {AnswerType.YES_NO: (0, 1), AnswerType.RATING: (1, 5)}


def fmt_decimal(value: Decimal) -> str:
    """25.00 -> "25", 12.50 -> "12.5": how people write weights and targets."""
    return format(value.normalize(), "f")


@dataclass
class CriterionData:
    behaviour: str
    weight: Decimal = Decimal("1")
    answer_type: str = AnswerType.YES_NO
    scale_min: int = 0
    scale_max: int = 1
    guidance: str = ""
    na_allowed: bool = False
    critical: bool = False
    id: int | None = None
    identity: str = ""  # kept across versions (empty: a new criterion)
    # Answered from the interaction's data (scoring.data_answers); empty: the reviewer answers.
    data_field: str = ""
    data_limit: Decimal | None = None
    data_band: Decimal | None = None
    data_empty: str = WhenEmpty.REVIEWER

    @property
    def data_rule(self) -> str:
        """How it is answered from the data, in words ("" when the reviewer answers)."""
        from .data_answers import rule_text

        return rule_text(self) if self.data_field else ""

    def normalised(self) -> CriterionData:
        if self.answer_type in FIXED_BOUNDS:
            self.scale_min, self.scale_max = FIXED_BOUNDS[self.answer_type]
        if not self.data_field:
            self.data_limit = self.data_band = None
            self.data_empty = WhenEmpty.REVIEWER
        else:
            from .data_answers import uses_band, uses_limit

            if not uses_limit(self):
                self.data_limit = None
            if not uses_band(self):
                self.data_band = None
        return self


@dataclass
class SectionData:
    name: str
    weight: Decimal
    target: Decimal
    description: str = ""
    criteria: list[CriterionData] = field(default_factory=list)
    id: int | None = None
    identity: str = ""  # kept across versions (empty: a new section)


@dataclass
class RubricData:
    name: str
    description: str = ""
    channels: list[str] = field(default_factory=list)
    sections: list[SectionData] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rubric. Indexes are 0-based positions in the structure."""

    message: str
    section: int | None = None
    criterion: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        return self.message


def section_label(index: int, section: SectionData) -> str:
    name = section.name.strip() or _("(no name)")
    return _("Section %(number)s “%(name)s”") % {"number": index + 1, "name": name}


def criterion_label(s_index: int, section: SectionData, c_index: int, crit: CriterionData) -> str:
    text = crit.behaviour.strip() or _("(no behaviour)")
    return _("criterion %(number)s “%(text)s” in %(section)s") % {
        "number": c_index + 1,
        "text": text if len(text) <= 60 else text[:57] + "…",
        "section": section_label(s_index, section),
    }


def field_problems(data: RubricData) -> list[Problem]:
    """Problems that stop a draft from being saved at all."""
    problems: list[Problem] = []
    if not data.name.strip():
        problems.append(Problem(_("The rubric needs a name."), field="name"))
    elif len(data.name.strip()) > NAME_LENGTH:
        problems.append(
            Problem(
                _("The rubric's name is longer than %(n)s characters.") % {"n": NAME_LENGTH}, field="name"
            )
        )
    if len(data.description.strip()) > TEXT_LENGTH:
        problems.append(
            Problem(
                _("The rubric's description is %(length)s characters long; at most %(n)s fit.")
                % {"length": len(data.description.strip()), "n": TEXT_LENGTH},
                field="description",
            )
        )
    for channel in data.channels:
        if channel not in Channel.values:
            problems.append(
                Problem(_("“%(value)s” is not a channel.") % {"value": channel}, field="channels")
            )
    for s_index, section in enumerate(data.sections):
        label = section_label(s_index, section)

        def on_section(message: str, field: str, s_index=s_index) -> None:
            problems.append(Problem(message, s_index, None, field))

        if not section.name.strip():
            on_section(_("%(section)s needs a name.") % {"section": label}, "name")
        elif len(section.name.strip()) > NAME_LENGTH:
            on_section(
                _("%(section)s: the name is longer than %(n)s characters.")
                % {"section": label, "n": NAME_LENGTH},
                "name",
            )
        if len(section.description.strip()) > TEXT_LENGTH:
            on_section(
                _("%(section)s: the description is %(length)s characters long; at most %(n)s fit.")
                % {"section": label, "length": len(section.description.strip()), "n": TEXT_LENGTH},
                "description",
            )
        for attr, what, value in (
            ("weight", _("weight"), section.weight),
            ("target", _("target"), section.target),
        ):
            if not Decimal(0) <= value <= HUNDRED:
                on_section(
                    _("%(section)s: the %(field)s must be between 0 and 100, not %(value)s.")
                    % {"section": label, "field": what, "value": fmt_decimal(value)},
                    attr,
                )
        for c_index, crit in enumerate(section.criteria):
            clabel = criterion_label(s_index, section, c_index, crit)

            def on_criterion(message: str, field: str, s_index=s_index, c_index=c_index) -> None:
                problems.append(Problem(message, s_index, c_index, field))

            behaviour = crit.behaviour.strip()
            if not behaviour:
                on_criterion(
                    _("Describe the observable behaviour of %(criterion)s.") % {"criterion": clabel},
                    "behaviour",
                )
            elif len(behaviour) > BEHAVIOUR_LENGTH:
                on_criterion(
                    _("%(criterion)s: the behaviour is longer than %(n)s characters.")
                    % {"criterion": clabel, "n": BEHAVIOUR_LENGTH},
                    "behaviour",
                )
            if len(crit.guidance.strip()) > TEXT_LENGTH:
                on_criterion(
                    _("%(criterion)s: the guidance is %(length)s characters long; at most %(n)s fit.")
                    % {"criterion": clabel, "length": len(crit.guidance.strip()), "n": TEXT_LENGTH},
                    "guidance",
                )
            if crit.answer_type not in AnswerType.values:
                on_criterion(
                    _("%(criterion)s: “%(value)s” is not an answer type.")
                    % {"criterion": clabel, "value": crit.answer_type},
                    "answer_type",
                )
            elif crit.scale_max <= crit.scale_min:
                on_criterion(
                    _("%(criterion)s: the scale maximum (%(max)s) must be above its minimum (%(min)s).")
                    % {"criterion": clabel, "max": crit.scale_max, "min": crit.scale_min},
                    "scale_max",
                )
            elif not -SCALE_LIMIT <= crit.scale_min < crit.scale_max <= SCALE_LIMIT:
                on_criterion(
                    _("%(criterion)s: the scale must lie between -%(n)s and %(n)s.")
                    % {"criterion": clabel, "n": SCALE_LIMIT},
                    "scale_max",
                )
            if not Decimal(0) <= crit.weight <= MAX_CRITERION_WEIGHT:
                on_criterion(
                    _("%(criterion)s: the weight must be between 0 and %(max)s, not %(value)s.")
                    % {
                        "criterion": clabel,
                        "max": fmt_decimal(MAX_CRITERION_WEIGHT),
                        "value": fmt_decimal(crit.weight),
                    },
                    "weight",
                )
            if crit.data_field:
                for message, name in data_problems(crit):
                    on_criterion(f"{clabel}: {message}", name)
    return problems


def data_problems(crit: CriterionData) -> list[tuple[str, str]]:
    """What is wrong with a criterion's answer from the data: (message, field) pairs."""
    from .data_answers import LIMIT_RANGES, uses_band, uses_limit

    if crit.data_field not in DataField.values:
        return [
            (
                _("“%(value)s” is not a field it can be answered from.") % {"value": crit.data_field},
                "data_field",
            )
        ]
    field_name = DataField(crit.data_field).label
    problems = []
    if crit.data_empty not in WhenEmpty.values:
        problems.append(
            (_("“%(value)s” is not a choice for empty data.") % {"value": crit.data_empty}, "data_empty")
        )
    elif crit.data_empty == WhenEmpty.NA and not crit.na_allowed:
        problems.append(
            (
                _(
                    "an empty %(field)s is to be answered N/A, so allow N/A (or leave empty ones to the reviewer)."
                )
                % {"field": field_name},
                "data_empty",
            )
        )
    if uses_limit(crit):
        low, high, what = LIMIT_RANGES[crit.data_field]
        if crit.data_limit is None:
            problems.append(
                (
                    _("answered from %(field)s, it needs %(what)s.") % {"field": field_name, "what": what},
                    "data_limit",
                )
            )
        elif not (low <= crit.data_limit <= high):
            problems.append(
                (
                    _("the %(what)s must be between %(low)s and %(high)s, not %(value)s.")
                    % {
                        "what": what,
                        "low": fmt_decimal(low),
                        "high": fmt_decimal(high),
                        "value": fmt_decimal(crit.data_limit),
                    },
                    "data_limit",
                )
            )
    if uses_band(crit):
        if crit.data_band is None:
            problems.append(
                (
                    _(
                        "answered from the handle time, it needs a band (plus or minus a share of the target, in per cent)."
                    ),
                    "data_band",
                )
            )
        elif not (Decimal(0) < crit.data_band <= HUNDRED):
            problems.append(
                (
                    _("the band must be more than 0 and at most 100 %%, not %(value)s.")
                    % {"value": fmt_decimal(crit.data_band)},
                    "data_band",
                )
            )
    return problems


def publish_problems(data: RubricData) -> list[Problem]:
    """Everything that stops a rubric from being published (includes `field_problems`)."""
    problems = field_problems(data)
    if not data.channels:
        problems.append(Problem(_("Choose at least one channel the rubric applies to."), field="channels"))
    if not data.sections:
        problems.append(Problem(_("Add at least one section.")))
        return problems
    total = sum((s.weight for s in data.sections), Decimal(0))
    if total != HUNDRED:
        problems.append(
            Problem(
                _("Section weights must add up to 100; they add up to %(total)s.")
                % {"total": fmt_decimal(total)},
                field="weight",
            )
        )
    for s_index, section in enumerate(data.sections):
        label = section_label(s_index, section)
        if not section.criteria:
            problems.append(
                Problem(_("%(section)s needs at least one criterion.") % {"section": label}, s_index)
            )
        elif sum((c.weight for c in section.criteria), Decimal(0)) <= 0:
            problems.append(
                Problem(
                    _("%(section)s: at least one criterion must weigh more than 0.") % {"section": label},
                    s_index,
                )
            )
    return problems


def engine_spec(data: RubricData) -> engine.RubricSpec:
    """The structure as the scoring engine reads it.

    Keys are the database ids where there are any ("12"), otherwise positions ("s1", "s1c2").
    """
    return engine.RubricSpec(
        sections=tuple(
            engine.SectionSpec(
                key=str(s.id) if s.id is not None else f"s{si}",
                label=s.name,
                weight=s.weight,
                target=s.target,
                criteria=tuple(
                    engine.CriterionSpec(
                        key=str(c.id) if c.id is not None else f"s{si}c{ci}",
                        label=c.behaviour,
                        weight=c.weight,
                        answer_type=engine.AnswerType(c.answer_type),
                        scale_min=c.scale_min,
                        scale_max=c.scale_max,
                        na_allowed=c.na_allowed,
                        critical=c.critical,
                    )
                    for ci, c in enumerate(s.criteria, start=1)
                ),
            )
            for si, s in enumerate(data.sections, start=1)
        )
    )
