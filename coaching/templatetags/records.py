"""Showing record figures: "—" for no data, flags in words, sparklines and range bars as SVG
(drawn on the server: a table of 200 agents needs no 200 charts), chart data as JSON."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coaching.forms import FLAG_LABELS
from coaching.models.kpis import kpi_title, scheme_label
from coaching.services.records import Flag
from core.display import half_up

register = template.Library()

DASH = "—"


@register.filter
def fig(value, places: int = 2):
    """A figure, or "—" when there is none (never 0 for "no data")."""
    if value is None or value == "":
        return DASH
    return half_up(value, int(places))


@register.filter
def flag_label(code: str) -> str:
    return str(FLAG_LABELS.get(code, code))


@register.filter
def kpi_label(code: str, stored: str = "") -> str:
    return kpi_title(code, stored)


@register.filter
def row_label(row: dict) -> str:
    """The name of a composite's row (stored as {"kpi": code, "label": ...})."""
    return kpi_title(row.get("kpi", ""), row.get("label", ""))


@register.filter
def scheme_name(name: str) -> str:
    return scheme_label(name or "")


KPI_UNITS = {"aht": " s", "asa": " s", "volume": "", "csat_mean": "", "ces": "", "nps": ""}


@register.filter
def kpi_value(figure: dict | None, code: str = "") -> str:
    if not figure or figure.get("value") is None:
        return DASH
    unit = KPI_UNITS.get(code, " %")
    places = 0 if code in ("volume", "aht", "asa") else (2 if code in ("csat_mean", "ces") else 1)
    return f"{fig(figure['value'], places)}{unit}"


@register.simple_tag
def section_state(section: dict | None) -> str:
    """met / near (at ≥ 90% of target) / below: a cell's class, always beside its words."""
    if not section or section.get("mean") is None:
        return "none"
    if section["met"]:
        return "met"
    return "near" if Decimal(section["attainment"]) >= 90 else "below"


@register.simple_tag
def attention_reason(row) -> str:
    """Why an agent is on the attention list, in words with the figures."""
    record = row.record
    qa = record.figures["qa"]
    parts = []
    for flag in row.reasons:
        if flag == Flag.CRITICAL:
            parts.append(
                _("%(n)s critical failure(s) in %(total)s reviews") % {"n": qa["critical"], "total": qa["n"]}
            )
        elif flag == Flag.FALLING:
            parts.append(
                _("falling: %(mean)s (%(low)s–%(high)s), wholly below last month's interval")
                % {"mean": qa["mean"], "low": qa["low"], "high": qa["high"]}
            )
        elif flag == Flag.BELOW_TARGET:
            parts.append(
                _("QA %(mean)s below the target %(target)s") % {"mean": qa["mean"], "target": qa["target"]}
            )
        elif flag == Flag.SHORT_SAMPLE:
            parts.append(_("short sample: %(n)s reviews") % {"n": qa["n"]})
    return "; ".join(parts)


@register.simple_tag
def sparkline(points, width: int = 96, height: int = 24):
    """Six months of QA means as a small SVG line; the values are its label (and in a title)."""
    values = [p[1] for p in points]
    known = [float(v) for v in values if v is not None]
    words = ", ".join(f"{date_format(m, 'M')}: {fig(v)} (n {n})" for m, v, n in points)
    if not known:
        return format_html('<span class="hint">{}</span>', DASH)
    low, high = min([*known, 60.0]), max([*known, 100.0])
    step = width / max(1, len(values) - 1)

    def y(v):
        return height - 2 - (float(v) - low) / ((high - low) or 1) * (height - 4)

    segments, current = [], []
    for i, v in enumerate(values):
        if v is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{i * step:.1f},{y(v):.1f}")
    if current:
        segments.append(current)
    lines = format_html_join("", '<polyline points="{}"></polyline>', ((" ".join(s),) for s in segments))
    dots = format_html_join(
        "", '<circle cx="{}" cy="{}" r="1.8"></circle>',
        ((f"{i * step:.1f}", f"{y(v):.1f}") for i, v in enumerate(values) if v is not None),
    )  # fmt: skip
    return format_html(
        '<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{label}">'
        "<title>{label}</title>{lines}{dots}</svg>",
        w=width, h=height, label=words, lines=lines, dots=dots,
    )  # fmt: skip


