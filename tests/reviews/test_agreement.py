"""Krippendorff's alpha (reviews/agreement.py) against the published worked example and against
the `krippendorff` package on random data, at all four levels."""

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.agreement import AgreementError, agreement, krippendorff_alpha, reading

N = None
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: four observers,
# twelve units, values 1-5, gaps where an observer did not code a unit.
EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


@pytest.mark.parametrize(
    ("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_the_published_worked_example(level, published):
    assert round(krippendorff_alpha(EXAMPLE, level), 3) == published


def test_the_example_counts_its_pairable_units_and_values():
    """Unit 12 has one value (not pairable); the other 11 units hold 40 values."""
    units = [[row[u] for row in EXAMPLE if row[u] is not None] for u in range(12)]
    result = agreement(units, "nominal", bootstrap=200)
    assert (result.units, result.values) == (11, 40)
    assert result.low < result.alpha < result.high <= 1


def test_perfect_agreement_and_undefined_alpha():
    assert krippendorff_alpha([["yes", "no", "yes"], ["yes", "no", "yes"]], "nominal") == 1.0
    # every value the same: no variation to explain, alpha is undefined (never 0 or 1)
    assert math.isnan(krippendorff_alpha([["yes", "yes"], ["yes", "yes"]], "nominal"))
    assert math.isnan(krippendorff_alpha([[1, N], [N, 2]], "interval"))  # nothing pairable
    empty = agreement([], "interval")
    assert (empty.alpha, empty.units, empty.values, empty.reading) == (None, 0, 0, "")


def test_readings():
    assert [reading(a) for a in (0.8, 0.7999, 0.667, 0.6669, -0.2)] == [
        "reliable", "tentative", "tentative", "unreliable", "unreliable"
    ]  # fmt: skip


def test_bad_level_and_bad_values_are_named():
    with pytest.raises(
        AgreementError, match="level must be one of nominal, ordinal, interval, ratio, not 'fuzzy'"
    ):
        krippendorff_alpha(EXAMPLE, "fuzzy")
    with pytest.raises(AgreementError, match="interval data must be numbers"):
        krippendorff_alpha([["yes", "no"], ["no", "no"]], "interval")


def test_the_bootstrap_is_reproducible_and_covers_the_estimate():
    rng = np.random.default_rng(3)
    truth = rng.integers(1, 6, size=400)
    units = [[int(t), int(t) if rng.random() < 0.8 else int(rng.integers(1, 6))] for t in truth]
    first, again = agreement(units, "ordinal"), agreement(units, "ordinal")
    assert first == again
    assert first.low < first.alpha < first.high
    assert 0.6 < first.alpha < 0.95 and first.high - first.low < 0.15


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda raters: st.lists(
            st.lists(st.one_of(st.none(), st.integers(1, 6)), min_size=raters, max_size=raters),
            min_size=2,
            max_size=25,
        )
    ),
    st.sampled_from(["nominal", "ordinal", "interval", "ratio"]),
)
def test_agrees_with_the_krippendorff_package(units_by_row, level):
    data = [list(rater) for rater in zip(*units_by_row, strict=True)]  # raters × units
    matrix = np.array([[np.nan if v is None else v for v in rater] for rater in data], dtype=float)
    try:
        expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)
    except ValueError:  # the package refuses data with a single value; ours says NaN
        assert math.isnan(krippendorff_alpha(data, level))
        return
    ours = krippendorff_alpha(data, level)
    if math.isnan(expected):
        assert math.isnan(ours)
    else:
        assert ours == pytest.approx(expected, abs=1e-9)
