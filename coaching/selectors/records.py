"""Reads of performance records for the dashboards, the agent's page, the report and the API.
Every figure shown comes from a stored record (see docs/metrics.md); nothing is recomputed here
except what a page arranges (sort, filter, the team median beside an agent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404

from core.models import Team, User
from core.permissions import Scope, scope_of
from core.selectors import agent_queryset_for
from reviews.models import Review
from reviews.selectors.results import reviews_missing

from ..models import PerformanceRecord, RecordLevel
from ..services.records import RELEASED, Flag, month_start, previous_month

# The KPIs a dashboard row shows beside the QA results (all of them are on the agent's page).
MAIN_KPIS = ("aht", "fcr", "csat")
ATTENTION = (Flag.CRITICAL, Flag.FALLING, Flag.BELOW_TARGET, Flag.SHORT_SAMPLE)  # most severe first


def by_severity(rows, *, reasons, mean):
    """'Needs attention' most severe first: the most severe reason (ATTENTION's order), then more
    reasons, then the lower QA mean ("—" last)."""

    def key(row):
        found = reasons(row)
        value = mean(row)
        return (min(ATTENTION.index(f) for f in found), -len(found), value is None, value or 0)

    return sorted((r for r in rows if reasons(r)), key=key)


def months_back(month: dt.date, count: int) -> list[dt.date]:
    """`count` months ending with `month`, oldest first."""
    months = [month_start(month)]
    while len(months) < count:
        months.insert(0, previous_month(months[0]))
    return months


def agent_get_for(*, user, pk: int) -> User:
    return get_object_or_404(agent_queryset_for(user), pk=pk)


def record_queryset_for(user) -> QuerySet[PerformanceRecord]:
    """Records the user may see: QA managers all; a lead their teams' and their agents'; an agent
    their own (and the programme's figures only as a median beside theirs, never listed)."""
    qs = PerformanceRecord.objects.select_related("agent", "team")
    match scope_of(user):
        case Scope.ALL:
            return qs
        case Scope.TEAMS:
            return qs.filter(team__lead=user)
        case Scope.OWN:
            return qs.filter(level=RecordLevel.AGENT, agent=user)
    return qs.none()


def record_list_for(*, user, filters: dict | None = None) -> QuerySet[PerformanceRecord]:
    """The records `user` may see, by month, level, team and agent, newest month first."""
    filters = filters or {}
    qs = record_queryset_for(user)
    if filters.get("month"):
        qs = qs.filter(month=filters["month"].replace(day=1))
    for name in ("level", "team", "agent"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    return qs.order_by("-month", "level", "team__name", "agent__username", "pk")


def _section_columns(records, team_record) -> tuple[list[dict], list[dict]]:
    """The sections the rows show: those of the rubric most of the month's reviews used, in its
    order, by identity. Returns them and the other rubrics (name, n) the page mentions."""
    rubrics = sorted(
        (team_record.figures["qa"]["rubrics"] if team_record else []), key=lambda r: (-r["n"], r["name"])
    )
    main = rubrics[0]["lineage"] if rubrics else None
    columns, seen = [], set()
    for record in records:
        for s in record.figures.get("qa", {}).get("sections", []):
            if s["identity"] not in seen and s.get("rubric", main) == main:
                seen.add(s["identity"])
                columns.append({"identity": s["identity"], "name": s["name"]})
    return columns, rubrics[1:]


@dataclass
class AgentRow:
    agent: User
    record: PerformanceRecord | None
    sections: list = field(default_factory=list)  # per column: the section figure or None
    kpis: dict = field(default_factory=dict)
    trend: list = field(default_factory=list)  # (month, mean or None, n) oldest first
    reasons: list = field(default_factory=list)  # why on the attention list
    previous: PerformanceRecord | None = None  # last month's record: the change against it

    @property
    def sort_values(self) -> dict:
        r = self.record
        qa = r.qa_mean if r else None
        return {
            "name": (str(self.agent).lower(),),
            "n": (r.reviews_n if r else 0,),
            "qa": (qa is None, qa or Decimal(0)),
            "composite": (r is None or r.composite is None, (r.composite if r else None) or Decimal(0)),
            **{
                code: (self.kpis[code]["value"] is None, Decimal(self.kpis[code]["value"] or 0))
                for code in MAIN_KPIS
            },
        }


SORTS = ("name", "n", "qa", "composite", *MAIN_KPIS)


def _point(record: PerformanceRecord | None, month: dt.date) -> tuple:
    return (month, record.qa_mean if record else None, record.reviews_n if record else 0)


def records_version(*which: Q) -> tuple:
    """(latest built_at, how many) of the records matching any of `which`: it moves whenever one
    of them is rebuilt with new figures, added or removed (a cached page keys on it, core.cache)."""
    found = PerformanceRecord.objects.filter(reduce(or_, which)).aggregate(at=Max("built_at"), n=Count("id"))
    return found["at"], found["n"]


def team_dashboard_version(*, team: Team, month: dt.date) -> tuple:
    """What the team dashboard of `month` is built from: the agents' records of six months and
    the team's of twelve."""
    trend_months = months_back(month, 12)
    return records_version(
        Q(level=RecordLevel.AGENT, agent__team=team, month__in=trend_months[-6:]),
        Q(level=RecordLevel.TEAM, team=team, month__in=trend_months),
    )


def agent_page_version(*, agent: User, month: dt.date) -> tuple:
    """What an agent's page of `month` is built from: their records of twelve months and their
    team's agent records of the month (the median beside theirs)."""
    which = [Q(level=RecordLevel.AGENT, agent=agent, month__in=months_back(month, 12))]
    if agent.team_id:
        which.append(Q(level=RecordLevel.AGENT, team_id=agent.team_id, month=month_start(month)))
    return records_version(*which)


def team_dashboard(
    *, team: Team, month: dt.date, sort: str = "name", descending: bool = False, flag: str = ""
) -> dict:
    """One row per agent of the team for `month`, the team record, its 12-month trend and the
    attention list. Four queries however many agents."""
    month = month_start(month)
    trend_months = months_back(month, 12)
    spark_months = trend_months[-6:]
    agents = list(User.objects.filter(team=team).order_by("first_name", "last_name", "username"))
    agent_records = {
        (r.agent_id, r.month): r
        for r in PerformanceRecord.objects.filter(
            level=RecordLevel.AGENT, agent__team=team, month__in=spark_months
        )
    }
    team_records = {
        r.month: r
        for r in PerformanceRecord.objects.filter(level=RecordLevel.TEAM, team=team, month__in=trend_months)
    }
    current = [agent_records[(a.pk, month)] for a in agents if (a.pk, month) in agent_records]
    columns, other_rubrics = _section_columns(current, team_records.get(month))
    rows = []
    for agent in agents:
        record = agent_records.get((agent.pk, month))
        if record is None and not agent.is_active:
            continue  # left the team before this month, no data
        figures = record.figures if record else {}
        by_identity = {s["identity"]: s for s in figures.get("qa", {}).get("sections", [])}
        kpis = figures.get("kpis", {})
        row = AgentRow(
            agent=agent,
            record=record,
            sections=[by_identity.get(c["identity"]) for c in columns],
            kpis={code: kpis.get(code, {"value": None, "n": 0}) for code in MAIN_KPIS},
            trend=[_point(agent_records.get((agent.pk, m)), m) for m in spark_months],
            reasons=[f for f in ATTENTION if record and f in record.flags],
            previous=agent_records.get((agent.pk, previous_month(month))),
        )
        rows.append(row)
    if flag:
        rows = [r for r in rows if r.record and flag in r.record.flags]
    if sort not in SORTS:
        sort = "name"
    rows.sort(key=lambda r: r.sort_values[sort], reverse=descending)
    if descending:  # keep "—" last either way
        rows.sort(key=lambda r: r.sort_values[sort][0] is True)
    return {
        "team": team,
        "month": month,
        "record": team_records.get(month),
        "kpi_rows": [(team.name, team_records[month])] if month in team_records else [],
        "previous": team_records.get(previous_month(month)),
        "trend": [(m, team_records.get(m)) for m in trend_months],
        "columns": columns,
        "other_rubrics": other_rubrics,
        "rows": rows,
        "attention": by_severity(
            rows, reasons=lambda r: r.reasons, mean=lambda r: r.record and r.record.qa_mean
        ),
        "sort": sort,
        "descending": descending,
        "flag": flag,
    }


def agent_page(*, agent: User, month: dt.date) -> dict:
    """An agent's record for `month`, its 12-month trend, and the team's median QA mean (the
    only figure of other agents an agent sees: no names)."""
    month = month_start(month)
    trend_months = months_back(month, 12)
    records = {
        r.month: r
        for r in PerformanceRecord.objects.filter(
            level=RecordLevel.AGENT, agent=agent, month__in=trend_months
        )
    }
    record = records.get(month)
    team_median = None
    if agent.team_id:
        means = sorted(
            PerformanceRecord.objects.filter(
                level=RecordLevel.AGENT, month=month, team_id=agent.team_id, qa_mean__isnull=False
            ).values_list("qa_mean", flat=True)
        )
        if means:
            mid = len(means) // 2
            team_median = {
                "value": means[mid]
                if len(means) % 2
                else ((means[mid - 1] + means[mid]) / 2).quantize(Decimal("0.01")),
                "n": len(means),
            }
    reviews = list(
        Review.objects.filter(agent=agent, status__in=RELEASED, interaction__local_month=month)
        .select_related("interaction", "rubric")
        .order_by("interaction__started_at")
    )
    return {
        "agent": agent,
        "month": month,
        "previous": records.get(previous_month(month)),  # the change against last month
        "record": record,
        "trend": [(m, records.get(m)) for m in trend_months],
        "team_median": team_median,
        "reviews": reviews,
        "weakest": weakest_criteria(record, reviews),
    }


def weakest_criteria(record: PerformanceRecord | None, reviews: list[Review], limit: int = 5) -> list[dict]:
    """The record's criteria below 100 %, weakest first (those answered in at least three reviews
    before the rest), each with the reviews that missed it (answered, and not full marks)."""
    if record is None:
        return []
    weak = [
        c for c in record.figures["qa"]["criteria"] if c["value"] is not None and Decimal(c["value"]) < 100
    ]
    # A criterion seen in three reviews or more says more than one seen once: those come first.
    weak.sort(key=lambda c: (c["n"] < 3, Decimal(c["value"]), -c["n"]))
    weak = weak[:limit]
    missing = reviews_missing([r.pk for r in reviews], [c["identity"] for c in weak]) if weak else {}
    return [c | {"reviews": [r for r in reviews if r.pk in missing.get(c["identity"], ())]} for c in weak]


def team_list_rows(*, teams, month: dt.date) -> list[tuple]:
    """(team, its record of `month`, of the month before) for the team list: one query."""
    before = previous_month(month)
    records = {
        (r.team_id, r.month): r
        for r in PerformanceRecord.objects.filter(
            level=RecordLevel.TEAM, team__in=teams, month__in=[month, before]
        )
    }
    return [(t, records.get((t.pk, month)), records.get((t.pk, before))) for t in teams]


def agent_standing(month: dt.date) -> dict:
    """core.standing's answer from the agent records of `month` and the month before."""
    from core.standing import Standing

    from ..services.records import Flag, previous_month

    def of(m):
        return {
            r["agent_id"]: r
            for r in PerformanceRecord.objects.filter(level=RecordLevel.AGENT, month=m).values(
                "agent_id", "qa_mean", "qa_target", "critical_n", "flags"
            )
        }

    def above(r) -> bool:
        return (
            r is not None
            and r["qa_mean"] is not None
            and r["qa_target"] is not None
            and r["qa_mean"] >= r["qa_target"]
        )

    last, before = of(month), of(previous_month(month))
    standing = {}
    for agent_id, r in last.items():
        flags = set(r["flags"] or [])
        earlier = before.get(agent_id)
        standing[agent_id] = Standing(
            below_target=Flag.BELOW_TARGET in flags,
            falling=Flag.FALLING in flags,
            critical=bool(r["critical_n"]),
            stable_above=above(r) and above(earlier) and not r["critical_n"] and not (earlier or {}).get("critical_n")
            and Flag.FALLING not in flags,
        )  # fmt: skip
    return standing
