"""A reviewer scores an interaction with the keyboard alone and releases sandwich feedback; the
agent sees the notification, reads the feedback on a phone and acknowledges it; another agent
cannot open it."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from reviews.models import Review, ReviewStatus
from scoring import services as scoring_services
from tests.factories import make_assignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The default rubric's 13 criteria, in order, answered by key: yes, yes, 4 of 4, yes, no, yes,
# identity yes, yes, yes, 3 of 4, yes, N/A. The twelfth, the survey result, is answered from the
# interaction's CSAT (5) before the reviewer starts, and the keys pass over it.
KEYS = ["1", "1", "4", "1", "0", "1", "1", "1", "1", "3", "1", "n"]
# Knowledge 100 × 25% + Communication 75 × 25% + Process 100 × 20% + Resolution 83.33… × 20%
# + Customer experience 100 × 10% = 90.4166… → 90.42 (see docs/scoring.md for the rules).
TOTAL = "90.42"


@pytest.fixture
def assignment(manager, reviewer, agent):
    rubric = scoring_services.rubric_create_from_template(actor=manager, template_key="default")
    scoring_services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
    assignment = make_assignment(agent, reviewer)
    assignment.item.interaction.csat = 5
    assignment.item.interaction.save()
    return assignment


def logout(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def test_score_with_the_keyboard_release_read_and_acknowledge(
    page, live_server, login, shot, assignment, agent, outsider
):
    login("reviewer")
    expect(page.get_by_role("heading", name=re.compile("My review queue"))).to_be_visible()
    page.get_by_role("button", name="Score").first.click()
    expect(page.get_by_text("Rubric: Standard service quality, version 1")).to_be_visible()
    total = page.locator("#score-panel .total")
    expect(page.locator("#score-panel .answered")).to_have_text("1 of 13 criteria answered")  # by CSAT 5
    expect(total).to_have_text("100.00")
    expect(page.locator(".data-answer")).to_have_text("From the data CSAT 5 of 5 → 5 / 5")
    expect(page.locator("#review-form[data-keyboard=ready]")).to_be_attached()  # scripts have run

    # Focus starts on the first criterion; each key answers and moves on.
    for n, key in enumerate(KEYS, start=1):
        page.keyboard.press(key)
        if n == 1:
            expect(page.locator("#score-panel .answered")).to_have_text("2 of 13 criteria answered")
            expect(total).to_have_text("100.00")  # so far: one "yes" and the survey's 5
        if n == 5:
            # The fifth answer is "no": comment on it without touching the mouse.
            page.keyboard.press("ArrowUp")
            page.keyboard.press("c")
            page.keyboard.type("Name the feeling: 'I can hear this is frustrating.'")
            page.keyboard.press("Escape")
            page.keyboard.press("ArrowDown")
    expect(page.locator("#score-panel .answered")).to_have_text("13 of 13 criteria answered")
    expect(total).to_have_text(TOTAL)
    expect(page.locator("#score-panel .save-state")).to_contain_text("Saved")
    # The draft survives a reload.
    page.reload()
    expect(total).to_have_text(TOTAL)
    expect(page.get_by_label("Comment 5")).to_have_value(re.compile("I can hear this is frustrating"))
    expect(page.locator("#review-form[data-keyboard=ready]")).to_be_attached()
    page.keyboard.press("ArrowUp")
    page.evaluate("window.scrollTo(0, 0)")
    shot("scoring_page_answered", full_page=False)

    # Submitting without feedback (Ctrl+Enter) says what is missing.
    page.keyboard.press("Control+Enter")
    problems = page.locator("#submit-problems")
    expect(problems).to_contain_text("1. What went well — empty")
    expect(problems).to_contain_text("2. What to improve — empty")
    expect(problems).to_contain_text("3. Encouragement — empty")
    expect(page).to_have_url(re.compile(r"/reviews/\d+/score/$"))  # the page's own address
    expect(total).to_have_text(TOTAL)  # the answers survived the refusal
    # A gap is a link to its place.
    problems.get_by_role("link", name="2. What to improve").click()
    expect(page).to_have_url(re.compile(r"#f-improvement$"))
    # F puts the cursor after what is already written, not before it: with every part written,
    # F goes to the first, and what is typed follows its text.
    for label, text in (
        ("1. What went well", "Kept"),
        ("2. What to improve", "x"),
        ("3. Encouragement", "y"),
    ):
        page.get_by_label(label).fill(text)
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("F")
    page.keyboard.type(" more")
    expect(page.get_by_label("1. What went well")).to_have_value("Kept more")

    page.get_by_label("1. What went well").fill(
        "You checked the identity first and explained the policy clearly."
    )
    page.get_by_role("button", name="Add the comments of failed criteria").click()
    expect(page.get_by_label("2. What to improve")).to_have_value(
        re.compile("I can hear this is frustrating")
    )
    page.get_by_label("2. What to improve").press("End")
    page.keyboard.type("\nTry it on your next three calls.")
    page.get_by_label("3. Encouragement").fill("Your calls are getting warmer every week. Keep going!")
    shot("scoring_page_feedback", full_page=False)
    page.get_by_role("button", name="Submit to the agent").click()
    expect(page.get_by_text(re.compile(r"Feedback released to .*\(90\.42\)"))).to_be_visible()

    review = Review.objects.get(assignment=assignment)
    assert review.status == ReviewStatus.SUBMITTED and review.total == Decimal(TOTAL)
    logout(page)

    # The agent, on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    login("agent")
    expect(page.locator(".bell .count")).to_have_text("1")
    expect(page.get_by_role("heading", name=re.compile("My feedback"))).to_be_visible()
    expect(page.locator(".reviews-table")).to_contain_text(TOTAL)
    page.get_by_role("link", name="2026-11-03").click()
    parts = page.locator(".sandwich-view .part h3")
    expect(parts).to_have_text(["What went well", "What to improve", "Encouragement"])
    expect(page.get_by_text("Try it on your next three calls.")).to_be_visible()
    shot("agent_review_phone")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Thank you: acknowledged.")).to_be_visible()
    expect(page.locator(".bell .count")).to_have_count(0)  # the notification was read
    review.refresh_from_db()
    assert review.status == ReviewStatus.ACKNOWLEDGED
    logout(page)

    # Another agent cannot open it, not even with its address.
    login("outsider")
    response = page.goto(f"{live_server.url}/reviews/{review.pk}/")
    assert response.status == 404


def test_a_reviewer_quotes_a_transcript_line_in_a_comment(page, live_server, login, shot, assignment):
    interaction = assignment.item.interaction
    interaction.transcript = (
        "[10:02] Agent: Thank you for calling, how can I help?\n"
        "[10:02] Customer: My parcel has not arrived.\n\n"
        "[10:04] Agent: I'll pass it on to the team, they will get back to you."
    )
    interaction.save()
    login("reviewer")
    page.get_by_role("button", name="Score").first.click()
    expect(page.locator("#review-form[data-keyboard=ready]")).to_be_attached()
    lines = page.locator(".transcript li")
    expect(lines).to_have_count(3)
    assert lines.nth(2).get_attribute("value") == "4"  # the blank line keeps its number
    for _ in range(4):
        page.keyboard.press("ArrowDown")  # on to criterion 5
    page.locator(".quote-line", has_text="pass it on").click()
    comment = page.get_by_label("Comment 5")
    expect(comment).to_be_focused()
    expect(comment).to_have_value("“I'll pass it on to the team, they will get back to you.” ")
    page.keyboard.type("No next step offered.")
    expect(page.locator("#score-panel .save-state")).to_contain_text("Saved")
    shot("scoring_quote_line", full_page=False)
    review = Review.objects.get(assignment=assignment)
    assert "“I'll pass it on to the team, they will get back to you.” No next step" in "".join(
        review.comments.values()
    )


def test_a_reviewer_answers_otherwise_than_the_data_with_a_reason(page, live_server, login, shot, assignment):
    """On a phone: the survey criterion shows the data's answer and its evidence; choosing
    another answer asks for the reason (the keyboard lands in it), which is saved with the draft
    and needed to submit."""
    interaction = assignment.item.interaction
    interaction.csat = 2
    interaction.save()
    page.set_viewport_size({"width": 390, "height": 844})
    login("reviewer")
    page.get_by_role("button", name="Score").first.click()
    expect(page.locator("#review-form[data-keyboard=ready]")).to_be_attached()
    survey = page.locator(".criterion[data-data-answer]")
    expect(survey.locator(".data-answer")).to_have_text("From the data CSAT 2 of 5 → 2 / 5")
    reason = survey.locator("[data-override]")
    expect(reason).to_be_hidden()
    survey.locator(".options label", has_text="4").click()
    expect(reason).to_be_visible()
    survey.locator(".options label", has_text="2").click()
    expect(reason).to_be_hidden()  # the data's answer again: no reason needed
    # By keyboard: 4 on the survey criterion puts the cursor in the reason
    survey.locator("input[value='2']").focus()
    page.keyboard.press("4")
    textarea = survey.locator("textarea[name^='o-']")
    expect(textarea).to_be_focused()
    page.keyboard.type("The survey rated the delivery, not the call.")
    expect(page.locator("#score-panel .save-state")).to_contain_text("Saved")
    survey.scroll_into_view_if_needed()
    shot("scoring_data_answer_phone", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    review = Review.objects.get(assignment=assignment)
    for _ in range(100):  # the last autosave lands after a pause in typing
        if review.overrides and next(iter(review.overrides.values())).endswith("call."):
            break
        page.wait_for_timeout(100)
        review.refresh_from_db()
    key = next(iter(review.data_answers))
    assert review.data_answers == {key: 2} and review.answers[key] == 4
    assert review.overrides == {key: "The survey rated the delivery, not the call."}
