"""Agreement between reviewers: Krippendorff's alpha, pure functions (docs/agreement.md).

    α = 1 − D_o / D_e = 1 − (n − 1) · Σ_u Σ_{i≠j in u} δ²(v_i, v_j) / (m_u − 1)  ÷  Σ_c Σ_k n_c n_k δ²(c, k)

over the *pairable* values: those of units (interactions) that at least two reviewers scored; n
is their number, m_u a unit's, n_c how many of them are c. δ² is the level's difference:

* nominal: 0 for the same value, 1 otherwise (yes / no / N/A answers);
* ordinal: (Σ_{g from c to k} n_g − (n_c + n_k) / 2)², the ranks between two values as the data
  uses them (rating scales);
* interval: (c − k)² (totals);
* ratio: ((c − k) / (c + k))².

Checked in tests/reviews/test_agreement.py against Krippendorff's published worked example (2011,
"Computing Krippendorff's alpha-reliability": α = 0.743 nominal, 0.815 ordinal, 0.849 interval,
0.797 ratio) and against the `krippendorff` package on random data.

The arithmetic is vectorised over bootstrap resamples: each unit's contribution is kept apart, a
resample weighs the units by how often it drew them, and the interval is the 2.5th and 97.5th
percentiles of α over the resamples (units resampled with replacement, a fixed seed so a figure
does not move between page loads).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

LEVELS = ("nominal", "ordinal", "interval", "ratio")
RELIABLE, TENTATIVE = 0.800, 0.667  # Krippendorff's thresholds
BOOTSTRAP = 1000
SEED = 20071


class AgreementError(ValueError):
    pass


@dataclass(frozen=True)
class Agreement:
    """α with what it rests on: units that at least two reviewers scored, their values, and the
    bootstrapped 95 % interval. `alpha` is None when it cannot be computed (fewer than two
    pairable values, or no variation at all in them)."""

    alpha: float | None
    units: int
    values: int
    low: float | None = None
    high: float | None = None

    @property
    def reading(self) -> str:
        return reading(self.alpha)


def reading(alpha: float | None) -> str:
    """ "reliable" (α ≥ 0.800), "tentative" (0.667 to 0.800), "unreliable" below, "" unknown."""
    if alpha is None:
        return ""
    if alpha >= RELIABLE:
        return "reliable"
    return "tentative" if alpha >= TENTATIVE else "unreliable"


def _units(data: Sequence[Sequence]) -> list[list]:
    """Raters × units (None: not rated) -> each pairable unit's values."""
    if not data:
        return []
    width = max(len(row) for row in data)
    units = []
    for u in range(width):
        values = [row[u] for row in data if u < len(row) and row[u] is not None]
        if len(values) >= 2:
            units.append(values)
    return units


def krippendorff_alpha(data: Sequence[Sequence], level: str = "nominal") -> float:
    """Krippendorff's alpha of `data`, a list of raters, each a list of that rater's value per unit
    (None where the rater did not rate the unit). `level`: "nominal", "ordinal", "interval" or
    "ratio". NaN when it is undefined (no pairable values, or all of them the same)."""
    if level not in LEVELS:
        raise AgreementError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    alpha = agreement(_units(data), level, bootstrap=0).alpha
    return math.nan if alpha is None else alpha


def agreement(
    units: Sequence[Sequence], level: str, *, bootstrap: int = BOOTSTRAP, seed: int = SEED
) -> Agreement:
    """α over `units` (each a list of the values its reviewers gave; units with fewer than two are
    left out) with, when `bootstrap` > 0, its bootstrapped 95 % interval."""
    if level not in LEVELS:
        raise AgreementError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    units = [list(u) for u in units if len(u) >= 2]
    n_values = sum(len(u) for u in units)
    if not units:
        return Agreement(None, 0, 0)
    counts, values = _moments(units) if level == "interval" else _counts(units, level)
    alphas = _alpha_batch(counts, values, level, np.ones((1, len(units))))
    alpha = None if np.isnan(alphas[0]) else float(alphas[0])
    if alpha is None or bootstrap <= 0:
        return Agreement(alpha, len(units), n_values)
    weights = resample_weights(len(units), bootstrap, seed)
    resampled = _alpha_batch(counts, values, level, weights)
    resampled = resampled[~np.isnan(resampled)]
    if not len(resampled):
        return Agreement(alpha, len(units), n_values)
    low, high = np.percentile(resampled, [2.5, 97.5])
    return Agreement(alpha, len(units), n_values, float(low), float(high))


