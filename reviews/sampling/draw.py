"""The monthly draw, done in the database with set-based queries.

Everything the draw reads sits in one index (`interaction_draw`: month, answered, agent,
channel, week, hour, handle time, sample key and the risk columns), so no query visits the
table itself:

1. One GROUP BY counts each agent's eligible interactions per channel and week, with one
   conditional count per time band, sums handle time per channel (the "unusually long" rule),
   and finds each stratum's first interaction in the seeded order.
2. Each agent's riskiest interactions are read by one index seek per agent (LATERAL on
   PostgreSQL, a correlated IN (… LIMIT n) on SQLite).
3. Python shares what is left of each quota among the strata (`allocation`).
4. Inside a stratum the seeded order is the run of sample keys that starts at an offset drawn
   from the policy's seed and the month and goes once round the key circle. Sample keys are a
   hash of the source id, so the first k of that run are a uniform random choice of k. A quota
   of one takes the stratum's first interaction from step 1 when it is still free; for the
   others, one join of the per-stratum quotas with the index reads only the front of each run
   (a little more than needed, sized from the stratum's count) and a window numbers them; the
   rare stratum whose front held too few is read again in full.

Rows sampled already (earlier draws of the month, this draw's risk picks) are left out in
Python. The same data, policy and month always give the same sample. Items are written through a
temporary table and one INSERT … SELECT (COPY on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from django.db import connection
from django.db.models import Case, Count, F, Max, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core.display import half_up
from core.jobs import heartbeat
from core.models import Channel, Role, User

from ..models import AutoVerdict, Interaction, ReasonKind, SampleItem, SamplingPolicy, TranscriptRule
from .allocation import allocate

CHANNEL_CODE = {c: i + 1 for i, c in enumerate(Channel.values)}
CODE_CHANNEL = {i: c for c, i in CHANNEL_CODE.items()}
KEYS = 2**31  # sample keys are 31-bit: 0 <= sample_key < KEYS
ID_SPAN = 2**32  # interaction ids below this fit beside a position in one 64-bit number
WEEKS = (1, 2, 3, 4, 5)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def month_offset(policy: SamplingPolicy, month: dt.date) -> int:
    """Where the seeded order starts on the key circle for this policy seed and month."""
    digest = hashlib.blake2b(f"{policy.seed}:{month:%Y-%m}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % KEYS


def position_sql(offset: int, column: str = "i.sample_key") -> str:
    """A row's place in the seeded order: its distance from the offset round the circle."""
    return f"(CASE WHEN {column} >= {int(offset)} THEN {column} - {int(offset)} ELSE {column} + {KEYS - int(offset)} END)"


def position_expression(offset: int):
    """position_sql for the ORM."""
    return Case(
        When(sample_key__gte=offset, then=F("sample_key") - Value(offset)),
        default=F("sample_key") + Value(KEYS - offset),
    )


