"""Invariants of the scoring engine, for any valid rubric and answers (hypothesis)."""

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import engine
from scoring.engine import NA, NO, YES, AnswerType, CriterionSpec, RubricSpec, SectionSpec

weights = st.decimals(min_value=D("0.01"), max_value=D("100"), places=2)
targets = st.decimals(min_value=D("0"), max_value=D("100"), places=2)


@st.composite
def criteria(draw, key):
    kind = draw(st.sampled_from(list(AnswerType)))
    low, high = 0, 1
    if kind == AnswerType.POINTS:
        low = draw(st.integers(-3, 3))
        high = low + draw(st.integers(1, 10))
    return CriterionSpec(
        key=key,
        weight=draw(weights),
        answer_type=kind,
        scale_min=low,
        scale_max=high,
        na_allowed=draw(st.booleans()),
        critical=draw(st.booleans()),
    )


@st.composite
def rubrics(draw):
    n_sections = draw(st.integers(1, 5))
    sections = []
    for s in range(n_sections):
        n_criteria = draw(st.integers(1, 5))
        sections.append(
            SectionSpec(
                key=f"s{s}",
                weight=draw(weights),
                target=draw(targets),
                criteria=tuple(draw(criteria(f"s{s}c{c}")) for c in range(n_criteria)),
            )
        )
    return RubricSpec(tuple(sections))


def possible_answers(c: CriterionSpec) -> list:
    if c.answer_type == AnswerType.YES_NO:
        values = [YES, NO]
    else:
        low, high = c.bounds()
        values = list(range(low, high + 1))
    return [*values, NA] if c.na_allowed else values


@st.composite
def scored(draw):
    """A rubric and answers to it that leave at least one criterion not N/A."""
    rubric = draw(rubrics())
    answers = {c.key: draw(st.sampled_from(possible_answers(c))) for c in rubric.criteria()}
    first = next(iter(rubric.criteria()))
    if all(v == NA for v in answers.values()):
        answers[first.key] = possible_answers(first)[0]
    return rubric, answers


def best(c):
    return YES if c.answer_type == AnswerType.YES_NO else c.bounds()[1]


def worst(c):
    return NO if c.answer_type == AnswerType.YES_NO else c.bounds()[0]


@settings(max_examples=300)
@given(scored())
def test_scores_stay_within_0_and_100(case):
    rubric, answers = case
    result = engine.score(rubric, answers)
    assert D(0) <= result.total <= D(100)
    assert D(0) <= result.raw_total <= D(100)
    for section in result.sections:
        assert section.dropped or D(0) <= section.score <= D(100)
    if result.critical_failed:
        assert result.total == D(0)
    else:
        assert result.total == result.raw_total


@given(rubrics())
def test_best_answers_everywhere_give_100(rubric):
    result = engine.score(rubric, {c.key: best(c) for c in rubric.criteria()})
    assert result.total == D(100)
    assert not result.critical_failed
    assert all(s.score == D(100) for s in result.sections)


@given(rubrics())
def test_lowest_answers_everywhere_give_0(rubric):
    result = engine.score(rubric, {c.key: worst(c) for c in rubric.criteria()})
    assert result.total == D(0)
    assert result.raw_total == D(0)


@given(scored(), st.randoms(use_true_random=False))
def test_reordering_sections_and_criteria_changes_nothing(case, rnd):
    rubric, answers = case
    sections = [replace(s, criteria=tuple(rnd.sample(s.criteria, len(s.criteria)))) for s in rubric.sections]
    shuffled = RubricSpec(tuple(rnd.sample(sections, len(sections))))
    a, b = engine.score(rubric, answers), engine.score(shuffled, answers)
    assert (a.total, a.raw_total, a.critical_failed) == (b.total, b.raw_total, b.critical_failed)
    assert {s.key: s for s in a.sections} == {s.key: s for s in b.sections}
    assert a.criteria == b.criteria


@given(scored(), st.decimals(min_value=D("0.01"), max_value=D("1000"), places=2))
def test_scaling_all_weights_changes_nothing(case, factor):
    rubric, answers = case
    scaled = RubricSpec(
        tuple(
            replace(
                s,
                weight=s.weight * factor,
                criteria=tuple(replace(c, weight=c.weight * factor) for c in s.criteria),
            )
            for s in rubric.sections
        )
    )
    a, b = engine.score(rubric, answers), engine.score(scaled, answers)
    assert (a.total, a.raw_total) == (b.total, b.raw_total)
    assert [(s.score, s.effective_weight, s.attainment) for s in a.sections] == [
        (s.score, s.effective_weight, s.attainment) for s in b.sections
    ]
