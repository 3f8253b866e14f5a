"""The worked examples of docs/scoring.md, and a table of edge cases."""

from decimal import Decimal as D

import pytest

from scoring import engine
from scoring.engine import NA, NO, YES, AnswerType, CriterionSpec, RubricSpec, SectionSpec
from scoring.structure import engine_spec
from scoring.templates_data import DEFAULT

# Keys of the default rubric's criteria by section (s1 = Knowledge … s5 = Customer experience).
DEFAULT_SPEC = engine_spec(DEFAULT.build())


def test_default_template_shape_matches_domain():
    sections = [(s.label, s.weight, s.target) for s in DEFAULT_SPEC.sections]
    assert sections == [
        ("Knowledge", D(25), D(95)),
        ("Communication", D(25), D(90)),
        ("Process", D(20), D(100)),
        ("Resolution", D(20), D(85)),
        ("Customer experience", D(10), D(90)),
    ]
    identity = DEFAULT_SPEC.sections[2].criteria[0]
    assert identity.critical and "identity" in identity.label


def test_example_1_na_answers_and_a_dropped_section():
    answers = {
        "s1c1": YES, "s1c2": NA,
        "s2c1": 3, "s2c2": YES, "s2c3": NO, "s2c4": YES,
        "s3c1": YES, "s3c2": YES, "s3c3": NO,
        "s4c1": 3, "s4c2": YES,
        "s5c1": NA, "s5c2": NA,
    }  # fmt: skip
    result = engine.score(DEFAULT_SPEC, answers)

    assert [s.score for s in result.sections] == [D("100.00"), D("68.75"), D("66.67"), D("83.33"), None]
    assert [s.dropped for s in result.sections] == [False, False, False, False, True]
    assert [s.effective_weight for s in result.sections] == [
        D("27.78"), D("27.78"), D("22.22"), D("22.22"), None,
    ]  # fmt: skip
    assert [s.attainment for s in result.sections] == [
        D("105.26"), D("76.39"), D("66.67"), D("98.04"), None,
    ]  # fmt: skip
    assert [s.met for s in result.sections] == [True, False, False, False, None]
    assert result.raw_total == D("80.21")
    assert result.total == D("80.21")
    assert not result.critical_failed
    assert result.criteria["s1c2"].na and result.criteria["s1c2"].score is None
    assert result.criteria["s2c1"].score == D("75.00")


def test_example_2_critical_failure_keeps_the_raw_score():
    answers = {
        "s1c1": YES, "s1c2": YES,
        "s2c1": 4, "s2c2": YES, "s2c3": YES, "s2c4": YES,
        "s3c1": NO, "s3c2": YES, "s3c3": YES,
        "s4c1": 4, "s4c2": YES,
        "s5c1": 4, "s5c2": NA,
    }  # fmt: skip
    result = engine.score(DEFAULT_SPEC, answers)

    assert [s.score for s in result.sections] == [
        D("100.00"),
        D("100.00"),
        D("66.67"),
        D("100.00"),
        D("75.00"),
    ]
    assert result.raw_total == D("90.83")
    assert result.total == D("0.00")
    assert result.critical_failed
    assert result.failed_critical_keys == ["s3c1"]
    assert result.criteria["s3c1"].failed_critical


def test_example_3_rounds_half_up_once():
    spec = RubricSpec(
        (SectionSpec("s", D(100), D(50), (CriterionSpec("c", D(1), AnswerType.POINTS, 0, 32),)),)
    )
    result = engine.score(spec, {"c": 1})
    assert result.sections[0].score == D("3.13")
    assert result.total == D("3.13")


def one_section(*criteria, weight=D(100), target=D(80)):
    return RubricSpec((SectionSpec("s", weight, target, tuple(criteria)),))


YN = CriterionSpec("yn", D(1))
YN_NA = CriterionSpec("yn", D(1), na_allowed=True)
PTS = CriterionSpec("pts", D(1), AnswerType.POINTS, 0, 4)
RATE = CriterionSpec("rate", D(1), AnswerType.RATING)
CRIT = CriterionSpec("crit", D(1), critical=True, na_allowed=True)
CRIT_PTS = CriterionSpec("critpts", D(1), AnswerType.POINTS, 1, 3, critical=True)
ZERO_W = CriterionSpec("zero", D(0))