@register.simple_tag
def range_bar(summary, others=None, width: int = 220, height: int = 22):
    """A reviewer's totals on a 0–100 scale: min–max line, the interval as a box, the median as
    a tick, the others' mean as a dashed mark. Its label says the same in words."""
    if summary is None or summary.n == 0:
        return format_html('<span class="hint">{}</span>', DASH)

    def x(v):
        return 4 + float(v) / 100 * (width - 8)

    label = _("min %(min)s, interval %(low)s–%(high)s, median %(median)s, max %(max)s") % {
        "min": fig(summary.min), "low": fig(summary.low), "high": fig(summary.high),
        "median": fig(summary.median), "max": fig(summary.max),
    }  # fmt: skip
    box = ""
    if summary.low is not None:
        box = format_html(
            '<rect class="ci" x="{}" y="5" width="{}" height="12"></rect>',
            f"{x(summary.low):.1f}", f"{max(1.0, x(summary.high) - x(summary.low)):.1f}",
        )  # fmt: skip
    other = ""
    if others is not None:
        other = format_html(
            '<line class="others" x1="{x}" x2="{x}" y1="1" y2="21"></line>', x=f"{x(others):.1f}"
        )
    return format_html(
        '<svg class="range" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{label}">'
        '<title>{label}</title><line class="span" x1="{a}" x2="{b}" y1="11" y2="11"></line>{box}'
        '<line class="median" x1="{m}" x2="{m}" y1="3" y2="19"></line>{other}</svg>',
        w=width, h=height, label=label, a=f"{x(summary.min):.1f}", b=f"{x(summary.max):.1f}", box=box,
        m=f"{x(summary.median):.1f}", other=other,
    )  # fmt: skip


@register.simple_tag
def trend_data(trend) -> dict:
    """A trend's points for charts.js: months, mean, interval, target and n (None: a gap)."""

    def val(record, name):
        value = getattr(record, name) if record else None
        return float(value) if value is not None else None

    return {
        "labels": [f"{m:%Y-%m}" for m, _r in trend],
        "mean": [val(r, "qa_mean") for _m, r in trend],
        "low": [val(r, "qa_low") for _m, r in trend],
        "high": [val(r, "qa_high") for _m, r in trend],
        "target": [val(r, "qa_target") for _m, r in trend],
        "n": [r.reviews_n if r else 0 for _m, r in trend],
        "names": {
            "mean": _("QA mean"),
            # xgettext:no-python-format
            "band": _("95% interval"),
            "target": _("Target"),
        },
    }


@register.simple_tag
def radar_data(record) -> dict:
    sections = record.figures["qa"]["sections"] if record else []
    return {
        "labels": [s["name"] for s in sections],
        "mean": [float(s["mean"]) if s["mean"] else None for s in sections],
        "target": [float(s["target"]) if s["target"] else None for s in sections],
        "names": {"mean": _("Section mean"), "target": _("Target")},
    }


# The team-level KPIs the team and programme pages set side by side (partials/team_kpis.html).
TEAM_KPIS = (
    ("aht", gettext_lazy("AHT")),
    ("asa", gettext_lazy("ASA")),
    ("csat", gettext_lazy("CSAT")),
    ("fcr", gettext_lazy("FCR")),
    ("abandonment", gettext_lazy("Abandonment")),
    ("service_level", gettext_lazy("Service level")),
)


@register.simple_tag
def team_kpi_columns():
    return TEAM_KPIS


@register.filter
def kpi_of(record, code: str) -> dict | None:
    """The record's figure for KPI `code` ({value, n}), None without a record."""
    if record is None:
        return None
    return (record.figures.get("kpis") or {}).get(code)


@register.inclusion_tag("coaching/partials/change.html")
def qa_change(current, previous):
    """This month against last: "+2.00 (within the intervals)" or "+6.00, a real rise"."""
    from coaching.metrics import qa_change as change

    return {"change": change(current, previous)}


@register.inclusion_tag("coaching/partials/figure_change.html")
def figure_change(current, previous, places: int = 2, unit: str = ""):
    """A headline figure without an interval against last month's: "+3 against last month (no
    interval to call it real)"; nothing when either month has none."""
    if current in (None, "") or previous in (None, ""):
        return {"delta": None}
    delta = Decimal(str(current)) - Decimal(str(previous))
    return {"delta": delta, "places": places, "unit": unit}
