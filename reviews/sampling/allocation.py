"""Sharing an agent's quota among strata, and sampled items among reviewers. Pure Python."""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Mapping, Sequence

Stratum = tuple  # e.g. ("phone", "morning", 2): one value per dimension


def allocate(
    counts: Mapping[Stratum, int], quota: int, *, already: Mapping[Stratum, int] | None = None
) -> dict[Stratum, int]:
    """How many to draw from each stratum.

    1. Coverage first: strata are visited largest first (ties: smaller key); each one that adds
       a dimension value (a channel, a time band, a week) not yet in the sample, counting what
       is `already` sampled, gets one, while quota remains.
    2. The rest, one at a time, to the stratum furthest below its proportional share of the
       whole quota (quota × its volume ÷ all volume), never more than a stratum holds.
    Deterministic and independent of the order of `counts`.
    """
    already = already or {}
    available = {s: n for s, n in counts.items() if n > 0}
    total = sum(available.values())
    if quota <= 0 or not available:
        return {}
    if total <= quota:
        return dict(available)

    order = sorted(available, key=lambda s: (-available[s], s))
    result = dict.fromkeys(order, 0)
    covered = {(d, v) for s, n in already.items() if n > 0 for d, v in enumerate(s)}
    left = quota
    for s in order:
        if not left:
            break
        values = set(enumerate(s))
        if not values <= covered:
            result[s] = 1
            covered |= values
            left -= 1

    # Deficit = quota × n − given × total (the share gap scaled by `total`, kept in integers).
    rank = {s: i for i, s in enumerate(order)}
    heap = [
        (-(quota * available[s] - result[s] * total), rank[s], s) for s in order if result[s] < available[s]
    ]
    heapq.heapify(heap)
    while left and heap:
        _deficit, position, s = heapq.heappop(heap)
        result[s] += 1
        left -= 1
        if result[s] < available[s]:
            heapq.heappush(heap, (-(quota * available[s] - result[s] * total), position, s))
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
