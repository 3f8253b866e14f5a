"""The formulas behind every figure of a performance record: plain functions, no ORM.

docs/metrics.md states each formula with a worked example; tests/coaching/test_metrics.py checks
exactly those examples. Inputs are the record's *parts*: counts and sums that add up, so a team's
or the programme's parts are the sum of its agents' parts and every level is computed the same
way from them.

Figures are Decimals rounded half up to two places (`None` when there is nothing to compute
from: the pages show "—", never 0), each with the n it was computed from.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

TWO = Decimal("0.01")

# -- Student's t ---------------------------------------------------------------------------------


def _betacf(a: float, b: float, x: float) -> float:
    """The continued fraction of the regularised incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c if abs(1.0 + aa / c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c if abs(1.0 + aa / c) > tiny else tiny
        step = d * c
        h *= step
        if abs(step - 1.0) < 1e-15:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: int) -> float:
    """P(T <= t) for Student's t with `df` degrees of freedom."""
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


@functools.lru_cache(maxsize=512)
def t_quantile(p: float, df: int) -> float:
    """The t with P(T <= t) = p (p > 0.5), by bisection: 2.776 for p = 0.975, df = 4."""
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12:
            break
    return (low + high) / 2.0


# -- rounding and plain statistics ---------------------------------------------------------------


def rounded(value) -> Decimal | None:
    """Two decimals, halves away from zero; None stays None. Exact for Fractions, Decimals and
    integers; a float (a square root) is taken at its shortest decimal form first."""
    if value is None:
        return None
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(TWO, ROUND_HALF_UP)
    if isinstance(value, Decimal):
        return value.quantize(TWO, ROUND_HALF_UP)
    value = Fraction(value)
    p, q = value.numerator, value.denominator
    whole, rest = divmod(abs(p) * 100, q)
    if rest * 2 >= q:
        whole += 1
    result = Decimal(whole).scaleb(-2).quantize(TWO)
    return -result if p < 0 else result


def ratio(numerator, denominator, scale: int = 1) -> Decimal | None:
    """numerator ÷ denominator × scale, rounded half away from zero to two places, or None when
    the denominator is 0. Decimal division to 40 significant digits before the one rounding."""
    if not denominator:
        return None
    with localcontext(prec=40):
        value = Decimal(numerator) * scale / Decimal(denominator)
    return value.quantize(TWO, ROUND_HALF_UP)


@dataclass(frozen=True)
class Summary:
    """A sample of review totals: n, mean with its 95% Student-t interval (from n = 2), median,
    min, max and the sample standard deviation."""

    n: int
    mean: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    median: Decimal | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    sd: Decimal | None = None


SCALE = 10_000  # scores have two decimals; four are kept exactly