@pytest.mark.parametrize(
    ("spec", "answers", "total", "raw_total", "failed"),
    [
        (one_section(YN), {"yn": YES}, "100.00", "100.00", False),
        (one_section(YN), {"yn": NO}, "0.00", "0.00", False),
        (one_section(YN), {"yn": True}, "100.00", "100.00", False),
        (one_section(PTS), {"pts": 0}, "0.00", "0.00", False),
        (one_section(PTS), {"pts": 1}, "25.00", "25.00", False),
        (one_section(PTS), {"pts": 4}, "100.00", "100.00", False),
        (one_section(RATE), {"rate": 1}, "0.00", "0.00", False),
        (one_section(RATE), {"rate": 3}, "50.00", "50.00", False),
        (one_section(RATE), {"rate": 5}, "100.00", "100.00", False),
        # N/A removes the criterion from the possible points.
        (one_section(YN_NA, PTS), {"yn": NA, "pts": 2}, "50.00", "50.00", False),
        # N/A on a critical criterion is not a failure.
        (one_section(CRIT, PTS), {"crit": NA, "pts": 4}, "100.00", "100.00", False),
        (one_section(CRIT, PTS), {"crit": NO, "pts": 4}, "0.00", "50.00", True),
        # A critical point-scale criterion fails on its minimum only.
        (one_section(CRIT_PTS, YN), {"critpts": 1, "yn": YES}, "0.00", "50.00", True),
        (one_section(CRIT_PTS, YN), {"critpts": 2, "yn": YES}, "75.00", "75.00", False),
        # A zero-weight criterion is answered but counts for nothing.
        (one_section(ZERO_W, YN), {"zero": NO, "yn": YES}, "100.00", "100.00", False),
        # 1/3 is reported as 33.33, 2/3 as 66.67.
        (
            one_section(YN, YN.__class__("b", D(1)), YN.__class__("c", D(1))),
            {"yn": YES, "b": NO, "c": NO},
            "33.33",
            "33.33",
            False,
        ),
        (
            one_section(YN, YN.__class__("b", D(1)), YN.__class__("c", D(1))),
            {"yn": YES, "b": YES, "c": NO},
            "66.67",
            "66.67",
            False,
        ),
    ],
)
def test_edge_cases(spec, answers, total, raw_total, failed):
    result = engine.score(spec, answers)
    assert result.total == D(total)
    assert result.raw_total == D(raw_total)
    assert result.critical_failed is failed


def test_section_with_only_na_drops_and_weights_renormalise():
    spec = RubricSpec(
        (
            SectionSpec("a", D(75), D(90), (YN,)),
            SectionSpec("b", D(25), D(90), (CriterionSpec("x", D(1), na_allowed=True),)),
        )
    )
    result = engine.score(spec, {"yn": NO, "x": NA})
    assert result.section("b").dropped
    assert result.section("a").effective_weight == D("100.00")
    assert result.total == D("0.00")
    result = engine.score(spec, {"yn": YES, "x": NA})
    assert result.total == D("100.00")


def test_unanswered_criterion_is_an_error_not_a_zero():
    with pytest.raises(engine.UnansweredCriteria) as exc:
        engine.score(one_section(YN, PTS), {"yn": YES})
    assert exc.value.problems == [("pts", "unanswered")]


@pytest.mark.parametrize(
    ("criterion", "answer", "reason"),
    [
        (YN, NA, "na_not_allowed"),
        (YN, 1, "not_yes_no"),
        (YN, "maybe", "not_yes_no"),
        (PTS, 5, "out_of_range"),
        (PTS, -1, "out_of_range"),
        (PTS, D("2.5"), "out_of_range"),
        (PTS, "3", "not_a_number"),
        (PTS, True, "not_a_number"),
        (RATE, 0, "out_of_range"),
        (RATE, 6, "out_of_range"),
    ],
)
def test_invalid_answers_are_refused(criterion, answer, reason):
    with pytest.raises(engine.InvalidAnswer) as exc:
        engine.score(one_section(criterion), {criterion.key: answer})
    assert exc.value.problems == [(criterion.key, reason)]


def test_everything_na_is_not_scorable():
    with pytest.raises(engine.ScoringError):
        engine.score(one_section(YN_NA), {"yn": NA})


def test_target_zero_has_no_attainment_but_is_met():
    result = engine.score(one_section(YN, target=D(0)), {"yn": NO})
    assert result.sections[0].attainment is None
    assert result.sections[0].met is True


def test_round_half_up():
    from fractions import Fraction

    assert engine.round_half_up(Fraction(3125, 1000)) == D("3.13")
    assert engine.round_half_up(Fraction(3124, 1000)) == D("3.12")
    assert engine.round_half_up(Fraction(-3125, 1000)) == D("-3.13")
    assert engine.round_half_up(Fraction(0)) == D("0.00")
