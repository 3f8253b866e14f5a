"""A QA manager builds a rubric from scratch in Chromium; an agent is refused the editor."""

import re

import pytest
from playwright.sync_api import expect

from scoring.models import Rubric, RubricStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_section(section, name, weight, target, behaviour):
    section.get_by_label("Section name").fill(name)
    section.get_by_label("Weight %").fill(weight)
    section.get_by_label("Target %").fill(target)
    section.get_by_role("button", name="+ Add criterion").click()
    section.get_by_label("Observable behaviour").last.fill(behaviour)


def test_manager_builds_publishes_and_versions_a_rubric(page, live_server, login, shot, manager, agent):
    login("manager")
    expect(page.get_by_role("heading", name="QA programme")).to_be_visible()
    page.get_by_role("link", name="New rubric").first.click()

    page.get_by_label("Name").fill("Chat quality")
    page.get_by_label("Chat").check()
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", name=re.compile("Edit draft"))).to_be_visible()

    page.get_by_role("button", name="+ Add section").click()
    sections = page.locator("[data-section]")
    fill_section(sections.nth(0), "Accuracy", "60", "90", "Gives the correct answer")
    page.get_by_role("button", name="+ Add section").click()
    fill_section(sections.nth(1), "Tone", "30", "85", "Uses the customer's name")
    # A second criterion on a point scale, worth 2: its share of the section shows as it is typed.
    sections.nth(1).get_by_role("button", name="+ Add criterion").click()
    second = sections.nth(1).locator("[data-criterion]").nth(1)
    second.get_by_label("Observable behaviour").fill("Writes in a friendly tone")
    second.locator("[data-answer-type]").select_option("points")
    second.get_by_label("to", exact=True).fill("5")
    second.get_by_label("Weight").fill("2")
    expect(second.locator("[data-share]")).to_have_text("= 66.67%")

    # Answered from the data: the limit shows once a field is chosen, the band only for handle time.
    first = sections.nth(0).locator("[data-criterion]").nth(0)
    expect(first.get_by_label("Limit or target")).to_be_hidden()
    first.get_by_label("Answered from the data").select_option("hold_share")
    expect(first.get_by_label("Limit or target")).to_be_visible()
    expect(first.get_by_label("Band ± %")).to_be_hidden()
    first.get_by_label("Limit or target").fill("10")
    first.get_by_label("Answered from the data").select_option("handle_time")
    expect(first.get_by_label("Band ± %")).to_be_visible()
    first.get_by_label("Answered from the data").select_option("hold_share")

    # The weights add up as the manager types: 60 + 30 = 90, not yet 100.
    expect(page.locator("#weight-total")).to_have_text("90")
    expect(page.locator("#weight-total")).to_have_class("bad")
    shot("rubric_editor_weights_wrong")

    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_text("Section weights must add up to 100; they add up to 90.")).to_be_visible()
    expect(page.get_by_text("Draft saved, but it cannot be published yet.")).to_be_visible()
    shot("rubric_editor_publish_refused")

    page.locator("[data-section]").nth(1).get_by_label("Weight %").fill("40")
    expect(page.locator("#weight-total")).to_have_text("100")
    expect(page.locator("#weight-total")).to_have_class("ok")
    # Move "Tone" above "Accuracy" with the keyboard-reachable arrow button.
    page.locator("[data-section]").nth(1).get_by_role("button", name="Move section up").click()
    expect(page.locator("[data-section]").nth(0).get_by_label("Section name")).to_have_value("Tone")
    page.get_by_role("button", name="Save and publish").click()

    expect(page.get_by_text("Version 1 is published.")).to_be_visible()
    rubric = Rubric.objects.get(name="Chat quality")
    assert rubric.status == RubricStatus.PUBLISHED
    assert [s.name for s in rubric.sections.order_by("position")] == ["Tone", "Accuracy"]
    tone = rubric.sections.get(name="Tone")
    assert [(c.answer_type, c.scale_max, c.weight) for c in tone.criteria.order_by("position")] == [
        ("yes_no", 1, 1),
        ("points", 5, 2),
    ]

    accuracy = rubric.sections.get(name="Accuracy").criteria.get()
    assert (accuracy.data_field, accuracy.data_limit, accuracy.data_empty) == ("hold_share", 10, "reviewer")
    expect(page.locator(".data-rule")).to_have_text(
        "From the data Answered from the hold share: at most 10 % of the handle time passes; empty: the reviewer answers"
    )

    page.get_by_role("button", name="New version").click()
    expect(page.get_by_text("Version 2 created as a draft.")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    history = page.locator("ol.history")
    expect(history).to_contain_text("Created version 2 as a draft, copied from version 1.")
    expect(history).to_contain_text("Published version 1.")
    expect(history).to_contain_text("Tone weight 30 → 40")
    shot("rubric_detail_history")

    # An agent is refused the editor.
    page.get_by_role("button", name="Log out").click()
    login("agent")
    response = page.goto(f"{live_server.url}/rubrics/{rubric.pk}/edit/")
    assert response.status == 403
