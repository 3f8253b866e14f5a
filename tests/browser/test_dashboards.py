"""A lead lands on the team dashboard with its charts drawn, opens an agent's record (trend and
radar); the agent reads My performance on a 390 px phone; the QA manager sees the programme."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from coaching.services.records import records_rebuild
from reviews import services as review_services
from scoring import services as scoring_services
from tests.factories import make_assignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def release(agent, reviewer, when, miss: int):
    """A released review of `agent` on the default rubric, missing the first `miss` yes/no
    criteria."""
    from reviews.services.reviewing import ReviewInput
    from scoring.selectors import rubric_spec_pinned

    review = review_services.review_start(
        actor=reviewer, assignment=make_assignment(agent, reviewer, when=when)
    )
    answers, missed = {}, 0
    for c in rubric_spec_pinned(review.rubric).criteria():
        low, high = c.bounds()
        if c.answer_type == "yes_no":
            answer = "no" if missed < miss and not c.critical else "yes"
            missed += answer == "no"
        else:
            answer = high
        answers[c.key] = review.data_answers.get(c.key, answer)  # the survey: the data's answer
    data = ReviewInput(
        answers=answers, strengths="Warm.", improvement="Summarise.", encouragement="Keep going."
    )
    review_services.review_submit(actor=reviewer, review=review, data=data, expected_revision=review.revision)


@pytest.fixture
def history(manager, reviewer, agent, team):
    rubric = scoring_services.rubric_create_from_template(actor=manager, template_key="default")
    scoring_services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
    for day, miss in ((3, 0), (7, 1), (12, 0)):
        release(agent, reviewer, dt.datetime(2026, 10, day, 10), miss)
    for day, miss in ((3, 2), (6, 3), (9, 2)):
        release(agent, reviewer, dt.datetime(2026, 11, day, 10), miss)
    records_rebuild(month=dt.date(2026, 10, 1))
    records_rebuild(month=dt.date(2026, 11, 1))


def charts_drawn(page, count):
    expect(page.locator("canvas[data-drawn='1']")).to_have_count(count)


def test_lead_dashboard_agent_record_my_performance_and_programme(
    page, live_server, login, shot, history, agent, team, lead
):
    login(lead.username)
    page.goto(f"{live_server.url}/team/{team.pk}/?month=2026-11")
    expect(page.get_by_role("heading", name=re.compile("Team A"))).to_be_visible()
    charts_drawn(page, 1)  # the team's trend
    row = page.get_by_role("row", name=re.compile(str(agent)))
    expect(row).to_contain_text("3")  # n
    expect(page.get_by_role("heading", name=re.compile("Needs attention"))).to_be_visible()
    shot("dashboard-team")

    page.get_by_role("link", name=str(agent)).first.click()
    expect(page.get_by_role("heading", name=re.compile("Sections against their targets"))).to_be_visible()
    charts_drawn(page, 2)  # trend and radar
    expect(page.get_by_role("heading", name="Weakest criteria")).to_be_visible()
    shot("dashboard-agent-record")
    page.get_by_role("button", name="Log out").click()

    page.set_viewport_size({"width": 390, "height": 844})
    login("agent")
    page.get_by_role("button", name="Menu").click()  # on a phone the menu is folded
    page.get_by_role("link", name="My performance").click()
    expect(page.get_by_role("heading", name=re.compile("My performance"))).to_be_visible()
    page.goto(f"{live_server.url}/my/performance/?month=2026-11")
    expect(page.get_by_text(re.compile("Team median"))).to_be_visible()
    charts_drawn(page, 2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("dashboard-my-performance-phone")
    page.goto(f"{live_server.url}/my-feedback/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Log out").click()

    page.set_viewport_size({"width": 1280, "height": 900})
    login("manager")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programme").click()
    page.goto(f"{live_server.url}/programme/?month=2026-11")
    expect(page.get_by_role("heading", name="Teams side by side")).to_be_visible()
    charts_drawn(page, 2)  # teams and trend
    shot("dashboard-programme")
