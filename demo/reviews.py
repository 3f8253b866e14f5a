"""Demo interactions (realistic contacts for the demo agents, the current month and the
months before it) and this month's first reviews."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from core.exceptions import DomainError
from core.models import Role, User
from reviews.imports.fields import FIELDS
from reviews.imports.pipeline import ImportOptions, import_rows, item_rows
from reviews.models import Assignment, AssignmentStatus, Review
from reviews.services.reviewing import (
    ReviewInput,
    review_acknowledge,
    review_save,
    review_start,
    review_submit,
)
from scoring import engine
from scoring.selectors import rubric_spec_pinned

from .autoqa import closing_answer
from .language import say

# Mean wait before an answer, seconds (the service-level thresholds are 20 s and 30 s).
WAIT_MEAN = {"phone": 16, "chat": 22}
TOPICS = {
    "phone": ["Billing", "Card blocked", "Address change", "Refund", "Delivery"],
    "chat": ["Order status", "Refund", "Password reset", "Delivery", "Product question"],
    "email": ["Invoice copy", "Complaint", "Contract", "Refund"],
    "social": ["Complaint", "Delivery"],
}
OPENINGS = [
    "Agent: Thank you for contacting us, my name is {agent}. How can I help?",
    "Agent: Good {daypart}, you're speaking with {agent}. What can I do for you today?",
]
PROBLEMS = {
    "Billing": "Customer: I was charged twice for my October bill.",
    "Card blocked": "Customer: My card was blocked while I was abroad.",
    "Address change": "Customer: I moved last week and need to update my address.",
    "Refund": "Customer: I returned the jacket two weeks ago and still have no refund.",
    "Delivery": "Customer: My parcel was due on Monday and hasn't arrived.",
    "Order status": "Customer: Can you tell me where my order is?",
    "Password reset": "Customer: I can't log in, the reset e-mail never arrives.",
    "Product question": "Customer: Does the X200 work with my older charger?",
    "Invoice copy": "Customer: Please send me a copy of invoice 4471.",
    "Complaint": "Customer: This is the third time I'm writing about the same problem.",
    "Contract": "Customer: I want to know when my contract ends.",
}
CLOSINGS_GOOD = [
    "Agent: I've sorted that for you and you'll get a confirmation by e-mail. Is there anything else?",
    "Agent: That's done now. Just to confirm: you'll see the change within two working days.",
]
CLOSINGS_WEAK = [
    "Agent: I'll pass it on to the team, they will get back to you.",
    "Agent: There's nothing more I can do today, sorry.",
]


def demo_items(today: dt.date, rng: random.Random, months: int = 1) -> list[dict]:
    """Contacts from the first day of `months` months before this one up to `today`."""
    agents = list(User.objects.filter(role=Role.AGENT).order_by("username"))
    start = today.replace(day=1)
    for _ in range(months):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    days = (today - start).days + 1
    tz = timezone.get_current_timezone()
    items = []
    for index, agent in enumerate(agents):
        # Some agents are busier; a few prefer chat or e-mail.
        per_day = 2 + index % 3
        weights = [5, 3, 2, 1] if index % 4 else [2, 5, 3, 1]
        for day in range(days):
            date = start + dt.timedelta(days=day)
            if agent.hired_on and date < agent.hired_on:
                continue  # not with us yet
            for n in range(rng.randint(per_day - 1, per_day + 1)):
                channel = rng.choices(["phone", "chat", "email", "social"], weights=weights)[0]
                hour = rng.choices(range(24), weights=[1] * 7 + [6] * 5 + [6] * 6 + [3] * 4 + [1] * 2)[0]
                when = dt.datetime.combine(date, dt.time(hour, rng.randrange(60)), tzinfo=tz)
                if when.date() > today:
                    continue
                topic = rng.choice(TOPICS[channel])
                answered = channel != "phone" or rng.random() > 0.06
                good = rng.random() > 0.25
                resolved = answered and (good or rng.random() > 0.6)
                csat = (
                    rng.choice([4, 5, 5, 5, 4, 3] if good else [1, 2, 3, 2])
                    if answered and rng.random() < 0.45
                    else None
                )
                daypart = say("morning" if hour < 12 else "afternoon" if hour < 18 else "evening")
                transcript = "\n".join([
                    say(rng.choice(OPENINGS), agent=agent.first_name or agent.username, daypart=daypart),
                    say(PROBLEMS[topic]),
                    say("Agent: I'm sorry to hear that. Let me check your account."),
                    say(rng.choice(CLOSINGS_GOOD if good else CLOSINGS_WEAK)),
                ])  # fmt: skip
                items.append(
                    {
                        "source_id": f"demo-{agent.username}-{date:%Y%m%d}-{n}",
                        "agent": agent.username,
                        "channel": channel,
                        "queue": say(topic),
                        "started_at": when,
                        "answered": answered,
                        # Most calls and chats are answered within seconds, a few wait minutes.
                        "wait_seconds": min(int(rng.expovariate(1 / WAIT_MEAN[channel])) + 2, 900)
                        if channel in WAIT_MEAN
                        else None,
                        "talk_seconds": rng.randint(120, 900) if answered else 0,
                        "hold_seconds": rng.choice([0, 0, 0, 30, 60, 120]) if answered else 0,
                        "acw_seconds": rng.randint(20, 180) if answered else 0,
                        "resolved": resolved,
                        "first_contact_resolved": resolved and rng.random() < 0.75,
                        "escalated": answered and rng.random() < 0.04,
                        "repeat_contact": rng.random() < 0.08,
                        "csat": csat,
                        "nps": rng.randint(0, 10) if csat else None,
                        "effort": rng.randint(1, 7) if csat else None,
                        "customer_ref": f"C{rng.randint(10000, 99999)}",
                        "transcript": transcript if answered else "",
                        "tags": ["demo"],
                    }
                )
    return items


def load_demo_interactions(today: dt.date | None = None, months: int = 1):
    """Import the demo interactions through the same pipeline as the API (idempotent)."""
    today = today or timezone.localdate()
    items = demo_items(today, random.Random(42), months)
    options = ImportOptions(mapping={f.name: f.name for f in FIELDS}, source="demo")
    checked, summary = import_rows(item_rows(items), options=options, columns={})
    if summary is None:  # pragma: no cover - the generator makes valid data
        raise RuntimeError(checked.errors[:3])
    return summary


STRENGTHS = (
    "You greeted the customer warmly and checked their identity before anything else.",
    "Your explanation of the policy was clear and you gave the reason behind it.",
    "You stayed calm and patient while the customer explained the whole problem.",
)
IMPROVEMENTS = (
    "Name the customer's feeling before moving to the fix, e.g. 'I can hear this has been frustrating.'",
    "Summarise the next steps at the end so the customer knows exactly what happens and when.",
    "Avoid internal terms like 'ticket escalation queue'; say 'our specialist team' instead.",
)
ENCOURAGEMENTS = (
    "Your calls keep getting better: keep this up and you will hit every target next month.",
    "You clearly know the products well. One small habit and this will be an excellent call.",
    "Great progress this month; I'm looking forward to your next review.",
)
OVERRIDE_REASON = (
    "The customer rated the delivery time in the survey, not the call; the call itself was good."
)
COMMENTS = (
    "Missed here: see the guidance.",
    "Only partly done; try the wording from the guidance.",
)


def demo_comment(rng: random.Random, transcript: str) -> str:
    """A reviewer's comment on a missed criterion; it quotes a weak closing line when the call
    had one, as reviewers do, so the 1-on-1 planner can find that line in the transcript."""
    comment = say(rng.choice(COMMENTS))
    weak_lines = {say(line) for line in CLOSINGS_WEAK}
    weak = next((line for line in transcript.splitlines() if line in weak_lines), None)
    if weak is None:
        return comment
    spoken = weak.split(":", 1)[-1].split("：", 1)[-1].strip()
    return say("Closed with ‘{line}’: no solution or next step. {comment}", line=spoken, comment=comment)


def load_demo_reviews(month) -> int:
    """Score the first few of each demo reviewer's assignments: most released to the agent
    (one already acknowledged), a couple left as drafts. Does nothing once any review of the
    month exists."""
    from .history import behaviours_of  # (history reads this module's texts)

    if Review.objects.filter(assignment__month=month).exists():
        return 0
    rng = random.Random(11)
    made = 0
    per_agent: dict[int, int] = {}
    for reviewer in User.objects.filter(role=Role.REVIEWER, username__startswith="reviewer").order_by(
        "username"
    ):
        assignments = (
            Assignment.objects.filter(reviewer=reviewer, month=month, status=AssignmentStatus.ASSIGNED)
            .select_related("item__interaction__agent")
            .order_by("item__agent__username", "pk")
        )
        index = -1
        overridden = False
        for assignment in assignments:
            if index >= 7:
                break
            if per_agent.get(assignment.item.agent_id, 0) >= 2:
                continue  # spread the demo feedback over the agents
            per_agent[assignment.item.agent_id] = per_agent.get(assignment.item.agent_id, 0) + 1
            index += 1
            try:
                review = review_start(actor=reviewer, assignment=assignment)
            except DomainError:  # no rubric for the channel
                continue
            answers, comments = {}, {}
            behaviours = behaviours_of(review.rubric_id)
            interaction = assignment.item.interaction
            for criterion in rubric_spec_pinned(review.rubric).criteria():
                low, high = criterion.bounds()
                if criterion.answer_type == engine.AnswerType.YES_NO:
                    answer = "no" if rng.random() < 0.15 and not criterion.critical else "yes"
                else:
                    answer = rng.randint(max(low, high - 2), high)
                answer = closing_answer(
                    behaviours.get(criterion.key, ""), interaction.transcript, answer, interaction.source_id
                )
                answer = review.data_answers.get(criterion.key, answer)  # the data's answer is kept
                answers[criterion.key] = answer
                if answer in ("no", low):
                    comments[criterion.key] = demo_comment(rng, assignment.item.interaction.transcript)
            overrides = {}
            if not overridden and index < 6:  # each reviewer answers one survey otherwise, saying why
                for key, value in review.data_answers.items():
                    if value not in ("na", 4):
                        answers[key], overrides[key] = 4, say(OVERRIDE_REASON)
                        comments.pop(key, None)
                        overridden = True
                        break
            data = ReviewInput(
                answers=answers,
                comments=comments,
                overrides=overrides,
                strengths=say(rng.choice(STRENGTHS)),
                improvement=say(rng.choice(IMPROVEMENTS)),
                encouragement=say(rng.choice(ENCOURAGEMENTS)),
            )
            if index < 6:
                review = review_submit(
                    actor=reviewer, review=review, data=data, expected_revision=review.revision
                )
                if index == 0:
                    review_acknowledge(actor=review.agent, review=review)
            else:
                review_save(actor=reviewer, review=review, data=data, expected_revision=review.revision)
            made += 1
    return made
