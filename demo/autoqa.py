"""Demo transcript rules on the default rubric (docs/autoqa.md), written in both languages, and
the coupling that makes the demo reviewers' answers realistic against them:

- **closing** (must, the agent's last turn): the reviewers mostly agree with it — a good rule;
- **empathy after the problem** (after): every demo call says a scripted "sorry", so the rule
  always passes while the reviewers still miss the criterion now and then — a weak rule;
- **never "nothing more I can do"** (must not): on a 0–4 criterion the reviewers rarely give full
  marks, so most of their "missed" are not what the rule looks for — weak too.
"""

from __future__ import annotations

import random

from django.utils.translation import gettext

from reviews.models import TranscriptRule
from reviews.services.autoqa import autoqa_check, transcript_rule_save
from scoring.models import Criterion, RubricStatus

from .language import say

CLOSING = "Confirms the customer understood the answer"
# The phrases in the demo's language: its transcripts are written in it.
RULES = [
    {
        "name": "Closing: checks understanding or offers more help", "behaviour": CLOSING,
        "kind": "must", "where": "last", "turns": 1,
        "phrases": {"en": ["anything else", "just to confirm"], "zh-hans": ["还有其他", "跟您确认"]},
    },
    {
        "name": "Empathy after the customer's problem",
        "behaviour": "Acknowledges the customer's feelings in words", "kind": "after", "turns": 1,
        "trigger": {"en": ["charged twice", "blocked", "no refund", "hasn't arrived", "never arrives", "third time"],
                    "zh-hans": ["扣了两次", "冻结", "没收到退款", "还没收到", "收不到", "第三次"]},
        "phrases": {"en": ["sorry to hear"], "zh-hans": ["抱歉"]},
    },
    {
        "name": "Never: “nothing more I can do”", "behaviour": "Offers a solution that fits the customer's problem",
        "kind": "must_not", "phrases": {"en": ["nothing more I can do"], "zh-hans": ["没有别的办法"]},
    },
]  # fmt: skip
GOOD_CLOSINGS = ("anything else", "Just to confirm", "还有其他", "跟您确认")


def closing_answer(behaviour: str, transcript: str, answer, source: str):
    """The demo reviewer's answer on the closing criterion: "no" when the call closed without
    checking understanding or offering more help, "yes" otherwise, with a little disagreement
    (a reviewer who heard it differently). Other criteria keep `answer`."""
    if behaviour != gettext(CLOSING) or answer not in ("yes", "no"):
        return answer
    last = (transcript or "").strip().splitlines()[-1:] or [""]
    good = any(phrase in last[0] for phrase in GOOD_CLOSINGS)
    noise = random.Random(source).random()  # the same for the same call, whatever else was drawn
    if good:
        return "no" if noise < 0.05 else "yes"
    return "yes" if noise < 0.12 else "no"


def load_demo_rules(actor, months) -> dict[str, int]:
    """Write the demo rules (in the demo's language) once, and check `months` with them."""
    if TranscriptRule.objects.exists():
        return {"rules": 0, "verdicts": 0}
    made = 0
    for spec in RULES:
        criterion = (
            Criterion.objects.filter(
                behaviour=gettext(spec["behaviour"]), section__rubric__status=RubricStatus.PUBLISHED
            )
            .select_related("section__rubric")
            .first()
        )
        if criterion is None:
            continue
        language = "zh-hans" if say("morning") != "morning" else "en"
        data = {k: (v[language] if isinstance(v, dict) else v) for k, v in spec.items() if k != "behaviour"} | {
            "name": say(spec["name"]), "lineage": criterion.section.rubric.lineage, "criterion": criterion.identity,
        }  # fmt: skip
        transcript_rule_save(actor=actor, rule=None, data=data, check=False)
        made += 1
    verdicts = sum(autoqa_check(month=month).verdicts for month in months)
    return {"rules": made, "verdicts": verdicts}
