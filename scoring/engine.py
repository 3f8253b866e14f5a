"""The scoring engine: pure Python, Decimal in and Decimal out, no ORM.

See docs/scoring.md for the formulas and worked examples. In short:

* A criterion scores a fraction of its weight: yes = 1, no = 0; a scale answer a on min..max
  scores (a - min) / (max - min). N/A removes the criterion from its section's possible points.
* A section scores 100 × Σ(weight × fraction) / Σ(weight) over its answered, non-N/A criteria.
  A section whose criteria are all N/A (or weigh nothing) drops out.
* The total is Σ(section weight × section score) / Σ(section weight) over the remaining
  sections, so their weights are re-normalised.
* A "no" on a critical criterion fails the review: the total becomes 0; the raw total is kept.
* Arithmetic inside is exact (fractions); each reported figure is rounded once, half-up to two
  decimals, from the exact value. Nothing is computed from a rounded figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

HUNDRED = Fraction(100)
TWO_PLACES = Decimal("0.01")


class AnswerType(StrEnum):
    YES_NO = "yes_no"
    POINTS = "points"  # a point scale scale_min..scale_max, usually 0..N
    RATING = "rating"  # a 1-5 rating


YES = "yes"
NO = "no"
NA = "na"


class ScoringError(ValueError):
    """The answers cannot be scored against the rubric; `problems` lists why, per criterion."""

    def __init__(self, message: str, problems: Iterable[tuple[str, str]] = ()):
        self.problems = list(problems)  # (criterion key, reason)
        super().__init__(message)


class UnansweredCriteria(ScoringError):
    pass


class InvalidAnswer(ScoringError):
    pass


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    weight: Decimal
    answer_type: AnswerType = AnswerType.YES_NO
    scale_min: int = 0
    scale_max: int = 1
    na_allowed: bool = False
    critical: bool = False
    label: str = ""

    def bounds(self) -> tuple[int, int]:
        if self.answer_type == AnswerType.YES_NO:
            return 0, 1
        if self.answer_type == AnswerType.RATING:
            return 1, 5
        return self.scale_min, self.scale_max


@dataclass(frozen=True)
class SectionSpec:
    key: str
    weight: Decimal
    target: Decimal
    criteria: tuple[CriterionSpec, ...]
    label: str = ""


@dataclass(frozen=True)
class RubricSpec:
    sections: tuple[SectionSpec, ...]

    def criteria(self) -> Iterable[CriterionSpec]:
        for section in self.sections:
            yield from section.criteria


@dataclass(frozen=True)
class CriterionResult:
    key: str
    na: bool
    score: Decimal | None  # 0-100, None when N/A
    failed_critical: bool
    points: Decimal | None = None  # weight × fraction, four decimals; None when N/A or unanswered
    maximum: Decimal | None = None  # the weight it could earn; None when N/A or unanswered


@dataclass(frozen=True)
class SectionResult:
    key: str
    weight: Decimal
    target: Decimal
    dropped: bool  # every criterion N/A: left out of the total
    score: Decimal | None  # 0-100
    effective_weight: Decimal | None  # share of the total after re-normalising, 0-100
    attainment: Decimal | None  # score as a percentage of target
    met: bool | None  # score >= target


@dataclass(frozen=True)
class ScoreResult:
    criteria: dict[str, CriterionResult]
    sections: list[SectionResult]
    raw_total: Decimal  # the weighted total before any critical failure
    total: Decimal  # the score that counts: 0 after a critical failure
    critical_failed: bool
    failed_critical_keys: list[str] = field(default_factory=list)
    complete: bool = True  # False: a partial score over the criteria answered so far

    def section(self, key: str) -> SectionResult:
        return next(s for s in self.sections if s.key == key)


def round_half_up(value: Fraction) -> Decimal:
    """Round an exact value to two decimals, halves away from zero."""
    scaled = abs(value) * 100
    whole, remainder = divmod(scaled.numerator, scaled.denominator)
    if remainder * 2 >= scaled.denominator:
        whole += 1
    result = (Decimal(whole) / 100).quantize(TWO_PLACES)
    return -result if value < 0 else result


def round_points(value: Fraction) -> Decimal:
    """Points to four decimals, halves away from zero (a criterion's share of its weight)."""
    scaled = value * 10000
    whole, remainder = divmod(scaled.numerator, scaled.denominator)
    if remainder * 2 >= scaled.denominator:
        whole += 1
    return (Decimal(whole) / 10000).quantize(Decimal("0.0001"))


def _fraction_of(criterion: CriterionSpec, answer) -> Fraction | None:
    """The share of the criterion's weight this answer earns; None for N/A."""
    if answer == NA:
        if not criterion.na_allowed:
            raise InvalidAnswer(
                f"N/A is not allowed for criterion {criterion.key}",
                [(criterion.key, "na_not_allowed")],
            )
        return None
    if criterion.answer_type == AnswerType.YES_NO:
        # `is` so that the numbers 1 and 0 are not taken for True and False.
        if answer is True or answer == YES:
            return Fraction(1)
        if answer is False or answer == NO:
            return Fraction(0)
        raise InvalidAnswer(
            f"Criterion {criterion.key} takes yes, no or N/A, not {answer!r}",
            [(criterion.key, "not_yes_no")],
        )
    low, high = criterion.bounds()
    if isinstance(answer, bool) or not isinstance(answer, int | Decimal):
        raise InvalidAnswer(
            f"Criterion {criterion.key} takes a whole number from {low} to {high}, not {answer!r}",
            [(criterion.key, "not_a_number")],
        )
    if answer != int(answer) or not low <= answer <= high:
        raise InvalidAnswer(
            f"Criterion {criterion.key} takes a whole number from {low} to {high}, not {answer}",
            [(criterion.key, "out_of_range")],
        )
    return Fraction(int(answer) - low, high - low)


def _is_critical_failure(criterion: CriterionSpec, fraction: Fraction | None) -> bool:
    # A critical criterion fails on its lowest answer ("no" for yes/no questions).
    return criterion.critical and fraction is not None and fraction == 0


def score(rubric: RubricSpec, answers: Mapping[str, object], *, partial: bool = False) -> ScoreResult:
    """Score `answers` (criterion key -> "yes" | "no" | "na" | int) against `rubric`.

    With `partial`, unanswered criteria are left out as if N/A (the reviewer's running figure
    while scoring); the result says `complete=False`. Without it they are an error.
    """
    missing = [c.key for c in rubric.criteria() if c.key not in answers]
    if missing and not partial:
        raise UnansweredCriteria(
            "Unanswered criteria: " + ", ".join(missing), [(k, "unanswered") for k in missing]
        )

    criteria: dict[str, CriterionResult] = {}
    exact_sections: list[tuple[SectionSpec, Fraction | None]] = []
    failed: list[str] = []
    for section in rubric.sections:
        earned = Fraction(0)
        possible = Fraction(0)
        for criterion in section.criteria:
            if criterion.key not in answers:
                criteria[criterion.key] = CriterionResult(criterion.key, False, None, False)
                continue
            fraction = _fraction_of(criterion, answers[criterion.key])
            failed_critical = _is_critical_failure(criterion, fraction)
            if failed_critical:
                failed.append(criterion.key)
            criteria[criterion.key] = CriterionResult(
                key=criterion.key,
                na=fraction is None,
                score=None if fraction is None else round_half_up(fraction * HUNDRED),
                failed_critical=failed_critical,
                points=None if fraction is None else round_points(Fraction(criterion.weight) * fraction),
                maximum=None if fraction is None else criterion.weight,
            )
            if fraction is not None:
                weight = Fraction(criterion.weight)
                earned += weight * fraction
                possible += weight
        exact_sections.append((section, earned / possible * HUNDRED if possible else None))

    active_weight = sum((Fraction(s.weight) for s, exact in exact_sections if exact is not None), Fraction(0))
    if active_weight == 0:
        raise ScoringError("Nothing to score: every section is N/A or weighs nothing.")

    raw_total = Fraction(0)
    sections: list[SectionResult] = []
    for section, exact in exact_sections:
        if exact is None:
            sections.append(
                SectionResult(section.key, section.weight, section.target, True, None, None, None, None)
            )
            continue
        share = Fraction(section.weight) / active_weight
        raw_total += share * exact
        target = Fraction(section.target)
        sections.append(
            SectionResult(
                key=section.key,
                weight=section.weight,
                target=section.target,
                dropped=False,
                score=round_half_up(exact),
                effective_weight=round_half_up(share * HUNDRED),
                attainment=round_half_up(exact / target * HUNDRED) if target else None,
                met=exact >= target,
            )
        )

    critical_failed = bool(failed)
    return ScoreResult(
        criteria=criteria,
        sections=sections,
        raw_total=round_half_up(raw_total),
        total=Decimal("0.00") if critical_failed else round_half_up(raw_total),
        critical_failed=critical_failed,
        failed_critical_keys=failed,
        complete=not missing,
    )
