"""The coaching loop's verdict, checked against docs/coaching.md's worked examples."""

from decimal import Decimal as D

from coaching.loop import IMPROVED, NOT_IMPROVED, TOO_EARLY, verdict


def test_example_1_a_yes_no_criterion_that_did_not_improve_beyond_chance():
    v = verdict([100, 0, 100, 0, 0], [100, 100, 100, 100, 0])
    assert (v.mean_before, v.mean_after, v.difference) == (D("40.00"), D("80.00"), D("40.00"))
    assert v.margin == D("87.80") and v.low == D("-47.80")
    assert v.verdict == NOT_IMPROVED


def test_example_2_a_scale_criterion_that_improved():
    v = verdict([50, 50, 75, 50, 50], [100, 75, 100, 100, 75])
    assert (v.mean_before, v.mean_after, v.difference) == (D("55.00"), D("90.00"), D("35.00"))
    assert v.margin == D("21.95") and v.verdict == IMPROVED


def test_example_3_too_early_until_five_reviews_after():
    assert verdict([100, 0, 0], [100, 100, 100]).verdict == TOO_EARLY
    v = verdict([0, 0, 0, 0, 0, 0, 0], [100, 100, 100, 100, 100])  # the last five before count
    assert v.verdict == IMPROVED and v.n_before == 5 and v.margin == D("0.00")  # no spread at all
    assert verdict([0], [100] * 5).verdict == TOO_EARLY  # no baseline


def test_only_the_window_is_compared_and_a_fall_is_not_improved():
    assert verdict([100] * 5, [0] * 5).verdict == NOT_IMPROVED
    assert verdict([90, 90, 10, 10, 10, 10, 10], [50] * 5 + [0] * 9).verdict == IMPROVED
    assert verdict([100] * 5, [100] * 5).verdict == NOT_IMPROVED  # unchanged is not improved
