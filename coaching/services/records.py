"""Building performance records.

An agent's record for a month comes from the month's released reviews (the month of the
interaction reviewed; drafts never count) and the month's interactions. Team and programme
records are rollups: the sum of their agents' stored parts, computed the same way. Rebuilding is
idempotent: a record whose parts and figures come out the same is not written again, so its
`built_at` says when its figures last changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.models import Role, User
from reviews.models import Interaction, Review, ReviewStatus
from reviews.selectors.results import controllable_totals, criterion_sums, review_totals, section_sums
from reviews.services.sampling import sampling_policy_get
from scoring.models import Rubric
from scoring.selectors import rubric_data_pinned
from scoring.templates_data import section_key

from .. import metrics
from ..models import KpiScheme, KpiSettings, PerformanceRecord, RecordLevel

RELEASED = (ReviewStatus.SUBMITTED, ReviewStatus.ACKNOWLEDGED)
ZERO = Decimal(0)
WRITTEN = (
    "built_at", "team", "reviews_n", "interactions_n", "agents_n", "qa_mean", "qa_low", "qa_high", "qa_target",
    "critical_n", "composite", "flags", "figures", "parts", "fingerprint",
)  # fmt: skip


class Flag:
    """What a record can be flagged for (the pages word them)."""

    SHORT_SAMPLE = "short_sample"  # fewer reviews than the sampling policy's minimum
    BELOW_TARGET = "below_target"  # QA mean under the rubric's target
    NEAR_TARGET = "near_target"  # QA mean at >= 90% of target (the 90/90 rule's test)
    FALLING = "falling"  # this month's interval wholly below last month's
    CRITICAL = "critical"  # at least one critical failure
    NINETY_MISSED = "ninety_missed"  # teams and programme: under 90% of agents at 90% of target


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


@dataclass
class RebuildResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0

    def add(self, other: RebuildResult) -> None:
        for name in ("created", "changed", "unchanged", "deleted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


# -- parts ---------------------------------------------------------------------------------------


def _layout(rubric: Rubric) -> tuple[dict, dict, Decimal]:
    """A pinned rubric version's sections and criteria by id (identity, name…), and its target:
    Σ section weight × target ÷ Σ weights."""
    data = rubric_data_pinned(rubric)
    sections = {str(s.id): (s.identity, s.name) for s in data.sections}
    criteria = {
        str(c.id): (c.identity, c.behaviour, s.identity, "yes_no" if c.answer_type == "yes_no" else "scale")
        for s in data.sections
        for c in s.criteria
    }
    weights = sum((s.weight for s in data.sections), Decimal(0))
    target = sum((s.weight * s.target for s in data.sections), Decimal(0))
    return sections, criteria, (target / weights).quantize(Decimal("0.0001")) if weights else Decimal(0)


def _qa_parts(month: dt.date, agent_ids) -> dict[int, dict]:
    """Each agent's QA parts from the month's released reviews: one query for the reviews'
    totals, two that sum their section and criterion rows per agent (reviews.selectors.results),
    and one for the rubric versions involved (their structure is read once per process)."""
    rows = review_totals(month, agent_ids)
    controllable = controllable_totals(month, agent_ids)
    rubrics = {r.pk: r for r in Rubric.objects.filter(pk__in={row[4] for row in rows})}
    layout = {pk: _layout(rubric) for pk, rubric in rubrics.items()}
    lineages = {pk: (str(r.lineage), r.name, r.version) for pk, r in rubrics.items()}
    hundredth = Decimal("0.01")
    out: dict[int, dict] = {}
    for agent_id, total, raw_total, critical, rubric_id, review_id in rows:
        qa = out.get(agent_id)
        if qa is None:
            qa = out[agent_id] = metrics.empty_parts()["qa"]
        qa["totals"].append(str(total.quantize(hundredth)))
        own = controllable.get(review_id, total)
        if own is not None:
            qa["controllable"].append(str(own.quantize(hundredth)))
        qa["raw"].append(str(raw_total.quantize(hundredth)))
        qa["targets"].append(str(layout[rubric_id][2]))
        qa["critical"] += bool(critical)
        lineage, name, version = lineages[rubric_id]
        acc = qa["rubrics"].get(lineage)
        if acc is None:
            acc = qa["rubrics"][lineage] = {"name": name, "versions": [], "n": 0}
        acc["n"] += 1
        if version not in acc["versions"]:
            acc["versions"] = sorted([*acc["versions"], version])
    for agent_id, rubric_id, section_id, n, score, target, met in section_sums(month, agent_ids):
        key = str(section_id)
        if key not in layout[rubric_id][0]:
            continue
        identity, name = layout[rubric_id][0][key]
        acc = out[agent_id]["sections"].setdefault(
            identity,
            {
                "name": name,
                "rubric": str(rubrics[rubric_id].lineage),
                "n": 0,
                "score": ZERO,
                "target": ZERO,
                "met": 0,
            },
        )
        acc["n"] += n
        acc["score"] += score
        acc["target"] += target
        acc["met"] += met
    for agent_id, rubric_id, criterion_id, n, score, full in criterion_sums(month, agent_ids):
        _add_criterion(out[agent_id], layout[rubric_id][1], str(criterion_id), n, score, full)
    # Sections in their rubric's order (the database groups in no particular order).
    rank = {
        identity: i
        for sections, _c, _t in layout.values()
        for i, (identity, _n) in enumerate(sections.values())
    }
    for qa in out.values():
        qa["sections"] = dict(sorted(qa["sections"].items(), key=lambda item: rank.get(item[0], 0)))
    for qa in out.values():  # the sums are stored as text: exact, and JSON keeps them so
        for acc in (*qa["sections"].values(), *qa["criteria"].values()):
            for key in ("score", "target"):
                if key in acc:
                    acc[key] = str(acc[key].quantize(hundredth))
    return out


def _add_criterion(qa: dict, meta: dict, key: str, n: int, score: Decimal, full: int) -> None:
    if key not in meta:
        return
    identity, label, section, kind = meta[key]
    acc = qa["criteria"].setdefault(
        identity, {"label": label, "section": section, "kind": kind, "n": 0, "score": ZERO, "full": 0}
    )
    acc["n"] += n
    acc["score"] += score
    acc["full"] += full


def _kpi_parts(month: dt.date, agent_ids, settings: KpiSettings) -> dict[int, dict]:
    """Each agent's KPI parts from the month's interactions, in all, per channel and per queue:
    one grouped query."""
    rows = Interaction.objects.filter(local_month=month)
    if agent_ids is not None:
        rows = rows.filter(agent_id__in=agent_ids)
    answered = Q(answered=True)
    known = Q(answered_known=True)
    within = Q()
    for channel in {c for c in rows.values_list("channel", flat=True).distinct().order_by()}:
        within |= Q(channel=channel, wait_seconds__lte=settings.threshold(channel))
    grouped = (
        rows.values("agent_id", "channel", "queue")
        .annotate(
            k_offered=Count("id"),
            k_handled=Count("id", filter=answered),
            k_handle=Sum("handle_seconds", filter=answered),
            k_hold=Sum("hold_seconds", filter=answered),
            k_wait=Sum("wait_seconds", filter=answered),
            k_wait_n=Count("wait_seconds", filter=answered),
            # Resolution and FCR count handled contacts only: an abandoned call is not an
            # unresolved one (docs/metrics.md).
            k_fcr=Count("id", filter=answered & Q(first_contact_resolved=True)),
            k_fcr_n=Count("first_contact_resolved", filter=answered),
            k_resolved=Count("id", filter=answered & Q(resolved=True)),
            k_resolved_n=Count("resolved", filter=answered),
            k_csat_top=Count("id", filter=Q(csat__gte=4)),
            k_csat_sum=Sum("csat"),
            k_csat_n=Count("csat"),
            k_promoters=Count("id", filter=Q(nps__gte=9)),
            k_detractors=Count("id", filter=Q(nps__lte=6)),
            k_nps_n=Count("nps"),
            k_effort_sum=Sum("effort"),
            k_effort_n=Count("effort"),
            # Unknown is not "no": each rate over the handled contacts whose file said.
            k_escalated=Count("id", filter=answered & Q(escalated=True)),
            k_escalated_n=Count("escalated", filter=answered),
            k_repeat=Count("id", filter=answered & Q(repeat_contact=True)),
            k_repeat_n=Count("repeat_contact", filter=answered),
            k_answered_n=Count("id", filter=Q(answered_known=True)),
            k_abandoned=Count("id", filter=Q(answered_known=True, answered=False)),
            # Service level needs the abandoned contacts: only where the file said.
            k_sl_within=Count("id", filter=known & answered & within)
            if within
            else Count("id", filter=Q(pk__in=[])),
            k_sl_n=Count("id", filter=known & (Q(answered=False) | Q(wait_seconds__isnull=False))),
        )
        .order_by()
    )
    out: dict[int, dict] = {}
    for row in grouped:
        agent = out.setdefault(row["agent_id"], {"kpi": metrics.empty_kpi(), "channels": {}, "queues": {}})
        channel = agent["channels"].setdefault(row["channel"], metrics.empty_kpi())
        queue = agent["queues"].setdefault(row["queue"] or "", metrics.empty_kpi())
        for name in metrics.KPI_PARTS:
            value = row[f"k_{name}"] or 0
            agent["kpi"][name] += value
            channel[name] += value
            queue[name] += value
    return out


# -- figures -------------------------------------------------------------------------------------


def _schemes() -> tuple[dict[int, KpiScheme], dict[str, KpiScheme]]:
    by_team, by_channel = {}, {}
    for scheme in KpiScheme.objects.prefetch_related("weights"):
        if scheme.team_id:
            by_team[scheme.team_id] = scheme
        elif scheme.channel:
            by_channel[scheme.channel] = scheme
    return by_team, by_channel


def scheme_for(team_id, channels: dict[str, dict], schemes) -> KpiScheme | None:
    """The team's scheme; else the scheme of the main channel of the month (most handled)."""
    by_team, by_channel = schemes
    if team_id in by_team:
        return by_team[team_id]
    handled = sorted(((-p["handled"], c) for c, p in channels.items() if p["handled"]))
    for _n, channel in handled:
        if channel in by_channel:
            return by_channel[channel]
    return None


