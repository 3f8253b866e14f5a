"""Rubric templates that ship with the product (see docs/domain.md).

Managers can start a new rubric from one; the demo data publishes both.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .structure import CriterionData, RubricData, SectionData

D = Decimal


@dataclass(frozen=True)
class RubricTemplate:
    key: str
    name: str
    description: str
    channels: tuple[str, ...]
    # (name, weight, target, description, ((behaviour, guidance, options), ...))
    sections: tuple

    def build(self) -> RubricData:
        return RubricData(
            name=str(self.name),
            description=str(self.description),
            channels=list(self.channels),
            sections=[
                SectionData(
                    name=str(name),
                    weight=D(weight),
                    target=D(target),
                    description=str(description),
                    criteria=[
                        CriterionData(
                            behaviour=str(behaviour), guidance=str(guidance), **options
                        ).normalised()
                        for behaviour, guidance, options in criteria
                    ],
                )
                for name, weight, target, description, criteria in self.sections
            ],
        )


DEFAULT = RubricTemplate(
    key="default",
    name=_("Standard service quality"),
    description=_(
        "The default contact-centre rubric: knowledge 25%, communication 25%, process 20%, "
        "resolution 20%, customer experience 10%."
    ),
    channels=("phone", "chat", "email"),
    sections=(
        (
            _("Knowledge"),
            "25",
            "95",
            _("Accurate, clear product and policy information."),
            (
                (
                    _("States product information accurately"),
                    _(
                        "Every fact given about products, prices and availability matches the knowledge base. One wrong fact is a 'no'."
                    ),
                    {"weight": D(1)},
                ),
                (
                    _("Explains the relevant policy clearly, with the reason behind it"),
                    _("The customer is told what the policy is and why it applies to them, in plain words."),
                    {"weight": D(1), "na_allowed": True},
                ),
            ),
        ),
        (
            _("Communication"),
            "25",
            "90",
            _("Clear language, active listening, expressed empathy."),
            (
                (
                    _("Uses clear, positive words and avoids jargon"),
                    _("0 = jargon or negative phrasing throughout; 4 = plain, positive language throughout."),
                    {"answer_type": "points", "scale_min": 0, "scale_max": 4, "weight": D(1)},
                ),
                (
                    _("Lets the customer finish and restates the need before answering"),
                    _(
                        "Listen for a paraphrase of the problem ('So you were charged twice…') before a solution."
                    ),
                    {"weight": D(1)},
                ),
                (
                    _("Acknowledges the customer's feelings in words"),
                    _(
                        "An explicit statement of empathy ('I understand how frustrating…'), not only a polite tone."
                    ),
                    {"weight": D(1)},
                ),
                (
                    _("Confirms the customer understood the answer"),
                    _("Asks a checking question or summarises next steps."),
                    {"weight": D(1)},
                ),
            ),
        ),
        (
            _("Process"),
            "20",
            "100",
            _("Identity checks, complete records, key steps completed."),
            (
                (
                    _("Verifies the customer's identity before discussing the account"),
                    _(
                        "Critical: skipping or completing the identity check after account details were shared fails the review."
                    ),
                    {"weight": D(1), "critical": True, "na_allowed": True},
                ),
                (
                    _("Records the contact completely (reason, actions, outcome)"),
                    _(
                        "Check the case notes: a colleague must be able to continue without asking the customer again."
                    ),
                    {"weight": D(1)},
                ),
                (
                    _("Completes the key steps of the procedure for this contact type"),
                    _("Follow the checklist for the queue; every required step done is a 'yes'."),
                    {"weight": D(1)},
                ),
            ),
        ),
        (
            _("Resolution"),
            "20",
            "85",
            _("The right solution, reached efficiently."),
            (
                (
                    _("Offers a solution that fits the customer's problem"),
                    _("0 = no or wrong solution; 4 = right solution, fully explained, first time."),
                    {"answer_type": "points", "scale_min": 0, "scale_max": 4, "weight": D(2)},
                ),
                (
                    _("Uses tools and transfers efficiently (no avoidable hold or transfer)"),
                    _(
                        "Holds and transfers are justified and announced; the knowledge base is used instead of guessing."
                    ),
                    {"weight": D(1)},
                ),
            ),
        ),
        (
            _("Customer experience"),
            "10",
            "90",
            _("Survey result and follow-up of open issues."),
            (
                (
                    _("Customer satisfaction survey result"),
                    _(
                        "Answered from the customer's 1-5 survey answer (N/A when the customer did not "
                        "answer); change it only with a reason, e.g. the survey rated something else."
                    ),
                    {
                        "answer_type": "rating",
                        "weight": D(1),
                        "na_allowed": True,
                        "data_field": "csat",
                        "data_empty": "na",
                    },
                ),
                (
                    _("Sets up follow-up for anything left unresolved"),
                    _("A callback, ticket or promised e-mail with a time. N/A when everything was resolved."),
                    {"weight": D(1), "na_allowed": True},
                ),
            ),
        ),
    ),
)

HEARD = RubricTemplate(
    key="heard",
    name=_("HEARD complaint handling"),
    description=_("For complaints: Hear, Empathize, Acknowledge, Resolve, Discuss."),
    channels=("phone", "chat", "email", "social"),
    sections=(
        (
            _("Hear"),
            "20",
            "90",
            _("Let the customer tell the whole story."),
            (
                (
                    _("Lets the customer finish without interrupting"),
                    _("No talking over the customer while the complaint is told."),
                    {"weight": D(1)},
                ),
                (
                    _("Asks questions to understand the full complaint"),
                    _("Open questions before any explanation or defence."),
                    {"weight": D(1)},
                ),
            ),
        ),
        (
            _("Empathize"),
            "20",
            "90",
            _("Show the customer their feelings are understood."),
            (
                (
                    _("Names the customer's feeling and its cause"),
                    _("'I can hear this has cost you a whole morning.'"),
                    {"weight": D(1)},
                ),
                (
                    _("Keeps a calm, warm tone throughout"),
                    _("0 = defensive or cold; 4 = warm and steady throughout."),
                    {"answer_type": "points", "scale_min": 0, "scale_max": 4, "weight": D(1)},
                ),
            ),
        ),
        (
            # the HEARD step (own the problem), not the agent's "Acknowledge" of their feedback
            pgettext_lazy("HEARD step", "Acknowledge"),
            "15",
            "90",
            _("Apologise and own the problem."),
            (
                (
                    _("Apologises sincerely for the experience"),
                    _("A specific apology, not a scripted one-liner."),
                    {"weight": D(1)},
                ),
                (
                    _("Takes ownership instead of blaming others"),
                    _("No blaming colleagues, systems or the customer."),
                    {"weight": D(1)},
                ),
            ),
        ),
        (
            _("Resolve"),
            "30",
            "85",
            _("Fix the problem, or agree the way to fix it."),
            (
                (
                    _("Offers a resolution the customer accepts"),
                    _("The customer agrees to the solution out loud or in writing."),
                    {"weight": D(2)},
                ),
                (
                    _("States what will happen next and by when"),
                    _("A concrete step with a date or time."),
                    {"weight": D(1)},
                ),
            ),
        ),
        (
            _("Discuss"),
            "15",
            "85",
            _("Close the loop and prevent a repeat."),
            (
                (
                    _("Checks the customer is satisfied with the outcome"),
                    _("Asks, rather than assumes."),
                    {"weight": D(1)},
                ),
                (
                    _("Records the root cause for follow-up"),
                    _("The complaint is tagged with its cause so the team can prevent repeats."),
                    {"weight": D(1), "na_allowed": True},
                ),
            ),
        ),
    ),
)

RUBRIC_TEMPLATES: dict[str, RubricTemplate] = {t.key: t for t in (DEFAULT, HEARD)}


def _names(text) -> dict[str, str]:
    """{a lazily translated text in every language of the app, lower-case: its English text}."""
    with translation.override("en"):
        english = str(text)
    names = {english.strip().lower(): english}
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            names[str(text).strip().lower()] = english
    return names


@lru_cache(maxsize=1)
def _section_names() -> dict[str, str]:
    """{a template section's name in any language, lower-case: its English name}; a name two
    sections share in some language (a translation that says two things alike) is left out,
    so it is matched as written rather than guessed."""
    names: dict[str, str] = {}
    shared: set[str] = set()
    for template in RUBRIC_TEMPLATES.values():
        for section in template.sections:
            for alias, english in _names(section[0]).items():
                if names.setdefault(alias, english) != english:
                    shared.add(alias)
    return {alias: english for alias, english in names.items() if alias not in shared}


def section_key(name: str) -> str:
    """How a KPI scheme and a record name a rubric section: lower-case, and a template's section
    by its English name, whichever language its rubric was created in — a scheme that weighs
    "Knowledge" weighs "业务知识" of a rubric created from the template in Chinese."""
    key = (name or "").strip().lower()
    english = _section_names().get(key)
    return english.lower() if english else key


def section_title(key: str, stored: str = "") -> str:
    """A section's name for the reader: a template's section in the reader's language, any other
    as it was written (`stored`, else the key)."""
    english = _section_names().get(key)
    return translation.gettext(english) if english else (stored or key)