@lru_cache(maxsize=8)
def resample_weights(units: int, draws: int, seed: int = SEED) -> np.ndarray:
    """draws × units: how many times each resample (units drawn with replacement) took each unit.
    The same for every variable with as many units (kept, read-only)."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, units, size=(draws, units)) + np.arange(draws)[:, None] * units
    weights = np.bincount(picks.ravel(), minlength=draws * units).reshape(draws, units).astype(float)
    weights.flags.writeable = False
    return weights


def _moments(units: list[list]) -> tuple[np.ndarray, None]:
    """units × (m, Σv, Σv²): all the interval level needs, however many distinct values."""
    try:
        return np.array([(len(u), sum(map(float, u)), sum(float(v) ** 2 for v in u)) for u in units]), None
    except (TypeError, ValueError) as exc:
        raise AgreementError(f"interval data must be numbers: {exc}") from None


def _counts(units: list[list], level: str) -> tuple[np.ndarray, list]:
    """units × distinct values: how often each unit has each value (values sorted, except for
    nominal data, whose values need not be numbers)."""
    if level == "nominal":
        values = list(dict.fromkeys(v for u in units for v in u))
    else:
        try:
            values = sorted({float(v) for u in units for v in u})
        except (TypeError, ValueError) as exc:
            raise AgreementError(f"{level} data must be numbers: {exc}") from None
        units = [[float(v) for v in u] for u in units]
    index = {v: i for i, v in enumerate(values)}
    counts = np.zeros((len(units), len(values)))
    for row, unit in enumerate(units):
        for v in unit:
            counts[row, index[v]] += 1
    return counts, values


def _alpha_batch(counts: np.ndarray, values: list, level: str, weights: np.ndarray) -> np.ndarray:
    """α for each row of `weights` (how many times each unit counts): one value per resample.
    `counts` is units × values (how often each unit has each), or for the interval level units ×
    (m, Σv, Σv²)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if level == "interval":
            # Σ_{i≠j}(v_i − v_j)² = 2 m Σv² − 2 (Σv)²: `counts` holds each unit's m, Σv and Σv².
            m, s1, s2 = counts[:, 0], counts[:, 1], counts[:, 2]
            observed = (2 * m * s2 - 2 * s1 * s1) / (m - 1)
            n, t1, t2 = weights @ m, weights @ s1, weights @ s2
            expected = 2 * n * t2 - 2 * t1 * t1
            return 1 - (n - 1) * (weights @ observed) / expected
        m = counts.sum(axis=1)  # values per unit
        totals = weights @ counts  # n_c per resample
        n = totals.sum(axis=1)
        if level == "ordinal":
            # δ² depends on the marginals: keep each unit's coincidences, weigh them per resample.
            size = counts.shape[1]
            coincidences = (counts[:, :, None] * counts[:, None, :]).reshape(len(counts), -1)
            coincidences -= (counts[:, :, None] * np.eye(size)[None]).reshape(len(counts), -1)
            coincidences /= (m - 1)[:, None]
            observed_matrix = (weights @ coincidences).reshape(-1, size, size)
            cumulative = np.cumsum(totals, axis=1)
            # Σ_{g=c..k} n_g − (n_c + n_k)/2 for c ≤ k, from the running sums
            between = cumulative[:, None, :] - cumulative[:, :, None] + totals[:, :, None]
            delta = (between - (totals[:, :, None] + totals[:, None, :]) / 2) ** 2
            delta = np.triu(delta) + np.transpose(np.triu(delta, 1), (0, 2, 1))
            d_o = (observed_matrix * delta).sum(axis=(1, 2))
            d_e = np.einsum("bc,bk,bck->b", totals, totals, delta)
            return 1 - (n - 1) * d_o / d_e
        delta = _fixed_delta(values, level)
        per_unit = ((counts @ delta) * counts).sum(axis=1) / (m - 1)
        d_e = ((totals @ delta) * totals).sum(axis=1)
        return 1 - (n - 1) * (weights @ per_unit) / d_e


def _fixed_delta(values: list, level: str) -> np.ndarray:
    if level == "nominal":
        return 1 - np.eye(len(values))
    v = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = ((v[:, None] - v[None, :]) / (v[:, None] + v[None, :])) ** 2
    return np.nan_to_num(delta)  # 0 and 0: no difference
