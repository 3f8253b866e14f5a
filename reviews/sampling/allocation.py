"""Sharing an agent's quota among strata, and sampled items among reviewers. Pure Python."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from fractions import Fraction

Stratum = tuple  # e.g. ("phone", "morning", 2): one value per dimension


def allocate(
    counts: Mapping[Stratum, int], quota: int, *, already: Mapping[Stratum, int] | None = None
) -> dict[Stratum, int]:
    """How many to draw from each stratum.

    1. Coverage first: while quota remains, give one to the stratum that covers the most
       dimension values (a channel, a time band, a week) not yet in the sample, counting what
       is `already` sampled; ties go to the larger stratum, then the smaller key.
    2. The rest in proportion to each stratum's volume (largest remainders), never more than a
       stratum holds.
    Deterministic: the same counts and quota always give the same allocation.
    """
    already = already or {}
    available = {s: n for s, n in counts.items() if n > 0}
    total = sum(available.values())
    if quota <= 0 or not available:
        return {}
    if total <= quota:
        return dict(available)

    result = dict.fromkeys(available, 0)
    covered: set[tuple[int, Hashable]] = {
        (d, v) for s, n in already.items() if n > 0 for d, v in enumerate(s)
    }
    left = quota
    order = sorted(available, key=lambda s: (-available[s], s))
    while left:
        best, gain = None, 0
        for s in order:
            if result[s] >= available[s]:
                continue
            g = sum((d, v) not in covered for d, v in enumerate(s))
            if g > gain:
                best, gain = s, g
        if best is None:
            break
        result[best] += 1
        covered.update(enumerate(best))
        left -= 1

    # The rest goes, one at a time, to the stratum furthest below its proportional share of
    # the whole quota.
    ideal = {s: Fraction(quota * available[s], total) for s in available}
    while left:
        room = [s for s in order if result[s] < available[s]]
        if not room:
            break
        best = max(room, key=lambda s: (ideal[s] - result[s], available[s]))
        result[best] += 1
        left -= 1
    return {s: k for s, k in result.items() if k}


def balance(
    items: Sequence[tuple[Hashable, int]],
    reviewers: Sequence[int],
    *,
    load: Mapping[int, int] | None = None,
    capacity: Mapping[int, int | None] | None = None,
) -> dict[Hashable, int | None]:
    """Give each item (item key, agent id) to a reviewer: the least loaded one who is not the
    agent and has capacity left; ties go to whoever has fewest of this agent's items, then the
    lowest id. Items nobody can take get None."""
    load = dict.fromkeys(reviewers, 0) | dict(load or {})
    capacity = dict(capacity or {})
    per_agent: dict[tuple[int, int], int] = {}
    result: dict[Hashable, int | None] = {}
    # Items that fewer reviewers may take go first (a reviewer's own interactions, say), so
    # the others can even out the load afterwards.
    items = sorted(items, key=lambda item: sum(r != item[1] for r in reviewers))
    for key, agent in items:
        candidates = [
            r for r in reviewers if r != agent and (capacity.get(r) is None or load[r] < capacity[r])
        ]
        if not candidates:
            result[key] = None
            continue
        chosen = min(candidates, key=lambda r: (load[r], per_agent.get((r, agent), 0), r))
        result[key] = chosen
        load[chosen] += 1
        per_agent[(chosen, agent)] = per_agent.get((chosen, agent), 0) + 1
    return result
