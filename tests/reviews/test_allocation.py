from hypothesis import given
from hypothesis import strategies as st

from reviews.sampling.allocation import allocate, balance

CHANNELS, BANDS, WEEKS = (
    ["phone", "chat", "email"],
    ["night", "morning", "afternoon", "evening"],
    [1, 2, 3, 4, 5],
)


def test_small_volume_takes_everything():
    counts = {("phone", "morning", 1): 3, ("chat", "evening", 2): 2}
    assert allocate(counts, 15) == counts


def test_every_channel_band_and_week_is_covered_before_proportions():
    counts = {
        ("phone", "morning", 1): 400,
        ("phone", "morning", 2): 300,
        ("chat", "evening", 3): 5,
        ("email", "night", 4): 2,
    }
    result = allocate(counts, 15)
    assert sum(result.values()) == 15
    assert result[("chat", "evening", 3)] >= 1 and result[("email", "night", 4)] >= 1
    assert result[("phone", "morning", 1)] > result[("phone", "morning", 2)] > result[("chat", "evening", 3)]


def test_proportional_share_follows_volume():
    counts = {("phone", "a", 1): 600, ("chat", "a", 1): 300, ("email", "a", 1): 100}
    assert allocate(counts, 20) == {("phone", "a", 1): 12, ("chat", "a", 1): 6, ("email", "a", 1): 2}


def test_already_sampled_strata_count_as_covered():
    counts = {("phone", "a", 1): 50, ("chat", "b", 2): 50}
    assert allocate(counts, 1, already={("phone", "a", 1): 3}) == {("chat", "b", 2): 1}


strata = st.tuples(st.sampled_from(CHANNELS), st.sampled_from(BANDS), st.sampled_from(WEEKS))


@given(st.dictionaries(strata, st.integers(0, 60), max_size=30), st.integers(0, 25))
def test_allocation_invariants(counts, quota):
    result = allocate(counts, quota)
    total = sum(counts.values())
    assert sum(result.values()) == min(quota, total)
    assert all(0 < k <= counts[s] for s, k in result.items())
    assert result == allocate(dict(reversed(list(counts.items()))), quota)  # order-independent
    # Coverage: if the quota allows, every channel present in the data is in the sample.
    present = {s[0] for s, n in counts.items() if n}
    if quota >= len({s for s, n in counts.items() if n}):
        assert {s[0] for s in result} == present


def test_balance_spreads_evenly_and_never_assigns_own_interactions():
    items = [(i, agent) for i, agent in enumerate([10] * 7 + [11] * 7 + [1] * 4)]
    result = balance(items, [1, 2, 3])
    loads = [list(result.values()).count(r) for r in (1, 2, 3)]
    assert max(loads) - min(loads) <= 1
    assert all(result[i] != agent for i, agent in items)


def test_balance_respects_capacity_and_existing_load():
    items = [(i, 100) for i in range(6)]
    result = balance(items, [1, 2], load={1: 5}, capacity={1: 6, 2: 3})
    assert list(result.values()).count(1) == 1
    assert list(result.values()).count(2) == 3
    assert list(result.values()).count(None) == 2