def _weights(scheme: KpiScheme) -> list[metrics.Weight]:
    """The scheme's weights as the formulas take them (worked out once per scheme object)."""
    if not hasattr(scheme, "_metric_weights"):
        scheme._metric_weights = [
            metrics.Weight(w.code, w.label, w.weight, w.target, w.direction, w.cap)
            for w in scheme.weights.all()
        ]
    return scheme._metric_weights


def figures_for(
    parts: dict, *, scheme: KpiScheme | None, previous: PerformanceRecord | None, minimum: int
) -> dict:
    """Every figure of a record from its parts, with its flags."""
    qa = metrics.qa_figures(parts["qa"])
    exact = metrics.kpi_exact(parts["kpi"])
    kpis = metrics.kpi_figures(parts["kpi"], parts["channels"], exact)
    # A channel's scheme weighs that channel's KPIs (an e-mail's wait is not a call's); a team's
    # scheme weighs all of them.
    # The composite weighs exact values: every figure is rounded once, at the end.
    values = dict(exact)
    if scheme is not None and scheme.channel and not scheme.team_id:
        values = metrics.kpi_exact(parts["channels"].get(scheme.channel, metrics.empty_kpi()))
    totals = parts["qa"]["totals"]  # two decimals each: summed exactly in hundredths
    hundredths = sum(int(Decimal(t) * 100) for t in totals)
    values["qa"] = (Fraction(hundredths, 100 * len(totals)) if totals else None, len(totals))
    for acc in parts["qa"]["sections"].values():
        n = acc["n"]
        values[f"section:{section_key(acc['name'])}"] = (
            Fraction(Decimal(acc["score"])) / n if n else None,
            n,
        )
    composite = None
    if scheme is not None:
        weights = _weights(scheme)
        least = metrics.Minimums(scheme.min_n, scheme.qa_min_n, scheme.min_weight)
        composite = metrics.composite(values, weights, least) | {"scheme": scheme.name}
    flags = []
    if qa["n"] < minimum:
        flags.append(Flag.SHORT_SAMPLE)
    if qa["mean"] is not None and qa["target"] is not None:
        mean, target = Decimal(qa["mean"]), Decimal(qa["target"])
        if mean < target:
            flags.append(Flag.BELOW_TARGET)
        if Fraction(mean) >= Fraction(target) * Fraction(9, 10):
            flags.append(Flag.NEAR_TARGET)
    if previous is not None and qa["high"] is not None:
        before = metrics.Summary(previous.reviews_n, low=previous.qa_low)
        if metrics.falling(metrics.Summary(qa["n"], high=Decimal(qa["high"])), before):
            flags.append(Flag.FALLING)
    if qa["critical"]:
        flags.append(Flag.CRITICAL)
    return {"qa": qa, "kpis": kpis, "composite": composite, "flags": flags}


