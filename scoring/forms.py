"""HTML input for rubrics.

The editor posts one form for the whole draft: rubric fields, then `s-<i>-<field>` for each
section and `s-<i>-c-<j>-<field>` for each criterion, numbered in screen order (the page's
script renumbers after every add, move or remove). `parse_rubric_post` turns that into
`RubricData`, reporting unreadable values with the section or criterion they belong to.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Channel

from .models import AnswerType, WhenEmpty
from .structure import CriterionData, Problem, RubricData, SectionData, criterion_label, section_label
from .templates_data import RUBRIC_TEMPLATES

SECTION_KEY = re.compile(r"^s-(\d+)-([a-z_]+)$")
CRITERION_KEY = re.compile(r"^s-(\d+)-c-(\d+)-([a-z_]+)$")


class RubricCreateForm(forms.Form):
    start_from = forms.ChoiceField(
        label=gettext_lazy("Start from"),
        choices=[],
        initial="",
        required=False,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("Channels it applies to"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_from"].choices = [("", _("An empty rubric"))] + [
            (key, _("Template: %(name)s") % {"name": t.name}) for key, t in RUBRIC_TEMPLATES.items()
        ]

    def clean(self):
        data = super().clean()
        if not data.get("start_from") and not (data.get("name") or "").strip():
            self.add_error("name", _("Give the new rubric a name."))
        return data


def _decimal(
    raw: str | None, problems: list[Problem], label: str, what: str, s: int, c: int | None, field: str
) -> Decimal:
    text = (raw or "").strip().replace(",", ".")
    if not text:
        problems.append(
            Problem(_("%(where)s: enter the %(what)s.") % {"where": label, "what": what}, s, c, field)
        )
        return Decimal(0)
    try:
        value = Decimal(text)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        problems.append(
            Problem(
                _("%(where)s: the %(what)s “%(value)s” is not a number.")
                % {"where": label, "what": what, "value": raw},
                s,
                c,
                field,
            )
        )
        return Decimal(0)
    return value.quantize(Decimal("0.01")) if value.as_tuple().exponent < -2 else value


def _optional_decimal(
    raw: str | None, problems: list[Problem], label: str, what: str, s: int, c: int, field: str
) -> Decimal | None:
    """A number that may be left empty (the structure's checks say when it is needed)."""
    if not (raw or "").strip():
        return None
    return _decimal(raw, problems, label, what, s, c, field)


def _integer(
    raw: str | None, default: int, problems: list[Problem], label: str, what: str, s: int, c: int, field: str
) -> int:
    text = (raw or "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        problems.append(
            Problem(
                _("%(where)s: the %(what)s “%(value)s” is not a whole number.")
                % {"where": label, "what": what, "value": raw},
                s,
                c,
                field,
            )
        )
        return default


def parse_rubric_post(post) -> tuple[RubricData, list[Problem], int | None]:
    """Read the editor's form. Returns the data, the problems found reading it, and the revision."""
    sections: dict[int, dict[str, str]] = {}
    criteria: dict[int, dict[int, dict[str, str]]] = {}
    for key in post:
        if m := CRITERION_KEY.match(key):
            s, c, name = int(m[1]), int(m[2]), m[3]
            criteria.setdefault(s, {}).setdefault(c, {})[name] = post.get(key)
        elif m := SECTION_KEY.match(key):
            sections.setdefault(int(m[1]), {})[m[2]] = post.get(key)

    problems: list[Problem] = []
    data = RubricData(
        name=post.get("name", ""),
        description=post.get("description", ""),
        channels=post.getlist("channels"),
    )
    for s_index, s_key in enumerate(sorted(sections)):
        raw = sections[s_key]
        section = SectionData(
            name=raw.get("name", ""),
            weight=Decimal(0),
            target=Decimal(0),
            description=raw.get("description", ""),
            id=_id(raw),
        )
        label = section_label(s_index, section)
        section.weight = _decimal(raw.get("weight"), problems, label, _("weight"), s_index, None, "weight")
        section.target = _decimal(raw.get("target"), problems, label, _("target"), s_index, None, "target")
        for c_index, c_key in enumerate(sorted(criteria.get(s_key, {}))):
            craw = criteria[s_key][c_key]
            crit = CriterionData(
                id=_id(craw),
                behaviour=craw.get("behaviour", ""),
                guidance=craw.get("guidance", ""),
                answer_type=craw.get("answer_type") or AnswerType.YES_NO,
                na_allowed=craw.get("na_allowed") in ("on", "true", "1"),
                critical=craw.get("critical") in ("on", "true", "1"),
                data_field=(craw.get("data_field") or "").strip(),
                data_empty=craw.get("data_empty") or WhenEmpty.REVIEWER,
            )
            clabel = criterion_label(s_index, section, c_index, crit)
            if crit.data_field:
                crit.data_limit = _optional_decimal(
                    craw.get("data_limit"),
                    problems,
                    clabel,
                    _("limit or target"),
                    s_index,
                    c_index,
                    "data_limit",
                )
                crit.data_band = _optional_decimal(
                    craw.get("data_band"), problems, clabel, _("band"), s_index, c_index, "data_band"
                )
            crit.weight = _decimal(
                craw.get("weight"), problems, clabel, _("weight"), s_index, c_index, "weight"
            )
            crit.scale_min = _integer(
                craw.get("scale_min"), 0, problems, clabel, _("scale minimum"), s_index, c_index, "scale_min"
            )
            crit.scale_max = _integer(
                craw.get("scale_max"), 4, problems, clabel, _("scale maximum"), s_index, c_index, "scale_max"
            )
            section.criteria.append(crit.normalised())
        data.sections.append(section)

    try:
        revision = int(post.get("revision", ""))
    except ValueError:
        revision = None
    return data, problems, revision


def _id(raw: dict[str, str]) -> int | None:
    try:
        return int(raw.get("id") or "")
    except ValueError:
        return None


def editor_rows(data: RubricData, problems: list[Problem]) -> list[dict]:
    """Sections and criteria paired with the problems that concern them, for the editor page."""
    rows = []
    for s_index, section in enumerate(data.sections):
        mine = [p for p in problems if p.section == s_index]
        rows.append(
            {
                "data": section,
                "problems": [p for p in mine if p.criterion is None],
                "fields": {p.field for p in mine if p.criterion is None and p.field},
                "criteria": [
                    {
                        "data": crit,
                        "problems": [p for p in mine if p.criterion == c_index],
                        "fields": {p.field for p in mine if p.criterion == c_index and p.field},
                    }
                    for c_index, crit in enumerate(section.criteria)
                ],
            }
        )
    return rows


class RubricFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=(), required=False)

    def __init__(self, *args, **kwargs):
        from .models import RubricStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *RubricStatus.choices]
