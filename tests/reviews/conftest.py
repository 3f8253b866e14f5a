"""Shared by the review tests: a published rubric (tests.factories.rubric_data), its criterion
ids, an assignment to score, and a complete set of answers and feedback."""

import pytest

from reviews.services.reviewing import ReviewInput
from scoring import services as scoring_services
from scoring.models import Criterion
from tests.factories import rubric_data


@pytest.fixture
def rubric(manager):
    rubric = scoring_services.rubric_create(actor=manager, data=rubric_data())
    return scoring_services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)


@pytest.fixture
def keys(rubric):
    """Criterion ids in rubric order: c1 yes/no (weight 2), c2 points 0-4, c3 critical, N/A allowed."""
    return [
        str(pk)
        for pk in Criterion.objects.filter(section__rubric=rubric)
        .order_by("section__position", "position")
        .values_list("pk", flat=True)
    ]


def full(keys, c1="yes", c2="3", c3="yes", **parts):
    """Every criterion answered (by default: Knowledge 91.67, Process 100, total 95.00) and all
    three parts of the feedback written."""
    return ReviewInput(
        answers={keys[0]: c1, keys[1]: c2, keys[2]: c3},
        comments={keys[1]: "Missed the second option"},
        strengths=parts.get("strengths", "You listened patiently."),
        improvement=parts.get("improvement", "Offer both options next time."),
        encouragement=parts.get("encouragement", "You are getting there."),
    )
