"""The lead plans a 1-on-1 from the evidence, holds it, writes a GROW note and two action items
(one shared, one private) and closes it; the agent, on a 390 px phone, sees the shared note and
item but not the private one, acknowledges and marks the item done; the lead sees it done and
the loop's verdict for a criterion coached earlier."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from coaching.models import ActionItem, CoachingSession
from coaching.services import sessions as coaching
from coaching.services.records import records_rebuild
from scoring import services as scoring_services
from scoring.models import Criterion
from tests.browser.test_dashboards import release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coached_history(manager, reviewer, agent, team, lead):
    """October: five reviews missing the first yes/no criterion; a 1-on-1 on 1 November coaching
    it; then five November reviews that meet it."""
    rubric = scoring_services.rubric_create_from_template(actor=manager, template_key="default")
    scoring_services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
    for day in (2, 6, 10, 14, 20):
        release(agent, reviewer, dt.datetime(2026, 10, day, 10), 1)
    criterion = (
        Criterion.objects.filter(section__rubric=rubric, answer_type="yes_no", critical=False)
        .order_by("section__position", "position")
        .first()
    )
    earlier = coaching.session_plan(actor=lead, agent=agent, day=dt.date(2026, 11, 1))
    coaching.item_save(actor=lead, session=earlier, data={
        "text": "Check it on every call", "due_on": "2026-11-08", "target_kind": "criterion",
        "target_identity": str(criterion.identity), "target_label": criterion.behaviour,
    })  # fmt: skip
    coaching.session_close(actor=lead, session=earlier, expected_revision=earlier.revision)
    for day in (3, 5, 9, 12, 16):
        release(agent, reviewer, dt.datetime(2026, 11, day, 10), 0)
    records_rebuild(month=dt.date(2026, 10, 1))
    records_rebuild(month=dt.date(2026, 11, 1))


def test_a_1on1_from_plan_to_the_agents_phone_and_back(
    page, live_server, login, shot, coached_history, agent, lead
):
    login(lead.username)
    expect(page.get_by_role("heading", name=re.compile("^Coaching"))).to_be_visible()
    expect(
        page.get_by_text("✓ improved")
    ).to_be_visible()  # the loop, for the criterion coached on 1 November
    shot("coaching-workspace")

    page.get_by_role("row", name=re.compile(str(agent))).get_by_role("button", name="Plan a 1-on-1").click()
    expect(page.get_by_role("heading", name=re.compile("1-on-1 with"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Problem solving"))).to_be_visible()
    page.get_by_role("button", name="Start the timer").first.click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()

    note = page.get_by_role("form", name="New GROW note")
    note.get_by_label("Goal").fill("Summarise before closing")
    note.get_by_label("Reality").fill("Two of three calls end without a summary")
    note.get_by_label("Options").fill("A closing checklist")
    note.get_by_label("Way forward").fill("Use the closing checklist on every call")
    note.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("Use the closing checklist on every call")).to_be_visible()

    item = page.get_by_role("form", name="New action item")
    item.get_by_label("What").fill("Summarise at the end of each call")
    item.get_by_label("Due").fill("2026-11-27")
    item.get_by_role("button", name="Add the item").click()
    item = page.get_by_role("form", name="New action item")
    item.get_by_label("What").fill("Ask QA to calibrate on summaries")
    item.get_by_label("Whose").select_option("lead")
    item.get_by_label("Due").fill("2026-11-24")
    item.get_by_label("Shared with the agent").uncheck()
    item.get_by_role("button", name="Add the item").click()
    expect(page.get_by_text("Ask QA to calibrate on summaries")).to_be_visible()
    shot("coaching-planner")
    page.get_by_role("button", name="Close the 1-on-1 and tell the agent").click()
    expect(page.get_by_text("1-on-1 recorded")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    page.set_viewport_size({"width": 390, "height": 844})
    login(agent.username)
    page.get_by_role("button", name="Menu").click()  # on a phone the menu is folded
    page.get_by_role("link", name="My coaching").click()
    expect(page.get_by_text("Use the closing checklist on every call")).to_be_visible()
    expect(page.get_by_text("Summarise at the end of each call").first).to_be_visible()
    expect(page.get_by_text("Ask QA to calibrate on summaries")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("coaching-agent-phone")
    page.get_by_role("button", name="Acknowledge").first.click()
    expect(page.get_by_text("Thank you: acknowledged.")).to_be_visible()
    mine = page.get_by_role("listitem").filter(has_text="Summarise at the end of each call")
    mine.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Marked done")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    page.set_viewport_size({"width": 1280, "height": 900})
    login(lead.username)
    done = page.locator("section", has_text="Done in the last two weeks")
    expect(done.locator("li", has_text="Summarise at the end of each call")).to_contain_text("✓ done")
    held = CoachingSession.objects.filter(agent=agent).order_by("-id").first()
    page.goto(f"{live_server.url}/coaching/sessions/{held.pk}/")
    expect(page.get_by_text(re.compile("Summarise at the end of each call .*Done"))).to_be_visible()
    assert ActionItem.objects.get(text="Summarise at the end of each call").status == "done"
    held.refresh_from_db()
    assert held.acknowledged_at is not None
