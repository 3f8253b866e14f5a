"""An agent disputes a criterion on a 390 px phone; a second reviewer partly accepts it; the
agent's score and record change."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coaching.models import PerformanceRecord
from core.models import Role
from reviews import services as review_services
from reviews.models import Review
from scoring import services as scoring_services
from tests.factories import UserFactory, make_assignment, rubric_data
from tests.reviews.conftest import full

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_disputes_on_a_phone_and_a_second_reviewer_partly_accepts(
    page, live_server, login, shot, manager, reviewer, agent
):
    second = UserFactory(username="second", role=Role.REVIEWER)
    rubric = scoring_services.rubric_create(actor=manager, data=rubric_data())
    rubric = scoring_services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
    keys = [str(c.pk) for s in rubric.sections.order_by("position") for c in s.criteria.order_by("position")]
    review = review_services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
    review = review_services.review_submit(
        actor=reviewer, review=review, data=full(keys, c2="2"), expected_revision=review.revision
    )
    assert review.total == Decimal("90.00")

    page.set_viewport_size({"width": 390, "height": 844})
    login(agent.username)
    page.goto(f"{live_server.url}/reviews/{review.pk}/")
    criterion = page.locator("details", has_text="Explains clearly")
    criterion.locator("summary").click()
    criterion.get_by_label("The answer you think right").select_option("4")
    criterion.get_by_label("Why").fill("I offered both options at 03:10.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("dispute-agent-phone")
    page.get_by_role("button", name="Send the dispute").click()
    expect(page.get_by_text("Dispute sent")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    login(second.username)
    dispute = Review.objects.get(pk=review.pk).disputes.get()
    page.goto(f"{live_server.url}/disputes/{dispute.pk}/")
    page.get_by_role("radio", name="Partly accepted").check()
    page.get_by_label("Answer, if partly accepted").select_option("3")
    page.get_by_label("Reason").fill("Both options, but not the price.")
    shot("dispute-decide")
    page.get_by_role("button", name="Save the decisions").click()
    expect(page.get_by_text("Dispute decided")).to_be_visible()
    expect(page.get_by_text("90.00 → 95.00")).to_be_visible()

    review.refresh_from_db()
    assert review.total == Decimal("95.00") and review.answers[keys[1]] == 3
    record = PerformanceRecord.objects.get(agent=agent, month=dt.date(2026, 11, 1))
    assert record.qa_mean == Decimal("95.00")