@dataclass
class Strata:
    """The policy's dimensions as one integer per stratum: channel×100 + band×10 + week, where a
    dimension the policy does not spread over is 0."""

    policy: SamplingPolicy

    def __post_init__(self):
        starts = self.policy.bands()
        # Band b (1-based) covers hours [low, high); the first also takes any hours before the
        # first start, the last runs to midnight.
        self.band_hours = [
            (0 if b == 0 else starts[b], starts[b + 1] if b + 1 < len(starts) else 24)
            for b in range(len(starts))
        ]
        self._described: dict[int, str] = {}

    def code(self, channel: str, week: int, hour: int) -> int:
        channel_code = CHANNEL_CODE.get(channel, 0) if self.policy.stratify_channel else 0
        band = 0
        if self.policy.stratify_time_band:
            band = next(b for b, (low, high) in enumerate(self.band_hours, 1) if low <= hour < high)
        return channel_code * 100 + band * 10 + (week if self.policy.stratify_week else 0)

    def decode(self, code: int) -> tuple:
        return (code // 100, code // 10 % 10, code % 10)

    def cells(self, code: int):
        """(channel, week, first hour, hour after) boxes that make up a stratum in the index."""
        channel, band, week = self.decode(code)
        channels = [CODE_CHANNEL[channel]] if channel else list(Channel.values)
        weeks = [week] if week else list(WEEKS)
        low, high = self.band_hours[band - 1] if band else (0, 24)
        return [(c, w, low, high) for c in channels for w in weeks]

    def q(self, code: int) -> Q:
        channel, band, week = self.decode(code)
        condition = Q()
        if channel:
            condition &= Q(channel=CODE_CHANNEL[channel])
        if band:
            low, high = self.band_hours[band - 1]
            condition &= Q(local_hour__gte=low, local_hour__lt=high)
        if week:
            condition &= Q(local_week=week)
        return condition

    def describe(self, code: int) -> str:
        # Thousands of items share a few dozen strata: word each one once per draw.
        if code not in self._described:
            self._described[code] = self._describe(code)
        return self._described[code]

    def _describe(self, code: int) -> str:
        channel, band, week = self.decode(code)
        parts = []
        if channel:
            parts.append(str(Channel(CODE_CHANNEL[channel]).label))
        if band:
            low, high = self.band_hours[band - 1]
            parts.append(_("%(low)02d:00–%(high)02d:00") % {"low": low, "high": high})
        if week:
            parts.append(_("week %(n)s") % {"n": week})
        return " · ".join(parts) or _("any")


@dataclass
class AgentPlan:
    agent_id: int
    quota: int
    new_agent: bool
    existing: int = 0
    existing_risk: int = 0
    existing_strata: dict = field(default_factory=dict)
    eligible: dict = field(default_factory=dict)  # stratum code -> count not yet sampled
    counted: dict = field(default_factory=dict)  # stratum code -> count, sampled or not
    first: dict = field(default_factory=dict)  # stratum code -> first in order (position × 2³² + id)
    risk: list = field(default_factory=list)  # picked risk rows
    picks: dict = field(default_factory=dict)  # stratum code -> k
    short: bool = False  # fewer eligible interactions than the policy's minimum
    quota_reason: str = ""  # when quotas follow performance: "18: below target last month"
    eligible_all: int = 0  # eligible this month, including what earlier draws took
    # For a short sample: the month's interactions, and those left out as unanswered or too short.
    month_total: int = 0
    unanswered: int = 0
    too_short: int = 0

    @property
    def eligible_total(self) -> int:
        return sum(self.eligible.values())


class NewItem(NamedTuple):
    pk: int
    agent_id: int


@dataclass
class DrawResult:
    agents: int = 0
    items: list[NewItem] = field(default_factory=list)  # the SampleItems this draw wrote
    plans: dict = field(default_factory=dict)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def insert_rows(cursor, table: str, columns: list[str], rows: list) -> None:
    """COPY on PostgreSQL; elsewhere one prepared INSERT run for every row (executemany), which
    SQLite takes faster than multi-row INSERTs: the statement is parsed once."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


# A drawn item as the draw holds it, before the month, draw and time are added.
ITEM_COLUMNS = {
    "interaction_id": "bigint", "agent_id": "bigint", "kind": "varchar(20)",
    "stratum": "varchar(60)", "reason": "varchar(200)", "risk_score": "integer",
}  # fmt: skip


def load_temp_table(
    cursor, table: str, columns: dict[str, str], rows: list, *, analyze: bool = False
) -> None:
    """Fill a temporary table (created on first use; `columns` maps each name to its SQL type)
    with `rows` only. With `analyze`, the planner gets statistics for it, so it seeks the index
    once per row of this table (without them SQLite builds a Bloom filter over the whole month
    first). Callers empty it when done."""
    definition = ", ".join(f"{name} {kind}" for name, kind in columns.items())
    cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} ({definition})")
    cursor.execute(f"DELETE FROM {table}")
    insert_rows(cursor, table, list(columns), rows)
    if analyze:
        cursor.execute(f"ANALYZE {table}")


class RiskWording:
    """Why a risk pick was chosen, in words. The phrases are translated once per draw, not
    once per item (thousands of items, five look-ups each, cost more than the SQL)."""

    def __init__(
        self, policy: SamplingPolicy, long_handle: dict[str, int], rule_names: dict[int, str] | None = None
    ):
        self.policy = policy
        self.long_handle = long_handle
        self.rule_names = rule_names or {}
        self.auto = _("missed “%(rule)s” (automatic check)")
        self.csat = _("CSAT %(n)s")
        self.escalated = _("escalated")
        self.repeat = _("repeat contact")
        self.nps = _("NPS %(n)s")
        self.long = _("long handle time (%(m)s min)")
        self.risk = _("Risk: %(reasons)s")

    def __call__(self, row: dict) -> str:
        policy = self.policy
        reasons = []
        if row["csat"] is not None and row["csat"] <= policy.risk_csat_max:
            reasons.append(self.csat % {"n": row["csat"]})
        if row["escalated"]:
            reasons.append(self.escalated)
        if row["repeat_contact"]:
            reasons.append(self.repeat)
        if row["nps"] is not None and row["nps"] <= policy.risk_nps_max:
            reasons.append(self.nps % {"n": row["nps"]})
        threshold = self.long_handle.get(row["channel"])
        if threshold is not None and row["handle"] > threshold:
            reasons.append(self.long % {"m": half_up(Decimal(row["handle"]) / 60, 1)})
        if row.get("auto_rule"):
            reasons.append(self.auto % {"rule": self.rule_names.get(row["auto_rule"], "?")})
        return self.risk % {"reasons": ", ".join(reasons)}


def performance_quota(policy: SamplingPolicy, new: bool, standing) -> tuple[int, str]:
    """An agent's quota when quotas follow performance (docs/sampling.md), and why (codes, worded
    by SamplingQuota.why_quota in the reader's language): the standard is the minimum + 2;
    stable above target for two months, the minimum; a new starter, the maximum; below target
    +1, falling +1, critical failures +2 (last month), never above the maximum. With the
    defaults: 15 stable, 17 standard, 18 below target, 20 new."""
    low, high = policy.min_per_agent, policy.max_per_agent
    if new:
        return high, "new"
    if standing is not None and standing.stable_above:
        return low, "stable"
    codes, extra = [], 0
    if standing is not None:
        for flag, step, code in (
            (standing.below_target, 1, "below_target"),
            (standing.falling, 1, "falling"),
            (standing.critical, 2, "critical"),
        ):
            if flag:
                extra += step
                codes.append(code)
    quota = min(high, max(low, min(high, low + 2) + extra))
    return quota, ",".join(codes) or "standard"


class _Draw:
    """One draw's working state; `draw_items` is the entry point."""

    def __init__(self, month: dt.date, policy: SamplingPolicy, draw):
        self.start, _end = month_bounds(month)
        self.policy = policy
        self.draw_id = draw.pk if draw else None
        self.strata = Strata(policy)
        self.offset = month_offset(policy, self.start)
        self.position = position_sql(self.offset)
        self.interactions = _table(Interaction)
        self.items = _table(SampleItem)
        ops = connection.ops  # values adapted once, not once per row
        self.month_value = ops.adapt_datefield_value(self.start)
        self.now = ops.adapt_datetimefield_value(timezone.now())
        self.rows: list[tuple] = []  # SampleItems to write
        self.taken: set[int] = set()  # interactions sampled this month (earlier draws, risk picks)
        # {rule id: version} of the reliable transcript rules whose misses count as risk
        self.reliable_rules, self.rule_names = {}, {}
        if policy.risk_auto_checks:
            from ..selectors.autoqa import reliable_rule_ids

            reliable = TranscriptRule.objects.filter(pk__in=reliable_rule_ids(self.start))
            self.reliable_rules = dict(reliable.values_list("pk", "version"))
            self.rule_names = dict(reliable.values_list("pk", "name"))

    def plans(self) -> dict[int, AgentPlan]:
        policy = self.policy
        new_since = self.start - dt.timedelta(days=policy.new_agent_days)
        month_end = (self.start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        # Agents hired after the month were not there to take its contacts: no quota.
        agents = (
            User.objects.filter(role=Role.AGENT, is_active=True)
            .exclude(hired_on__gt=month_end)
            .values_list("pk", "hired_on")
        )
        standing = None
        if policy.quota_follows_performance:
            from core.standing import agent_standing

            standing = agent_standing((self.start - dt.timedelta(days=1)).replace(day=1))
        plans = {}
        for pk, hired in agents:
            new = bool(hired and hired > new_since)
            if standing is None:
                plans[pk] = AgentPlan(pk, policy.max_per_agent if new else policy.min_per_agent, new)
            else:
                quota, reason = performance_quota(policy, new, standing.get(pk))
                plans[pk] = AgentPlan(pk, quota, new, quota_reason=reason)
        return plans

    def why_short(self, plans: dict[int, AgentPlan]) -> None:
        """For agents with fewer eligible interactions than their quota: how many of the month's
        interactions were left out, and why (unanswered, under the minimum handle time). One
        grouped count over those agents only."""
        short = [p.agent_id for p in plans.values() if p.eligible_all < p.quota]
        if not short:
            return
        rows = (
            Interaction.objects.filter(local_month=self.start, agent_id__in=short)
            .values("agent_id")
            .annotate(
                total=Count("id"),
                unanswered=Count("id", filter=Q(answered=False)),
                too_short=Count(
                    "id", filter=Q(answered=True, handle_seconds__lt=self.policy.min_handle_seconds)
                ),
            )
            .order_by()
        )
        for row in rows:
            plan = plans[row["agent_id"]]
            plan.month_total, plan.unanswered, plan.too_short = (
                row["total"],
                row["unanswered"],
                row["too_short"],
            )
        for agent_id in short:  # no work this month (another team's file, on leave): not "short"
            if plans[agent_id].month_total == 0:
                plans[agent_id].short = False

    def eligible_where(self) -> tuple[str, list]:
        return (
            "i.local_month = %s AND i.answered = %s AND i.handle_seconds >= %s",
            [self.start, True, self.policy.min_handle_seconds],
        )

    def count(self, cursor, plans) -> dict[str, int]:
        """Step 1: eligible interactions per agent and stratum; returns the long-handle
        threshold per channel."""
        where, params = self.eligible_where()
        bands = self.strata.band_hours if self.policy.stratify_time_band else [(0, 24)]
        in_band = [f"i.local_hour >= {low} AND i.local_hour < {high}" for low, high in bands]
        # FILTER rather than CASE inside the aggregate: SQLite then evaluates each band's
        # expression only for that band's rows (a quarter less time for the whole scan).
        sums = ", ".join(f"COUNT(*) FILTER (WHERE {cond})" for cond in in_band)
        # The same scan finds each stratum's first interaction in the seeded order, as one number
        # (position × 2³² + id; ids stay below 2³²): a quota of one needs no further query.
        ids_fit = (Interaction.objects.aggregate(m=Max("pk"))["m"] or 0) < ID_SPAN
        first = f"{self.position} * {ID_SPAN} + i.id" if ids_fit else "NULL"
        firsts = ", ".join(f"MIN({first}) FILTER (WHERE {cond})" for cond in in_band)
        cursor.execute(
            f"SELECT i.agent_id, i.channel, i.local_week, COUNT(*), SUM(i.handle_seconds), {sums}, {firsts} "
            f"FROM {self.interactions} i WHERE {where} GROUP BY i.agent_id, i.channel, i.local_week",
            params,
        )
        handle_sum: dict[str, int] = {}
        handle_n: dict[str, int] = {}
        width = len(bands)
        policy = self.policy
        band_codes = [(b * 10 if policy.stratify_time_band else 0) for b in range(1, width + 1)]
        for agent_id, channel, week, n, handle, *per_band in cursor.fetchall():
            plan = plans.get(agent_id)
            if plan is None:
                continue
            handle_sum[channel] = handle_sum.get(channel, 0) + handle
            handle_n[channel] = handle_n.get(channel, 0) + n
            # The stratum code (Strata.code), inlined: this loop runs once per agent, channel
            # and week of the month.
            base = (CHANNEL_CODE.get(channel, 0) * 100 if policy.stratify_channel else 0) + (
                week if policy.stratify_week else 0
            )
            eligible, firsts = plan.eligible, plan.first
            for index in range(width):
                k = per_band[index]
                if k:
                    c = base + band_codes[index]
                    eligible[c] = eligible.get(c, 0) + k
                    first = per_band[width + index]
                    if first is not None and (c not in firsts or first < firsts[c]):
                        firsts[c] = first
        for plan in plans.values():
            plan.counted = dict(plan.eligible)
        # "Long" is a handle time above factor × the channel's mean. Handle times are whole
        # seconds, so that is the same as above the threshold rounded down, worked out exactly:
        # an integer keeps the comparison cheap in SQL (PostgreSQL would cast every row's
        # handle time to numeric to compare it with a fraction).
        factor = Fraction(self.policy.risk_long_handle_factor)
        return {c: math.floor(factor * handle_sum[c] / handle_n[c]) for c in handle_n if handle_n[c]}

    def existing(self, plans) -> None:
        """What earlier draws of this month took: counted against quotas, never drawn again."""
        rows = SampleItem.objects.filter(month=self.start).values_list(
            "agent_id", "kind", "interaction__channel", "interaction__local_week",
            "interaction__local_hour", "interaction__answered", "interaction__handle_seconds",
            "interaction_id",
        )  # fmt: skip
        for agent_id, kind, channel, week, hour, answered, handle, interaction_id in rows:
            self.taken.add(interaction_id)
            plan = plans.get(agent_id)
            if plan is None:
                continue
            code = self.strata.code(channel, week, hour)
            plan.existing += 1
            plan.existing_risk += kind == ReasonKind.RISK
            key = self.strata.decode(code)
            plan.existing_strata[key] = plan.existing_strata.get(key, 0) + 1
            if answered and handle >= self.policy.min_handle_seconds and code in plan.eligible:
                plan.eligible[code] -= 1

    def risk(self, cursor, plans, long_handle: dict[str, int]) -> None:
        """Step 2: each agent's riskiest interactions, up to the risk share of the quota."""
        policy = self.policy
        wanted = {}
        for plan in plans.values():
            share = plan.quota * policy.risk_share // 100
            room = max(0, plan.quota - plan.existing)
            wanted[plan.agent_id] = min(room, max(0, share - plan.existing_risk), plan.eligible_total)
        most = max(wanted.values(), default=0)
        if not most:
            return
        long_params = [v for pair in long_handle.items() for v in pair]

        # Missed by a reliable transcript rule (its current version): docs/autoqa.md. The rule
        # ids and versions are written into the SQL as integers; no rule, no clause.
        auto = self.reliable_rules
        verdicts = _table(AutoVerdict)

        def missed(t: str) -> str:
            if not auto:
                return "1 = 0"
            which = " OR ".join(
                f"(v.rule_id = {int(r)} AND v.rule_version = {int(v)})" for r, v in auto.items()
            )
            return f"EXISTS (SELECT 1 FROM {verdicts} v WHERE v.interaction_id = {t}.id AND v.outcome = 'fail' AND ({which}))"

        def rules(t: str) -> tuple[str, str]:
            """The risk score and the "any risk" test for table alias `t`."""
            long_sql = " OR ".join([f"({t}.channel = %s AND {t}.handle_seconds > %s)"] * len(long_handle))
            long_sql = long_sql or "1 = 0"
            score = (
                f"(CASE WHEN {t}.csat <= %s THEN 4 ELSE 0 END) + (CASE WHEN {t}.escalated THEN 3 ELSE 0 END)"
                f" + (CASE WHEN {t}.repeat_contact THEN 2 ELSE 0 END) + (CASE WHEN {t}.nps <= %s THEN 2 ELSE 0 END)"
                f" + (CASE WHEN {long_sql} THEN 1 ELSE 0 END) + (CASE WHEN {missed(t)} THEN 3 ELSE 0 END)"
            )
            any_risk = (
                f"({t}.csat <= %s OR {t}.escalated OR {t}.repeat_contact OR {t}.nps <= %s OR {long_sql}"
                f" OR {missed(t)})"
            )
            return score, any_risk

        rule_params = [policy.risk_csat_max, policy.risk_nps_max, *long_params]
        # Each agent's top rows are read by an index seek on the agent and sorted on their own
        # (a few hundred rows each), not ranked by one window over the month's risky rows.
        # Rows sampled already are dropped in Python, so ask for that many more.
        limit = most + max((p.existing for p in plans.values()), default=0)
        agents = [(a,) for a, k in wanted.items() if k]
        load_temp_table(cursor, "qa_draw_agents", {"agent_id": "bigint PRIMARY KEY"}, agents, analyze=True)
        columns = "id, agent_id, channel, local_week, local_hour, handle_seconds, csat, nps, escalated, repeat_contact"
        seek = "local_month = %s AND {t}.answered = %s AND {t}.agent_id = a.agent_id AND {t}.handle_seconds >= %s"
        seek_params = [self.start, True, policy.min_handle_seconds]
        if connection.vendor == "postgresql":
            score, any_risk = rules("i")
            cursor.execute(
                "SELECT r.* FROM qa_draw_agents a CROSS JOIN LATERAL (SELECT "
                + ", ".join(f"i.{c}" for c in columns.split(", "))
                + f", {score} AS risk, {self.position} AS pos FROM {self.interactions} i"
                f" WHERE i.{seek.format(t='i')} AND {any_risk} ORDER BY risk DESC, pos, i.id LIMIT {int(limit)}) r",
                [*rule_params, *seek_params, *rule_params],
            )
        else:  # SQLite has no LATERAL: the same per-agent query as a correlated IN (…LIMIT n)
            score, _any = rules("i")
            inner_score, inner_any = rules("j")
            cursor.execute(
                "SELECT "
                + ", ".join(f"i.{c}" for c in columns.split(", "))
                + f", {score} AS risk, {self.position} AS pos FROM qa_draw_agents a"
                f" JOIN {self.interactions} i ON i.id IN (SELECT j.id FROM {self.interactions} j"
                f" WHERE j.{seek.format(t='j')} AND {inner_any}"
                f" ORDER BY {inner_score} DESC, {position_sql(self.offset, 'j.sample_key')}, j.id LIMIT {int(limit)})",
                [*rule_params, *seek_params, *rule_params, *rule_params],
            )
        columns_out = [c[0] for c in cursor.description]
        ranked: dict[int, list[dict]] = {}
        for values in cursor.fetchall():
            row = dict(zip(columns_out, values, strict=True))
            if row["id"] not in self.taken:
                ranked.setdefault(row["agent_id"], []).append(row)
        cursor.execute("DELETE FROM qa_draw_agents")
        for agent_id, found in ranked.items():
            found.sort(key=lambda r: (-r["risk"], r["pos"], r["id"]))
            for rn, row in enumerate(found[: wanted[agent_id]], start=1):
                row["rn"] = rn
        rows = [row for found in ranked.values() for row in found if "rn" in row]
        if auto:  # which reliable rule each pick missed, for its reason
            missed_by = dict(
                AutoVerdict.objects.filter(
                    interaction_id__in=[row["id"] for row in rows], outcome="fail", rule_id__in=list(auto)
                ).values_list("interaction_id", "rule_id")
            )
            for row in rows:
                row["auto_rule"] = missed_by.get(row["id"])
        wording = RiskWording(policy, long_handle, self.rule_names)
        for row in rows:
            plan = plans[row["agent_id"]]
            row["handle"] = row["handle_seconds"]
            code = self.strata.code(row["channel"], row["local_week"], row["local_hour"])
            row["stratum"] = code
            self.taken.add(row["id"])
            plan.risk.append(row)
            plan.eligible[code] -= 1
            reason = wording(row)[:200]
            self.rows.append((row["id"], plan.agent_id, ReasonKind.RISK, str(code), reason, row["risk"]))

    def allocate(self, plans) -> list[tuple[int, int, int]]:
        """Step 3: (agent, stratum code, k) for what is left of each quota."""
        quotas = []
        decode = self.strata.decode
        for plan in plans.values():
            left = max(0, plan.quota - plan.existing - len(plan.risk))
            available = {decode(code): n for code, n in plan.eligible.items() if n > 0}
            already = dict(plan.existing_strata)
            for row in plan.risk:
                key = decode(row["stratum"])
                already[key] = already.get(key, 0) + 1
            plan.short = plan.existing + len(plan.risk) + sum(available.values()) < self.policy.min_per_agent
            for key, k in allocate(available, left, already=already).items():
                code = key[0] * 100 + key[1] * 10 + key[2]
                plan.picks[code] = k
                quotas.append((plan.agent_id, code, k))
        return quotas

    def pick(self, cursor, plans, quotas) -> dict[tuple[int, int], list[int]]:
        """Step 4: the first k of each stratum's seeded order. A quota of one whose first
        interaction is still free takes it straight from the count; the rest are read from the
        index."""
        picked: dict[tuple[int, int], list[int]] = {}
        rest = []
        for agent_id, code, k in quotas:
            first = plans[agent_id].first.get(code)
            if k == 1 and first is not None and first % ID_SPAN not in self.taken:
                picked[(agent_id, code)] = [first % ID_SPAN]
            else:
                rest.append((agent_id, code, k))
        if rest:
            picked.update(self.pick_from_index(cursor, plans, rest))
        return picked

    def pick_from_index(
        self, cursor, plans, quotas, *, full: bool = False
    ) -> dict[tuple[int, int], list[int]]:
        """The first k of each stratum's seeded order, reading only the front of each run of
        keys (the whole run when `full`). Rows sampled already are left out here, in Python:
        the window asks for as many more as the stratum holds (a NOT IN in SQL would make
        PostgreSQL scan the whole month)."""
        rows = []
        wanted = {}
        for agent_id, code, k in quotas:
            plan = plans[agent_id]
            counted = plan.counted.get(code, 0)
            taken = counted - plan.eligible.get(code, 0)  # already sampled in this stratum
            need = k + taken
            wanted[(agent_id, code)] = k
            target = need + math.isqrt(need) + 2  # a little slack; a short front is re-read
            width = KEYS if full or target >= counted else -(-KEYS * target // counted)
            low, high = self.offset, self.offset + width
            second = (0, high - KEYS) if high > KEYS else (0, 0)
            for channel, week, hour_low, hour_high in self.strata.cells(code):
                rows.append(
                    (agent_id, channel, week, hour_low, hour_high, code, need, low, min(high, KEYS), *second)
                )
        quota_columns = {
            "agent_id": "bigint", "channel": "varchar(20)", "week": "smallint", "hour_low": "smallint",
            "hour_high": "smallint", "code": "integer", "k": "integer",
            "low1": "bigint", "high1": "bigint", "low2": "bigint", "high2": "bigint",
        }  # fmt: skip
        load_temp_table(cursor, "qa_draw_quota", quota_columns, rows, analyze=True)
        where, params = self.eligible_where()
        cursor.execute(
            "SELECT agent_id, code, id, rn FROM (SELECT q.agent_id, q.code, q.k, i.id, ROW_NUMBER() OVER"
            f" (PARTITION BY q.agent_id, q.code ORDER BY {self.position}, i.id) AS rn"
            f" FROM qa_draw_quota q JOIN {self.interactions} i ON i.local_month = %s AND i.answered = %s"
            " AND i.agent_id = q.agent_id AND i.channel = q.channel AND i.local_week = q.week"
            " AND i.local_hour >= q.hour_low AND i.local_hour < q.hour_high"
            " AND ((i.sample_key >= q.low1 AND i.sample_key < q.high1)"
            " OR (i.sample_key >= q.low2 AND i.sample_key < q.high2))"
            f" WHERE {where}) r WHERE rn <= k",
            [self.start, True, *params],
        )
        ranked: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for agent_id, code, interaction_id, rn in cursor.fetchall():
            if interaction_id not in self.taken:
                ranked.setdefault((agent_id, code), []).append((rn, interaction_id))
        picked = {key: [i for _rn, i in sorted(found)[: wanted[key]]] for key, found in ranked.items()}
        cursor.execute("DELETE FROM qa_draw_quota")
        if not full:
            short = [(a, c, k) for a, c, k in quotas if len(picked.get((a, c), ())) < k]
            if short:
                picked.update(self.pick_from_index(cursor, plans, short, full=True))
        return picked

    def add_picks(self, plans, picked) -> None:
        for (agent_id, code), ids in picked.items():
            short = plans[agent_id].short
            reason = self.strata.describe(code)
            if short:
                reason = _("All eligible (short sample): %(stratum)s") % {"stratum": reason}
            kind = ReasonKind.ALL if short else ReasonKind.STRATUM
            for interaction_id in ids:
                self.rows.append((interaction_id, agent_id, kind, str(code), reason[:200], 0))

    def write(self, cursor) -> list[NewItem]:
        before = SampleItem.objects.filter(month=self.start).aggregate(m=Max("pk"))["m"] or 0
        rows = [(i, a, str(kind), s, r, score) for i, a, kind, s, r, score in self.rows]
        self.rows.clear()
        if connection.vendor == "postgresql":
            insert_rows(
                cursor, self.items, ["month", "draw_id", "created_at", *ITEM_COLUMNS],
                [(self.month_value, self.draw_id, self.now, *row) for row in rows],
            )  # fmt: skip
        else:
            # SQLite: the rows go to a temporary table without constraints or indexes, and one
            # INSERT … SELECT adds the month, draw and time: about three times faster than
            # inserting them one by one with their foreign-key checks and indexes.
            load_temp_table(cursor, "qa_draw_items", ITEM_COLUMNS, rows)
            listed = ", ".join(ITEM_COLUMNS)
            cursor.execute(
                f"INSERT INTO {self.items} (month, draw_id, created_at, {listed})"
                f" SELECT %s, %s, %s, {listed} FROM qa_draw_items",
                [self.month_value, self.draw_id, self.now],
            )
            cursor.execute("DELETE FROM qa_draw_items")
        new = SampleItem.objects.filter(month=self.start, pk__gt=before).values_list("pk", "agent_id")
        return [NewItem(*row) for row in new]


def draw_items(*, month: dt.date, policy: SamplingPolicy, draw=None) -> DrawResult:
    """Work out every agent's sample for `month` and write the new SampleItems.

    Call it inside a transaction: the caller decides whether all of it stands.
    """
    job = _Draw(month, policy, draw)

    def alive() -> None:
        if draw is not None:
            heartbeat("draw", draw.pk)

    plans = job.plans()
    alive()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Compiling these queries (JIT) costs more than running them; sorting 100,000
            # candidates wants more than the default 4 MB. Both end with the transaction.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '32MB'")
        long_handle = job.count(cursor, plans)
        alive()
        job.existing(plans)
        job.risk(cursor, plans, long_handle)
        alive()
        items = job.write(cursor)  # from here on the picks leave the risk items out
        quotas = job.allocate(plans)
        alive()
        if quotas:
            job.add_picks(plans, job.pick(cursor, plans, quotas))
            alive()
            items += job.write(cursor)
    for plan in plans.values():
        plan.eligible_all = plan.existing + len(plan.risk) + plan.eligible_total
    job.why_short(plans)
    return DrawResult(agents=len(plans), items=items, plans=plans)
