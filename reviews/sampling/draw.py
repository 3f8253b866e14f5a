"""The monthly draw, done in the database with set-based queries.

Per month: one GROUP BY counts each agent's eligible interactions per stratum; one window query
takes each agent's riskiest ones; the quota is shared among strata in Python (`allocation`);
then one window query, joined to the per-stratum quotas, picks the interactions. Nothing loads
every interaction into Python. The order inside a stratum is a fixed pseudo-random number per
interaction mixed with the policy's seed and the month, so the same data, policy and month
always give the same sample.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, RowNumber
from django.utils.translation import gettext as _

from core.models import Channel, Role, User

from ..models import HANDLE_SECONDS, Interaction, ReasonKind, SampleItem, SamplingPolicy
from .allocation import allocate

CHANNEL_CODE = {c: i + 1 for i, c in enumerate(Channel.values)}
CODE_CHANNEL = {i: c for c, i in CHANNEL_CODE.items()}
MODULUS = 2147483647  # 2**31 - 1, a prime


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def month_seed(policy: SamplingPolicy, month: dt.date) -> int:
    return (policy.seed * 1_000_003 + month.year * 12 + month.month) % MODULUS


def order_key(policy: SamplingPolicy, month: dt.date):
    """The seeded pseudo-random order: sample_key × m mod p, with m drawn from the seed.

    Multiplying by a different m (mod a prime) is a different permutation; adding an offset
    would only rotate the same order. Products stay below 2**62, inside a 64-bit integer.
    """
    multiplier = pow(16807, month_seed(policy, month) % (MODULUS - 1) + 1, MODULUS)
    return ExpressionWrapper(
        Cast("sample_key", BigIntegerField()) * multiplier % MODULUS, output_field=BigIntegerField()
    )


@dataclass
class Strata:
    """Turns the policy's dimensions into one integer per interaction: channel×100 + band×10 + week."""

    policy: SamplingPolicy
    start: dt.date

    def expression(self):
        zero = Value(0)
        channel = (
            Case(*[When(channel=c, then=Value(code)) for c, code in CHANNEL_CODE.items()], default=zero)
            if self.policy.stratify_channel
            else zero
        )
        bands = self.policy.bands()
        band = (
            Case(
                *[When(local_hour__lt=b, then=Value(i)) for i, b in enumerate(bands[1:], start=1)],
                default=Value(len(bands)),
            )
            if self.policy.stratify_time_band
            else zero
        )
        week = (
            Case(
                *[
                    When(local_date__lt=self.start + dt.timedelta(days=7 * w), then=Value(w))
                    for w in range(1, 5)
                ],
                default=Value(5),
            )
            if self.policy.stratify_week
            else zero
        )
        return F_int(channel * 100 + band * 10 + week)

    def decode(self, code: int) -> tuple:
        return (code // 100, code // 10 % 10, code % 10)

    def describe(self, code: int) -> str:
        # Thousands of items share a few dozen strata: word each one once per draw.
        cache = self.__dict__.setdefault("_described", {})
        if code not in cache:
            cache[code] = self._describe(code)
        return cache[code]

    def _describe(self, code: int) -> str:
        channel, band, week = self.decode(code)
        parts = []
        if channel:
            parts.append(str(Channel(CODE_CHANNEL[channel]).label))
        if band:
            bands = self.policy.bands()
            low = bands[band - 1]
            high = bands[band] if band < len(bands) else 24
            parts.append(_("%(low)02d:00–%(high)02d:00") % {"low": low, "high": high})
        if week:
            parts.append(_("week %(n)s") % {"n": week})
        return " · ".join(parts) or _("any")


def F_int(expression):  # noqa: N802
    return ExpressionWrapper(expression, output_field=IntegerField())


@dataclass
class AgentPlan:
    agent_id: int
    quota: int
    new_agent: bool
    existing: int = 0
    existing_risk: int = 0
    existing_strata: dict = field(default_factory=dict)
    eligible: dict = field(default_factory=dict)  # stratum code -> count (not yet sampled)
    risk: list = field(default_factory=list)  # picked risk rows
    picks: dict = field(default_factory=dict)  # stratum code -> k
    short: bool = False  # fewer eligible interactions than the policy's minimum
    eligible_all: int = 0  # eligible this month, including what earlier draws took

    @property
    def eligible_total(self) -> int:
        return sum(self.eligible.values())


@dataclass
class DrawResult:
    agents: int = 0
    items: list = field(default_factory=list)  # SampleItem objects, not yet saved
    plans: dict = field(default_factory=dict)


def _risk_score(policy: SamplingPolicy, long_handle: dict[str, float]):
    long_handle_q = Q()
    for channel, threshold in long_handle.items():
        long_handle_q |= Q(channel=channel, handle__gt=threshold)
    parts = [
        Case(When(csat__lte=policy.risk_csat_max, then=Value(4)), default=Value(0)),
        Case(When(escalated=True, then=Value(3)), default=Value(0)),
        Case(When(repeat_contact=True, then=Value(2)), default=Value(0)),
        Case(When(nps__lte=policy.risk_nps_max, then=Value(2)), default=Value(0)),
    ]
    if long_handle:
        parts.append(Case(When(long_handle_q, then=Value(1)), default=Value(0)))
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return F_int(total)


def _risk_reason(row: dict, policy: SamplingPolicy, long_handle: dict[str, float]) -> str:
    reasons = []
    if row["csat"] is not None and row["csat"] <= policy.risk_csat_max:
        reasons.append(_("CSAT %(n)s") % {"n": row["csat"]})
    if row["escalated"]:
        reasons.append(_("escalated"))
    if row["repeat_contact"]:
        reasons.append(_("repeat contact"))
    if row["nps"] is not None and row["nps"] <= policy.risk_nps_max:
        reasons.append(_("NPS %(n)s") % {"n": row["nps"]})
    threshold = long_handle.get(row["channel"])
    if threshold is not None and row["handle"] > threshold:
        reasons.append(_("long handle time (%(m)s min)") % {"m": round(row["handle"] / 60, 1)})
    return _("Risk: %(reasons)s") % {"reasons": ", ".join(reasons)}


def draw_items(*, month: dt.date, policy: SamplingPolicy, draw=None) -> DrawResult:
    """Work out every agent's sample for `month` and write the new SampleItems.

    Call it inside a transaction: the caller decides whether all of it stands.
    """
    start, end = month_bounds(month)
    strata = Strata(policy, start)

    agents = list(User.objects.filter(role=Role.AGENT, is_active=True).values_list("pk", "hired_on"))
    new_since = start - dt.timedelta(days=policy.new_agent_days)
    plans = {
        pk: AgentPlan(
            pk,
            policy.max_per_agent if hired and hired > new_since else policy.min_per_agent,
            bool(hired and hired > new_since),
        )
        for pk, hired in agents
    }

    # What earlier draws of this month already took.
    existing = SampleItem.objects.filter(month=start).values_list("agent_id", "kind", "stratum")
    for agent_id, kind, stratum in existing:
        plan = plans.get(agent_id)
        if plan is None:
            continue
        plan.existing += 1
        plan.existing_risk += kind == ReasonKind.RISK
        if stratum:
            code = int(stratum)
            plan.existing_strata[strata.decode(code)] = plan.existing_strata.get(strata.decode(code), 0) + 1

    already_sampled = SampleItem.objects.filter(interaction=OuterRef("pk"))
    if not policy.exclude_reviewed:
        already_sampled = already_sampled.filter(month=start)
    eligible = (
        Interaction.objects.filter(
            local_date__gte=start,
            local_date__lt=end,
            answered=True,
            agent_id__in=[pk for pk, _h in agents],
        )
        .alias(handle=HANDLE_SECONDS)
        .filter(handle__gte=policy.min_handle_seconds)
        .filter(~Exists(already_sampled))
    )

    # 1. Eligible interactions per agent and stratum, with their handle time per channel (for
    #    the "unusually long" risk rule) from the same scan.
    handle_sum: dict[str, int] = defaultdict(int)
    handle_n: dict[str, int] = defaultdict(int)
    for row in (
        eligible.values("agent_id", "channel")
        .annotate(stratum=strata.expression(), n=Count("id"), handle=Sum(HANDLE_SECONDS))
        .order_by()
    ):
        plan = plans[row["agent_id"]]
        plan.eligible[row["stratum"]] = plan.eligible.get(row["stratum"], 0) + row["n"]
        handle_sum[row["channel"]] += row["handle"] or 0
        handle_n[row["channel"]] += row["n"]
    factor = float(policy.risk_long_handle_factor)
    long_handle = {c: handle_sum[c] / handle_n[c] * factor for c in handle_n if handle_n[c]}
    risk_k = {}
    for plan in plans.values():
        share = plan.quota * policy.risk_share // 100
        room = max(0, plan.quota - plan.existing)
        risk_k[plan.agent_id] = min(room, max(0, share - plan.existing_risk), plan.eligible_total)
    items: list[SampleItem] = []
    if any(risk_k.values()):
        randkey = order_key(policy, month)
        # Plain column tests first, so the score and the order are computed for risky rows only.
        any_risk = Q(csat__lte=policy.risk_csat_max) | Q(escalated=True) | Q(repeat_contact=True)
        any_risk |= Q(nps__lte=policy.risk_nps_max)
        if long_handle:
            any_risk |= Q(handle__gt=min(long_handle.values()))
        risky = (
            eligible.alias(handle=HANDLE_SECONDS)
            .filter(any_risk)
            .annotate(risk=_risk_score(policy, long_handle), stratum=strata.expression(), rk=randkey)
            .filter(risk__gt=0)
            .annotate(
                rn=Window(
                    RowNumber(),
                    partition_by=[F("agent_id")],
                    order_by=[F("risk").desc(), F("rk").asc(), F("id").asc()],
                )
            )
            .filter(rn__lte=max(risk_k.values()))
            .values(
                "id",
                "agent_id",
                "stratum",
                "risk",
                "rn",
                "csat",
                "nps",
                "escalated",
                "repeat_contact",
                "channel",
                handle=HANDLE_SECONDS,
            )
        )
        for row in risky:
            plan = plans[row["agent_id"]]
            if row["rn"] > risk_k[plan.agent_id]:
                continue
            plan.risk.append(row)
            plan.eligible[row["stratum"]] -= 1
            items.append(
                SampleItem(
                    month=start, interaction_id=row["id"], agent_id=plan.agent_id, draw=draw,
                    kind=ReasonKind.RISK, stratum=str(row["stratum"]), risk_score=row["risk"],
                    reason=_risk_reason(row, policy, long_handle)[:200],
                )
            )  # fmt: skip

    SampleItem.objects.bulk_create(items)  # from here on, NOT EXISTS leaves them out

    # 3. Share what is left of each quota among the strata.
    quotas = []
    short = {}
    for plan in plans.values():
        left = max(0, plan.quota - plan.existing - len(plan.risk))
        available = {strata.decode(code): n for code, n in plan.eligible.items() if n > 0}
        already = dict(plan.existing_strata)
        for row in plan.risk:
            key = strata.decode(row["stratum"])
            already[key] = already.get(key, 0) + 1
        total_eligible = plan.existing + len(plan.risk) + sum(available.values())
        short[plan.agent_id] = total_eligible < policy.min_per_agent
        allocation = allocate(available, left, already=already)
        for key, k in allocation.items():
            code = key[0] * 100 + key[1] * 10 + key[2]
            plan.picks[code] = k
            quotas.append((plan.agent_id, code, k))

    # 4. Pick by quota: a window numbers each agent's stratum in the seeded order; a join with
    #    the quotas keeps the first k.
    if quotas:
        randkey = order_key(policy, month)
        numbered = (
            eligible.annotate(stratum=strata.expression(), rk=randkey)
            .annotate(
                rn=Window(
                    RowNumber(),
                    partition_by=[F("agent_id"), F("stratum")],
                    order_by=[F("rk").asc(), F("id").asc()],
                )
            )
            .values("id", "agent_id", "stratum", "rn")
        )
        sql, params = numbered.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS qa_sample_quota (agent_id bigint, stratum integer, k integer)"
            )
            cursor.execute("DELETE FROM qa_sample_quota")
            cursor.executemany(
                "INSERT INTO qa_sample_quota (agent_id, stratum, k) VALUES (%s, %s, %s)", quotas
            )
            cursor.execute(
                f"SELECT r.id, r.agent_id, r.stratum FROM ({sql}) r "
                "JOIN qa_sample_quota q ON q.agent_id = r.agent_id AND q.stratum = r.stratum WHERE r.rn <= q.k",
                params,
            )
            picked = cursor.fetchall()
            cursor.execute("DELETE FROM qa_sample_quota")
        picked_items = []
        for interaction_id, agent_id, code in picked:
            kind = ReasonKind.ALL if short[agent_id] else ReasonKind.STRATUM
            reason = strata.describe(code)
            if kind == ReasonKind.ALL:
                reason = _("All eligible (short sample): %(stratum)s") % {"stratum": reason}
            picked_items.append(
                SampleItem(
                    month=start, interaction_id=interaction_id, agent_id=agent_id, draw=draw,
                    kind=kind, stratum=str(code), reason=reason[:200],
                )
            )  # fmt: skip
        SampleItem.objects.bulk_create(picked_items)
        items.extend(picked_items)

    result = DrawResult(agents=len(plans), items=items, plans=plans)
    for plan in plans.values():
        plan.short = short.get(plan.agent_id, True)
        plan.eligible_all = plan.existing + len(plan.risk) + plan.eligible_total
    return result
