"""The coaching loop's check (PDCA): did the coached behaviour improve? A pure formula, no ORM;
docs/coaching.md states the rule and works it by hand, and tests/coaching/test_loop.py checks
those examples.

For a target (a criterion or a section) coached in a session, the agent's scores on it in the
N reviews before the session are compared with those in the first N reviews after it:

- fewer than N after, or fewer than 2 before: **too early** (nothing to judge yet);
- otherwise the difference of the means, after − before, with its 95% margin
  t(0.975, min(n_before, n_after) − 1) × √(s²_before / n_before + s²_after / n_after)
  (Welch's standard error with the conservative degrees of freedom, which a t table gives);
- **improved** when the difference minus its margin is above 0 (the whole interval of the
  difference is above 0; with no spread at all, when the difference is above 0);
  **not improved** otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .metrics import rounded, t_quantile

IMPROVED, NOT_IMPROVED, TOO_EARLY = "improved", "not_improved", "too_early"
DEFAULT_WINDOW = 5  # reviews on each side of the session


@dataclass(frozen=True)
class Verdict:
    verdict: str
    n_before: int
    n_after: int
    mean_before: Decimal | None = None
    mean_after: Decimal | None = None
    difference: Decimal | None = None
    margin: Decimal | None = None  # the 95% margin of the difference

    @property
    def low(self) -> Decimal | None:
        """The lower end of the difference's 95% interval."""
        if self.difference is None or self.margin is None:
            return None
        return self.difference - self.margin


def _mean_and_variance(values: list[Fraction]) -> tuple[Fraction, Fraction]:
    n = len(values)
    mean = sum(values, Fraction(0)) / n
    return mean, sum(((v - mean) ** 2 for v in values), Fraction(0)) / (n - 1)


def verdict(before: list, after: list, *, window: int = DEFAULT_WINDOW) -> Verdict:
    """The verdict for a target's scores (0–100, oldest first) before and after the session.
    Only the last `window` scores before and the first `window` after are used."""
    before = [Fraction(str(v)) for v in before][-window:]
    after = [Fraction(str(v)) for v in after][:window]
    if len(after) < window or len(before) < 2:
        return Verdict(TOO_EARLY, len(before), len(after))
    mean_b, var_b = _mean_and_variance(before)
    mean_a, var_a = _mean_and_variance(after)
    difference = mean_a - mean_b
    spread = var_b / len(before) + var_a / len(after)
    if spread == 0:
        margin = Fraction(0)
        better = difference > 0
    else:
        t = t_quantile(0.975, min(len(before), len(after)) - 1)
        margin = Fraction(repr(t * math.sqrt(spread)))
        better = difference - margin > 0
    return Verdict(
        IMPROVED if better else NOT_IMPROVED,
        len(before),
        len(after),
        mean_before=rounded(mean_b),
        mean_after=rounded(mean_a),
        difference=rounded(difference),
        margin=rounded(margin),
    )
