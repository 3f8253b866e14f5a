"""How each agent stood last month (below target, falling, critical failures, stable above
target), for the sample's quotas (docs/sampling.md, "Quotas that follow performance").

The records that know it belong to coaching, which depends on reviews; reviews asks here, and
coaching registers the answer when it loads, so dependencies keep running one way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Standing:
    below_target: bool = False
    falling: bool = False
    critical: bool = False
    stable_above: bool = False  # at or above target in both months, no critical failure, not falling


_provider: Callable[[dt.date], dict[int, Standing]] | None = None


def provide_standing(provider: Callable[[dt.date], dict[int, Standing]]) -> None:
    global _provider
    _provider = provider


def agent_standing(month: dt.date) -> dict[int, Standing]:
    """{agent id: Standing} from the records of `month` (and the month before it)."""
    return _provider(month) if _provider is not None else {}
