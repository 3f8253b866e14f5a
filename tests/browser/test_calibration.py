"""Calibration in Chromium: the manager sets up a session from the page, three reviewers score it
blind with the keyboard (none sees another's answers before the reveal), the manager reveals the
answers side by side, shows them on the meeting view, records the consensus and closes; the
agent whose calls were used never sees any of it."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Notification, Role
from reviews.models import CalibrationSession, CalibrationStatus, Review, ReviewKind, ReviewStatus
from scoring import services as scoring_services
from tests.factories import UserFactory, make_interaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The default rubric's 13 criteria answered by key (see test_scoring.py). The three reviewers
# differ on the fifth criterion (no, no, yes) and the second reviewer on the tenth (3 / 2 of 4).
BASE = ["1", "1", "4", "1", "0", "1", "1", "1", "1", "3", "1", "5", "n"]
KEYS = {
    "reviewer": BASE,
    "second": [*BASE[:9], "2", *BASE[10:]],
    "third": [*BASE[:4], "1", *BASE[5:]],
}


@pytest.fixture
def setting(manager, reviewer, agent):
    rubric = scoring_services.rubric_create_from_template(actor=manager, template_key="default")
    scoring_services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
    second = UserFactory(username="second", first_name="Sam", last_name="Second", role=Role.REVIEWER)
    third = UserFactory(username="third", first_name="Tia", last_name="Third", role=Role.REVIEWER)
    now = timezone.now()
    calls = [
        make_interaction(agent, now - dt.timedelta(days=2), source_id="CAL-1"),
        make_interaction(agent, now - dt.timedelta(days=3), source_id="CAL-2"),
    ]
    return {"people": [reviewer, second, third], "calls": calls}


def _score_blind(page, keys):
    """Score the open calibration copy with the keyboard alone and submit it (Ctrl+Enter)."""
    expect(page.locator("#review-form[data-keyboard=ready]")).to_be_attached()
    expect(page.get_by_text("Calibration, blind")).to_be_visible()
    expect(page.get_by_role("button", name="Submit to the agent")).to_have_count(0)
    for key in keys:
        page.keyboard.press(key)
    expect(page.locator("#score-panel .answered")).to_have_text("13 of 13 criteria answered")
    expect(page.locator("#score-panel .save-state")).to_contain_text("Saved")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("Your score is in. Nobody else's answers were shown to you.")).to_be_visible()


def test_three_reviewers_score_blind_and_the_manager_reveals_and_records_the_consensus(
    page, live_server, login, shot, manager, agent, setting
):
    reviewer, second, third = setting["people"]
    login("manager")
    page.goto(f"{live_server.url}/calibration/new/")
    page.get_by_label("Title").fill("November calibration: billing calls")
    for person in setting["people"]:
        page.get_by_label(str(person)).check()
    page.get_by_label("Interactions, one source id per line").fill("CAL-1\nCAL-2")
    page.get_by_role("button", name="Create the session").click()
    expect(page.get_by_text("Session created")).to_be_visible()
    session = CalibrationSession.objects.get()
    assert session.items.count() == 2 and session.status == CalibrationStatus.SCORING

    for person in setting["people"]:
        page.context.clear_cookies()
        login(person.username)
        page.goto(f"{live_server.url}/calibration/")
        row = page.get_by_role("row", name=re.compile("November calibration"))
        expect(row.locator("td").last).to_have_text("2")  # theirs to score
        row.get_by_role("link").click()
        for _n in range(2):
            page.get_by_role("link", name="Score it").first.click()
            _score_blind(page, KEYS[person.username])
        # Submitted, before the reveal: their own scores, nobody else's answers.
        expect(page.get_by_text("Scoring is blind")).to_be_visible()
        expect(page.get_by_role("heading", name="Deviation from the benchmark")).to_have_count(0)
        for other in setting["people"]:
            if other != person:
                expect(page.locator("main")).not_to_contain_text(str(other))

    copies = Review.every_kind.filter(kind=ReviewKind.CALIBRATION)
    assert copies.filter(status=ReviewStatus.SUBMITTED).count() == 6
    # Calibration scores reach no agent: no notification, no feedback in their list.
    assert not Notification.objects.filter(recipient=agent).exists()

    page.context.clear_cookies()
    login("manager")
    page.goto(f"{live_server.url}/calibration/{session.pk}/")
    expect(page.get_by_text("6 of 6 scores submitted")).to_be_visible()
    page.get_by_role("button", name="Reveal the answers").click()
    expect(page.get_by_role("heading", name="Deviation from the benchmark")).to_be_visible()
    first = page.locator(f"#item-{session.items.first().pk}")
    # Disagreements first: the fifth criterion (no / no / yes) and the tenth (3 / 2 / 3) lead.
    rows = first.locator("table.calibration-answers tbody tr")
    expect(rows.nth(0)).to_have_class(re.compile("split-row"))
    expect(rows.nth(1)).to_have_class(re.compile("split-row"))
    expect(rows.nth(2)).not_to_have_class(re.compile("split-row"))
    expect(page.get_by_role("heading", name="Where the group split")).to_be_visible()
    shot("calibration-revealed")

    page.goto(f"{live_server.url}/calibration/{session.pk}/meeting/")
    expect(page.get_by_text("Interaction 1 of 2")).to_be_visible()
    shot("calibration-meeting", full_page=False)
    page.keyboard.press("ArrowRight")
    expect(page.get_by_text("Interaction 2 of 2")).to_be_visible()
    page.get_by_role("link", name="Back to the session").click()

    # The consensus: the majority is preselected; the group settles the tenth criterion on 3.
    for item in session.items.order_by("position"):
        section = page.locator(f"#item-{item.pk}")
        form = section.locator("form.benchmark-form")
        expect(form).to_be_visible()
        section.get_by_role("button", name="Record as the benchmark").click()
        expect(page.get_by_text(re.compile("benchmark", re.IGNORECASE)).first).to_be_visible()
    session.refresh_from_db()
    benchmarks = [item.benchmark for item in session.items.all()]
    assert all(b is not None and b.status == ReviewStatus.SUBMITTED for b in benchmarks)
    # The majority on each criterion: the fifth "no" (two of three), the tenth 3 (two of three).
    assert all(
        b.total == copies.get(reviewer=reviewer, calibration_item=b.benchmark_of).total for b in benchmarks
    )
    page.get_by_role("button", name="Close the session").click()
    session.refresh_from_db()
    assert session.status == CalibrationStatus.CLOSED
    # The deviation per participant, against the consensus: the reviewer 0; the others off it.
    expect(page.get_by_role("heading", name="Deviation from the benchmark")).to_be_visible()
    shot("calibration-closed")

    # The agent whose calls were used sees no calibration page and no score of it.
    page.context.clear_cookies()
    agent.set_password("pw")
    agent.save()
    login("agent")
    assert page.goto(f"{live_server.url}/calibration/{session.pk}/").status == 404  # not even its name
    assert page.goto(f"{live_server.url}/calibration/").status == 403
    assert not Notification.objects.filter(recipient=agent).exists()
