"""Where an agent stands on the skill ladder: their confirmed level, the level their records
suggest, and what the next level asks for against what they have."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import AgentLevel, Level, PerformanceRecord, RecordLevel, SkillLevel
from ..services.records import month_start
from .records import months_back


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def requirement_rows(level: SkillLevel, *, agent, records: dict, today: dt.date) -> list[dict]:
    """Each requirement of `level` with what the agent has and whether it is met. `records` is
    month -> the agent's record, for the months before this one (complete months only)."""
    rows = []
    recent = [records.get(m) for m in months_back(month_start(today), level.months + 1)[:-1]]
    if level.qa_mean_min is not None:
        reviews = sum(r.reviews_n for r in recent if r)
        total = sum((r.qa_mean * r.reviews_n for r in recent if r and r.qa_mean is not None), Decimal(0))
        mean = (total / reviews).quantize(Decimal("0.01")) if reviews else None
        rows.append({
            "label": ngettext("QA mean over the last month", "QA mean over the last %(n)s months", level.months) % {"n": level.months},
            "required": f"≥ {level.qa_mean_min}", "actual": "—" if mean is None else f"{mean} (n = {reviews})",
            "met": mean is not None and mean >= level.qa_mean_min,
        })  # fmt: skip
    if level.no_critical_months:
        window = [records.get(m) for m in months_back(month_start(today), level.no_critical_months + 1)[:-1]]
        failures = sum(r.critical_n for r in window if r)
        rows.append({
            "label": ngettext(
                "No critical failure for a month", "No critical failure for %(n)s months", level.no_critical_months
            ) % {"n": level.no_critical_months},
            "required": "0", "actual": str(failures), "met": failures == 0 and any(window),
        })  # fmt: skip
    if level.tenure_months:
        tenure = _months_between(agent.hired_on, today) if agent.hired_on else None
        rows.append({
            "label": _("Tenure"), "required": ngettext("≥ %(n)s month", "≥ %(n)s months", level.tenure_months) % {"n": level.tenure_months},
            "actual": "—" if tenure is None else ngettext("%(n)s month", "%(n)s months", tenure) % {"n": tenure},
            "met": tenure is not None and tenure >= level.tenure_months,
        })  # fmt: skip
    last = next((r for r in reversed(recent) if r), None)
    for threshold in level.kpis:
        code = threshold["kpi"]
        figure = (last.figures.get("kpis", {}).get(code) if last else None) or {}
        value = Decimal(figure["value"]) if figure.get("value") is not None else None
        if "at_least" in threshold:
            bound, met = (
                f"≥ {threshold['at_least']}",
                value is not None and value >= Decimal(threshold["at_least"]),
            )
        else:
            bound, met = (
                f"≤ {threshold['at_most']}",
                value is not None and value <= Decimal(threshold["at_most"]),
            )
        rows.append({
            "label": code.upper(), "required": bound,
            "actual": "—" if value is None else f"{value} (n = {figure.get('n', 0)})", "met": met,
        })  # fmt: skip
    return rows


def ladder_position(*, agent, today: dt.date) -> dict:
    """The agent's confirmed level (junior until a lead confirms one), the highest level whose
    requirements their records meet (the suggestion), and the next level with its rows."""
    ladder = list(SkillLevel.objects.order_by("position"))
    history = list(AgentLevel.objects.filter(agent=agent).select_related("confirmed_by"))
    current = history[-1].level if history else Level.JUNIOR
    records = {
        r.month: r
        for r in PerformanceRecord.objects.filter(
            level=RecordLevel.AGENT, agent=agent, month__in=months_back(month_start(today), 13)
        )
    }
    checks = {s.level: requirement_rows(s, agent=agent, records=records, today=today) for s in ladder}
    suggested = Level.JUNIOR
    for step in ladder:
        if all(row["met"] for row in checks[step.level]):
            suggested = step.level
        else:
            break
    order = [s.level for s in ladder]
    position = order.index(current) if current in order else 0
    following = ladder[position + 1] if position + 1 < len(ladder) else None
    return {
        "current": current,
        "current_label": Level(current).label,
        "suggested": suggested,
        "suggested_label": Level(suggested).label,
        "next": following,
        "next_rows": checks.get(following.level, []) if following else [],
        "history": history,
    }
