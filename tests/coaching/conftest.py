import datetime as dt

import pytest

from core.models import Role
from reviews import services as review_services
from tests.factories import UserFactory, make_assignment
from tests.reviews.conftest import full, keys, rubric  # noqa: F401 (fixtures shared with the review tests)

NOV = dt.date(2026, 11, 1)


@pytest.fixture
def other_lead(other_team):
    """The lead of the other team (the outsider's)."""
    other_team.lead = UserFactory(username="lead-b", role=Role.LEAD)
    other_team.save()
    return other_team.lead


@pytest.fixture
def release(reviewer, keys):  # noqa: F811
    """release(agent, **answers) scores a new November interaction of `agent` and releases it."""

    def go(agent, when=None, **answers):
        assignment = make_assignment(agent, reviewer, when=when)
        review = review_services.review_start(actor=reviewer, assignment=assignment)
        return review_services.review_submit(
            actor=reviewer, review=review, data=full(keys, **answers), expected_revision=review.revision
        )

    return go