def summarise(
    values: list[Decimal], *, floor: Decimal = Decimal(0), ceiling: Decimal = Decimal(100)
) -> Summary:
    """Mean ± t(0.975, n − 1) × s / √n, the interval clipped to [floor, ceiling] (a score cannot
    leave 0–100). Exact integer arithmetic on values of up to four decimals."""
    n = len(values)
    if not n:
        return Summary(0)
    scaled = sorted(int(Decimal(v) * SCALE) for v in values)
    total = sum(scaled)
    mean = Fraction(total, n * SCALE)
    middle = (
        Fraction(scaled[n // 2], SCALE) if n % 2 else Fraction(scaled[n // 2 - 1] + scaled[n // 2], 2 * SCALE)
    )
    low = high = sd = None
    if n >= 2:
        squares = sum(x * x for x in scaled)
        variance = Fraction(n * squares - total * total, n * (n - 1) * SCALE * SCALE)
        s = math.sqrt(variance)
        half = t_quantile(0.975, n - 1) * s / math.sqrt(n)
        low = rounded(max(Fraction(floor), mean - Fraction(half)))
        high = rounded(min(Fraction(ceiling), mean + Fraction(half)))
        sd = rounded(s)
    return Summary(
        n=n,
        mean=rounded(mean),
        low=low,
        high=high,
        median=rounded(middle),
        min=rounded(Fraction(scaled[0], SCALE)),
        max=rounded(Fraction(scaled[-1], SCALE)),
        sd=sd,
    )


def falling(current: Summary, previous: Summary | None) -> bool:
    """This month is below last month by more than the intervals explain: this month's whole
    interval lies below last month's (both need n >= 2)."""
    if previous is None or current.high is None or previous.low is None:
        return False
    return current.high < previous.low


# -- parts: counts and sums that add up ----------------------------------------------------------

KPI_PARTS = (
    "offered", "handled", "handle", "hold", "wait", "wait_n", "fcr", "fcr_n", "resolved", "resolved_n",
    "csat_top", "csat_sum", "csat_n", "promoters", "detractors", "nps_n", "effort_sum", "effort_n",
    "escalated", "repeat", "sl_within", "sl_n", "escalated_n", "repeat_n", "answered_n", "abandoned",
)  # fmt: skip


def empty_parts() -> dict:
    return {
        "qa": {
            "totals": [],
            "controllable": [],  # the totals with misses the agent does not control left out
            "raw": [],
            "targets": [],
            "critical": 0,
            "sections": {},
            "criteria": {},
            "rubrics": {},
        },
        "kpi": empty_kpi(),
        "channels": {},  # channel -> the same KPI parts for that channel's interactions alone
        "queues": {},  # queue -> the same KPI parts for that queue's interactions alone
    }


def empty_kpi() -> dict:
    return dict.fromkeys(KPI_PARTS, 0)


def _add_parts(total: dict, parts: dict) -> None:
    """Add `parts` into `total`; sums kept as text become Decimals here (see `_as_text`)."""
    qa, into = parts["qa"], total["qa"]
    into["totals"] += qa["totals"]
    into["controllable"] = into.get("controllable", []) + qa.get("controllable", [])
    into["raw"] += qa["raw"]
    into["targets"] += qa["targets"]
    into["critical"] += qa["critical"]
    for group in ("sections", "criteria"):
        target = into[group]
        for identity, acc in qa[group].items():
            mine = target.get(identity)
            if mine is None:
                target[identity] = {
                    k: (Decimal(v) if k in ("score", "target") else v) for k, v in acc.items()
                }
                continue
            mine["n"] += acc["n"]
            mine["score"] += Decimal(acc["score"])
            if "target" in acc:
                mine["target"] += Decimal(acc["target"])
            for k in ("met", "full"):
                if k in acc:
                    mine[k] += acc[k]
    for lineage, acc in qa["rubrics"].items():
        mine = into["rubrics"].setdefault(lineage, {"name": acc["name"], "versions": [], "n": 0})
        mine["n"] += acc["n"]
        mine["versions"] = sorted(set(mine["versions"]) | set(acc["versions"]))
    kpi = total["kpi"]
    for k, v in parts["kpi"].items():
        kpi[k] = kpi.get(k, 0) + v
    for group in ("channels", "queues"):  # records built before queues were kept have none
        for name, values in parts.get(group, {}).items():
            mine = total[group].setdefault(name, empty_kpi())
            for k, v in values.items():
                mine[k] = mine.get(k, 0) + v


def _as_text(parts: dict) -> None:
    for key, value in parts.items():
        if isinstance(value, dict):
            _as_text(value)
        elif isinstance(value, Decimal):
            parts[key] = str(value)


def parts_sum(many) -> dict:
    """The parts of a team or the programme: its agents' (or teams') parts added up."""
    total = empty_parts()
    for parts in many:
        _add_parts(total, parts)
    _as_text(total)
    return total


def parts_add(total: dict, parts: dict) -> dict:
    """Add one agent's parts into a running total (in place; returns it)."""
    _add_parts(total, parts)
    _as_text(total)
    return total


# -- figures -------------------------------------------------------------------------------------


def qa_figures(qa: dict) -> dict:
    totals = [Decimal(v) for v in qa["totals"]]
    summary = summarise(totals)
    n = summary.n
    raw_mean = ratio(sum((Decimal(v) for v in qa["raw"]), Decimal(0)), n) if n else None
    own = [Decimal(v) for v in qa.get("controllable", [])]  # records built before: unknown
    own_mean = ratio(sum(own, Decimal(0)), len(own)) if own else None
    target = rounded(Fraction(sum((Decimal(t) for t in qa["targets"]), Decimal(0))) / n) if n else None
    sections = []
    for identity, s in qa["sections"].items():
        mean = ratio(Decimal(s["score"]), s["n"])
        target_mean = ratio(Decimal(s["target"]), s["n"])
        sections.append({
            "identity": identity, "name": s["name"], "rubric": s.get("rubric", ""), "n": s["n"], "mean": _text(mean),
            "target": _text(target_mean), # Σ score ÷ Σ target (the n cancels): from the exact sums, rounded once
            "attainment": _text(ratio(Decimal(s["score"]), Decimal(s["target"]), 100) if mean is not None else None),
            "met": None if mean is None else mean >= target_mean,
        })  # fmt: skip
    criteria = []
    for identity, c in qa["criteria"].items():
        value = ratio(c["full"], c["n"], 100) if c["kind"] == "yes_no" else ratio(Decimal(c["score"]), c["n"])
        criteria.append({
            "identity": identity, "label": c["label"], "section": c["section"], "kind": c["kind"],
            "n": c["n"], "value": _text(value),
        })  # fmt: skip
    criteria.sort(key=lambda c: (c["value"] is None, Decimal(c["value"] or 0), c["label"]))
    return {
        "n": n,
        "mean": _text(summary.mean), "low": _text(summary.low), "high": _text(summary.high),
        "median": _text(summary.median), "min": _text(summary.min), "max": _text(summary.max),
        "sd": _text(summary.sd), "raw_mean": _text(raw_mean), "target": _text(target),
        "controllable_mean": _text(own_mean), "controllable_n": len(own),
        "critical": qa["critical"], "critical_rate": _text(ratio(qa["critical"], n, 100)),
        "sections": sections, "criteria": criteria,
        "rubrics": [
            {"lineage": k, "name": r["name"], "versions": r["versions"], "n": r["n"]} for k, r in qa["rubrics"].items()
        ],
    }  # fmt: skip


def _exact(numerator, denominator, scale: int = 1) -> Fraction | None:
    if not denominator:
        return None
    if type(numerator) is int and type(denominator) is int:  # counts and seconds: the usual case
        return Fraction(numerator * scale, denominator)
    return Fraction(Decimal(numerator)) * scale / Fraction(Decimal(denominator))


def kpi_exact(k: dict) -> dict[str, tuple[Fraction | None, int]]:
    """Every KPI's exact value (a Fraction, None without data) and its n, from the parts: what
    the composite weighs, so that figures are rounded once, at the end (docs/metrics.md)."""
    k = empty_kpi() | k  # parts stored before a part existed: 0, so its KPI shows "—"
    return {
        "volume": (Fraction(k["handled"]) if k["offered"] else None, k["offered"]),
        "aht": (_exact(k["handle"], k["handled"]), k["handled"]),
        "hold_share": (_exact(k["hold"], k["handle"], 100), k["handled"]),
        "asa": (_exact(k["wait"], k["wait_n"]), k["wait_n"]),
        "fcr": (_exact(k["fcr"], k["fcr_n"], 100), k["fcr_n"]),
        "resolution": (_exact(k["resolved"], k["resolved_n"], 100), k["resolved_n"]),
        "csat": (_exact(k["csat_top"], k["csat_n"], 100), k["csat_n"]),
        "csat_mean": (_exact(k["csat_sum"], k["csat_n"]), k["csat_n"]),
        "nps": (_exact(k["promoters"] - k["detractors"], k["nps_n"], 100), k["nps_n"]),
        "ces": (_exact(k["effort_sum"], k["effort_n"]), k["effort_n"]),
        "escalation": (_exact(k["escalated"], k["escalated_n"], 100), k["escalated_n"]),
        "repeat": (_exact(k["repeat"], k["repeat_n"], 100), k["repeat_n"]),
        "abandonment": (_exact(k["abandoned"], k["answered_n"], 100), k["answered_n"]),
        "service_level": (_exact(k["sl_within"], k["sl_n"], 100), k["sl_n"]),
        "utilisation": (None, 0),  # needs schedule data, which no import carries yet
    }


def kpi_figures(k: dict, channels: dict | None = None, exact: dict | None = None) -> dict:
    """Every KPI with its value and n (see docs/metrics.md for each formula), rounded once; the
    volume is a count. `channels` adds the handled volume per channel; `exact` is kpi_exact(k)
    when the caller has it already. A KPI whose column no file had is None with n = 0."""
    out = {
        code: {
            "value": _text(int(value) if code == "volume" and value is not None else rounded(value)),
            "n": n,
        }
        for code, (value, n) in (exact or kpi_exact(k)).items()
    }
    if channels is not None:
        out["volume"]["channels"] = {c: p["handled"] for c, p in sorted(channels.items()) if p["handled"]}
    return out


# What a queue's row shows: how its contacts were answered (docs/metrics.md, "Queues").
QUEUE_KPIS = ("volume", "asa", "abandonment", "service_level", "aht")


def queue_figures(queues: dict[str, dict]) -> list[dict]:
    """Per queue (by name; "" for contacts without one): offered, and the queue KPIs with n."""
    return [
        {"queue": name, "offered": k["offered"]}
        | {code: figure for code, figure in kpi_figures(k).items() if code in QUEUE_KPIS}
        for name, k in sorted(queues.items(), key=lambda item: (item[0] == "", item[0].lower()))
        if k["offered"]
    ]


HIGHER, LOWER, BALANCED = "higher", "lower", "balanced"


def attainment(actual: Decimal, target: Decimal, direction: str) -> Fraction | None:
    """How far a KPI reaches its target, as a fraction (1 = on target): actual ÷ target when
    higher is better, target ÷ actual when lower is better, 1 − |actual − target| ÷ target
    when it should be balanced (never below 0)."""
    actual, target = Fraction(actual), Fraction(target)
    if direction == HIGHER:
        return actual / target if target else None
    if direction == LOWER:
        return target / actual if actual else Fraction(10)  # 0 s of waiting: as good as it gets
    if not target:
        return None
    return max(Fraction(0), 1 - abs(actual - target) / target)


@dataclass(frozen=True)
class Weight:
    kpi: str  # a KPI code, "qa", or "section:<name>"
    label: str
    weight: Decimal
    target: Decimal
    direction: str
    cap: Decimal = Decimal(100)  # % of target at most counted


@dataclass(frozen=True)
class Minimums:
    """When a composite has data enough (docs/metrics.md): n per KPI, reviews for QA and
    sections, the share of the scheme's weight (%) that must count."""

    n: int = 10
    qa_n: int = 3
    weight: Decimal = Decimal(60)


def composite(
    values: dict[str, tuple[Decimal | None, int]], weights: list[Weight], minimums: Minimums = Minimums()
) -> dict:
    """Σ weight × min(attainment, cap) ÷ Σ weight, over the KPIs that have a value from enough
    data (n at least the minimum); the others are listed and left out (their weight shared among
    the rest). "—" (None) when those that count carry less than `minimums.weight` % of the weight."""
    rows, numerator, used = [], Fraction(0), Fraction(0)
    for w in weights:
        actual, n = values.get(w.kpi, (None, 0))
        least = minimums.qa_n if w.kpi == "qa" or w.kpi.startswith("section:") else minimums.n
        reach = attainment(actual, w.target, w.direction) if actual is not None else None
        # shown with its attainment, but counted only from enough data
        counted = None if reach is None or n < least else min(reach, Fraction(w.cap) / 100)
        if counted is not None:
            numerator += Fraction(w.weight) * counted
            used += Fraction(w.weight)
        rows.append({
            "kpi": w.kpi, "label": w.label, "weight": _text(w.weight), "target": _text(w.target),
            "direction": w.direction, "cap": _text(w.cap), "actual": _text(rounded(actual)), "n": n,
            "attainment": _text(rounded(reach * 100) if reach is not None else None),
            "counted": _text(rounded(counted * 100) if counted is not None else None),
            "min_n": least, "too_few": 0 < n < least,
        })  # fmt: skip
    total = sum((Fraction(w.weight) for w in weights), Fraction(0))
    enough = used and total and used * 100 >= Fraction(minimums.weight) * total
    value = rounded(numerator / used * 100) if enough else None
    return {
        "value": _text(value), "weights_used": _text(rounded(used)), "weights_total": _text(rounded(total)),
        "min_weight": _text(minimums.weight), "rows": rows,
    }  # fmt: skip


def _text(value) -> str | None:
    return None if value is None else str(value)


# -- change against the previous month -------------------------------------------------------------


def qa_change(current, previous) -> dict | None:
    """This month's QA mean against last month's (records, or anything with qa_mean, qa_low,
    qa_high): the difference, and whether the 95% intervals make it a real change (they do not
    overlap: a real rise or a real fall) or not (within the intervals). None without both means.
    Worked example (docs/metrics.md): 86.00 (84.10–87.90) after 80.00 (76.00–83.50): +6.00, a
    real rise (84.10 > 83.50); after 84.00 (80.00–88.00): +2.00, within the intervals."""
    if current is None or previous is None or current.qa_mean is None or previous.qa_mean is None:
        return None
    delta = rounded(Fraction(Decimal(current.qa_mean)) - Fraction(Decimal(previous.qa_mean)))
    real = None
    if None not in (current.qa_low, current.qa_high, previous.qa_low, previous.qa_high):
        if current.qa_low > previous.qa_high:
            real = "rise"
        elif current.qa_high < previous.qa_low:
            real = "fall"
    return {"delta": delta, "real": real, "previous": previous.qa_mean}
