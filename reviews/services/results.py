"""A review's results as rows (`CriterionResult`, `SectionResult`): built from its stored answers,
comments and root causes by the scoring engine, written with the review in one transaction, and
checked (and repaired) by `manage.py verify_scores`."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from scoring import engine
from scoring.selectors import rubric_data_pinned, rubric_spec_pinned

from ..models import CriterionResult, Review, SectionResult

# What a criterion row and a section row hold, in the order `results_check` names them.
CRITERION_FIELDS = (
    "identity",
    "section_identity",
    "answer",
    "score",
    "points",
    "maximum",
    "comment",
    "root_cause_id",
)
SECTION_FIELDS = ("identity", "weight", "target", "score", "attainment", "met", "dropped")


def answer_text(value) -> str:
    """An answer as a row stores it: "yes", "no", "na" or the number; "" unanswered."""
    if value is None:
        return ""
    if value is True or value is False:
        return engine.YES if value else engine.NO
    return str(value)


def _result(review: Review) -> engine.ScoreResult | None:
    try:
        return engine.score(rubric_spec_pinned(review.rubric), review.answers, partial=True)
    except engine.ScoringError:
        return None


def results_of(review: Review) -> tuple[list[CriterionResult], list[SectionResult]]:
    """The rows the review's stored answers, comments and causes give (unsaved). Every criterion
    of the pinned version has a row (unanswered ones with answer ""); sections only once the
    review is complete, as the review's score fields."""
    data = rubric_data_pinned(review.rubric)
    result = _result(review)
    criteria_out, sections_out = [], []
    causes = review.causes or {}
    for s in data.sections:
        for c in s.criteria:
            key = str(c.id)
            scored = result.criteria.get(key) if result else None
            score = scored.score if scored else None
            cause = causes.get(key)
            criteria_out.append(
                CriterionResult(
                    review=review, criterion_id=c.id, identity=c.identity, section_identity=s.identity,
                    answer=answer_text(review.answers.get(key)), score=score,
                    points=scored.points if scored else None, maximum=scored.maximum if scored else None,
                    comment=(review.comments or {}).get(key, ""),
                    root_cause_id=int(cause) if cause and score is not None and score < 100 else None,
                )
            )  # fmt: skip
        if result is not None and result.complete:
            r = result.section(str(s.id))
            sections_out.append(
                SectionResult(
                    review=review, section_id=s.id, identity=s.identity, weight=r.weight, target=r.target,
                    score=r.score, attainment=r.attainment, met=r.met, dropped=r.dropped,
                )
            )  # fmt: skip
    return criteria_out, sections_out


@transaction.atomic
def results_write(review: Review) -> None:
    """Write the review's rows afresh from what it stores (call inside the change's transaction)."""
    criteria, sections = results_of(review)
    CriterionResult.objects.filter(review=review).delete()
    SectionResult.objects.filter(review=review).delete()
    CriterionResult.objects.bulk_create(criteria)
    SectionResult.objects.bulk_create(sections)


def _values(row, fields) -> tuple:
    out = []
    for name in fields:
        value = getattr(row, name)
        if isinstance(value, Decimal):
            value = value.normalize()
        out.append(str(value) if value is not None and name.endswith("identity") else value)
    return tuple(out)


def results_check(review: Review, stored_criteria: list, stored_sections: list) -> list[str]:
    """What differs between the stored rows and the rows the review's answers give, one line per
    row: missing, extra, or the fields that differ."""
    problems = []
    want_criteria, want_sections = results_of(review)
    for kind, want, have, fields, key in (
        ("criterion", want_criteria, stored_criteria, CRITERION_FIELDS, "criterion_id"),
        ("section", want_sections, stored_sections, SECTION_FIELDS, "section_id"),
    ):
        have_by = {getattr(r, key): r for r in have}
        want_by = {getattr(r, key): r for r in want}
        for pk, row in want_by.items():
            if pk not in have_by:
                problems.append(f"{kind} {pk}: no row stored")
                continue
            wrong = [
                f"{name} stored {a!r}, engine {b!r}"
                for name, a, b in zip(fields, _values(have_by[pk], fields), _values(row, fields), strict=True)
                if a != b
            ]
            if wrong:
                problems.append(f"{kind} {pk}: " + "; ".join(wrong))
        problems += [f"{kind} {pk}: a row for nothing in the review" for pk in have_by if pk not in want_by]
    return problems