def _ninety_ninety(agent_records) -> dict:
    """The 90/90 rule: the share of agents (with a QA mean) at >= 90% of their target, against 90%."""
    scored = [r for r in agent_records if r.qa_mean is not None and r.qa_target is not None]
    reached = sum(1 for r in scored if Flag.NEAR_TARGET in r.flags)
    share = metrics.ratio(reached, len(scored), 100)
    return {
        "share": metrics._text(share),
        "reached": reached,
        "n": len(scored),
        "met": None if share is None else share >= 90,
    }


# -- writing -------------------------------------------------------------------------------------


# The formulas' own source: a deployment that changes how a figure is computed rebuilds every
# record on its next rebuild, even where the data did not change.
CODE_STAMP = hashlib.sha256(
    b"".join(Path(module.__file__).read_bytes() for module in (metrics, sys.modules[__name__]))
).hexdigest()[:16]


def _fingerprint(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def _scheme_key(scheme: KpiScheme | None):
    if scheme is None:
        return None
    weights = [
        [w.kpi, str(w.label), str(w.weight), str(w.target), w.direction, str(w.cap)] for w in _weights(scheme)
    ]
    minimums = [scheme.min_n, scheme.qa_min_n, str(scheme.min_weight)]
    return [scheme.pk, scheme.name, scheme.team_id, scheme.channel, weights, minimums]


def _columns(
    figures: dict, parts: dict, *, team_id, agents_n: int = 0, fingerprint: str | None = None
) -> dict:
    qa = figures["qa"]

    def dec(value):
        return Decimal(value) if value is not None else None

    values = {
        "team_id": team_id,
        "reviews_n": qa["n"],
        "interactions_n": parts["kpi"]["offered"],
        "agents_n": agents_n,
        "qa_mean": dec(qa["mean"]),
        "qa_low": dec(qa["low"]),
        "qa_high": dec(qa["high"]),
        "qa_target": dec(qa["target"]),
        "critical_n": qa["critical"],
        "composite": dec((figures.get("composite") or {}).get("value")),
        "flags": figures["flags"],
        "figures": figures,
        "parts": parts,
    }
    values["fingerprint"] = fingerprint or _fingerprint(values)
    return values


def _save(level: str, month: dt.date, wanted: dict, existing: dict, result: RebuildResult) -> None:
    """Write `wanted` (owner -> column values) over `existing` (owner -> record): create what is
    new, update what changed, leave the rest untouched, delete what is no longer wanted."""
    now = timezone.now()
    to_create, to_update = [], []
    for owner, values in wanted.items():
        record = existing.get(owner)
        if record is not None and record.fingerprint == values["fingerprint"]:
            result.unchanged += 1
            continue
        if record is None:
            record = PerformanceRecord(level=level, month=month)
            if level == RecordLevel.AGENT:
                record.agent_id = owner
            to_create.append(record)
        else:
            to_update.append(record)
        for name, value in values.items():
            setattr(record, name, value)
        record.built_at = now
    PerformanceRecord.objects.bulk_create(to_create, batch_size=500)
    PerformanceRecord.objects.bulk_update(
        to_update, [f if f != "team" else "team_id" for f in WRITTEN], batch_size=500
    )
    result.created += len(to_create)
    result.changed += len(to_update)
    gone = [r.pk for owner, r in existing.items() if owner not in wanted]
    if gone:
        result.deleted += PerformanceRecord.objects.filter(pk__in=gone).delete()[0]


def _agents_in_scope(month: dt.date, agent_ids, with_data: set[int]) -> dict[int, int | None]:
    """Agent id -> team id: every active agent hired by the month's end, and anyone with data."""
    end = next_month(month) - dt.timedelta(days=1)
    agents = User.objects.filter(role=Role.AGENT)
    if agent_ids is not None:
        agents = agents.filter(pk__in=agent_ids)
    in_scope = (Q(is_active=True) & (Q(hired_on__isnull=True) | Q(hired_on__lte=end))) | Q(pk__in=with_data)
    return dict(agents.filter(in_scope).values_list("pk", "team_id"))


@transaction.atomic
def records_rebuild(*, month: dt.date, agent_ids: list[int] | None = None) -> RebuildResult:
    """Rebuild the agent records of `month` (all agents, or only `agent_ids`), then the month's
    team and programme rollups from the stored agent records."""
    month = month_start(month)
    settings = KpiSettings.objects.first() or KpiSettings()
    qa_parts = _qa_parts(month, agent_ids)
    kpi_parts = _kpi_parts(month, agent_ids, settings)
    agents = _agents_in_scope(month, agent_ids, set(qa_parts) | set(kpi_parts))
    schemes = _schemes()
    minimum = sampling_policy_get().min_per_agent
    previous = {
        r.agent_id: r
        for r in PerformanceRecord.objects.filter(level=RecordLevel.AGENT, month=previous_month(month)).only(
            "agent_id", "qa_low", "reviews_n"
        )
    }
    existing_qs = PerformanceRecord.objects.filter(level=RecordLevel.AGENT, month=month)
    if agent_ids is not None:
        existing_qs = existing_qs.filter(agent_id__in=agent_ids)
    existing = {r.agent_id: r for r in existing_qs.only("pk", "agent_id", "fingerprint")}
    wanted = {}
    for agent_id, team_id in agents.items():
        parts = metrics.empty_parts()
        parts["qa"] = qa_parts.get(agent_id, parts["qa"])
        parts |= kpi_parts.get(agent_id, {})
        scheme = scheme_for(team_id, parts["channels"], schemes)
        before = previous.get(agent_id)
        # A record's figures follow from these inputs alone: when they are what the stored
        # record was built from, its figures are not worked out again.
        fingerprint = _fingerprint(
            {
                "parts": parts,
                "team_id": team_id,
                "scheme": _scheme_key(scheme),
                "previous": (before.qa_low, before.reviews_n) if before else None,
                "minimum": minimum,
                "code": CODE_STAMP,
            }
        )
        record = existing.get(agent_id)
        if record is not None and record.fingerprint == fingerprint:
            wanted[agent_id] = {"fingerprint": fingerprint}
            continue
        figures = figures_for(parts, scheme=scheme, previous=before, minimum=minimum)
        wanted[agent_id] = _columns(figures, parts, team_id=team_id, fingerprint=fingerprint)
    result = RebuildResult()
    _save(RecordLevel.AGENT, month, wanted, existing, result)
    result.add(rollups_rebuild(month=month, schemes=schemes, minimum=minimum))
    return result


def rollups_rebuild(*, month: dt.date, schemes=None, minimum: int | None = None) -> RebuildResult:
    """The team and programme records of `month`, from its stored agent records."""
    schemes = schemes or _schemes()
    minimum = sampling_policy_get().min_per_agent if minimum is None else minimum
    agent_records = list(
        PerformanceRecord.objects.filter(level=RecordLevel.AGENT, month=month).only(
            "agent_id", "team_id", "parts", "flags", "qa_mean", "qa_target"
        )
    )
    previous = {
        (r.level, r.team_id): r
        for r in PerformanceRecord.objects.filter(
            month=previous_month(month), level__in=[RecordLevel.TEAM, RecordLevel.PROGRAMME]
        ).only("level", "team_id", "qa_low", "reviews_n")
    }
    by_team: dict[int, list] = defaultdict(list)
    for record in agent_records:
        if record.team_id:
            by_team[record.team_id].append(record)
    result = RebuildResult()
    wanted, team_parts = {}, {}
    for team_id, records in by_team.items():
        wanted[team_id], team_parts[team_id] = _rollup(
            records, team_id, schemes, previous.get((RecordLevel.TEAM, team_id)), minimum
        )
    stored = PerformanceRecord.objects.filter(month=month).only("pk", "level", "team_id", "fingerprint")
    existing = {r.team_id: r for r in stored.filter(level=RecordLevel.TEAM)}
    _save(RecordLevel.TEAM, month, wanted, existing, result)
    programme = {}
    if agent_records:
        # The programme is every team's parts plus those of agents in no team: each agent once.
        pieces = list(team_parts.values()) + [r.parts for r in agent_records if not r.team_id]
        programme[None], _parts = _rollup(
            agent_records, None, schemes, previous.get((RecordLevel.PROGRAMME, None)), minimum, parts=pieces
        )
    found = stored.filter(level=RecordLevel.PROGRAMME).first()
    existing = {None: found} if found else {}
    _save(RecordLevel.PROGRAMME, month, programme, existing, result)
    return result


def _rollup(agent_records, team_id, schemes, previous, minimum, parts=None) -> tuple[dict, dict]:
    """A team's or the programme's record: the sum of `parts` (by default its agents'); and
    that sum. Only agent records keep their parts (rollups are summed from them again: a
    programme's would hold every review's total of the month, a megabyte for 40,000 reviews)."""
    if parts is None:
        parts = [r.parts for r in sorted(agent_records, key=lambda r: r.agent_id)]
    parts = metrics.parts_sum(parts)
    scheme = scheme_for(team_id, parts["channels"], schemes) if team_id else None
    # A team's sample is its agents' samples together: short only if it has none at all.
    figures = figures_for(parts, scheme=scheme, previous=previous, minimum=min(minimum, 1))
    figures["ninety_ninety"] = _ninety_ninety(agent_records)
    figures["queues"] = metrics.queue_figures(parts["queues"])
    figures["flags"] = [f for f in figures["flags"] if f != Flag.NEAR_TARGET]
    if figures["ninety_ninety"]["met"] is False:
        figures["flags"].append(Flag.NINETY_MISSED)
    values = _columns(figures, parts, team_id=team_id, agents_n=len(agent_records))
    values["parts"] = {}  # the fingerprint above was taken with them
    return values, parts


def record_months() -> list[dt.date]:
    """Every month that has interactions or released reviews, oldest first."""
    months = set(Interaction.objects.values_list("local_month", flat=True).distinct().order_by())
    months |= set(
        Review.objects.filter(status__in=RELEASED)
        .values_list("interaction__local_month", flat=True)
        .distinct()
        .order_by()
    )
    return sorted(months)


def records_rebuild_months(months) -> RebuildResult:
    """Rebuild whole months, oldest first (a month's "falling" flag reads the month before)."""
    result = RebuildResult()
    for month in sorted({month_start(m) for m in months}):
        result.add(records_rebuild(month=month))
    return result
