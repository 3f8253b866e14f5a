"""Transcript rules over stored interactions: writing a rule, checking a month, the import hook,
the task and the command (docs/autoqa.md)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.exceptions import NotAllowed
from core.models import AuditAction, AuditEvent
from reviews.models import AutoVerdict, TranscriptRule
from reviews.services.autoqa import RuleInvalid, autoqa_check, on_interactions_changed, transcript_rule_save
from scoring import services as scoring_services
from scoring.models import Criterion
from tests.factories import make_interaction

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)
VERIFIED = "Agent: Thank you for calling.\nAgent: Can you confirm your date of birth?\nCustomer: 4 May.\nAgent: Your account shows two payments."
UNVERIFIED = (
    "Agent: Hello.\nAgent: Your account shows two payments.\nAgent: Can you confirm your date of birth?"
)
NO_ACCOUNT = "Agent: Hello.\nCustomer: Where is my parcel?\nAgent: It arrives on Monday."
CHINESE = "坐席：您好。\n坐席：您的账户显示有两笔扣款。\n坐席：请提供出生日期。"


@pytest.fixture
def default_rubric(manager):
    rubric = scoring_services.rubric_create_from_template(actor=manager, template_key="default")
    return scoring_services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)


@pytest.fixture
def identity(default_rubric):
    return Criterion.objects.get(
        section__rubric=default_rubric, behaviour__startswith="Verifies the customer"
    )


def verification(manager, identity, **changes) -> TranscriptRule:
    data = {
        "name": "Identity before account", "lineage": identity.section.rubric.lineage,
        "criterion": identity.identity, "kind": "before", "phrases": "date of birth\n出生日期",
        "until": "your account\n您的账户", "speaker": "agent",
    } | changes  # fmt: skip
    return transcript_rule_save(actor=manager, rule=None, data=data)


def test_a_manager_writes_a_rule_and_a_month_is_checked(
    manager, agent, identity, django_capture_on_commit_callbacks
):
    calls = {
        name: make_interaction(agent, dt.datetime(2026, 11, day, 10), channel, transcript=text)
        for name, day, channel, text in [
            ("verified", 3, "phone", VERIFIED), ("unverified", 4, "chat", UNVERIFIED),
            ("no account", 5, "phone", NO_ACCOUNT), ("chinese", 6, "email", CHINESE), ("empty", 7, "phone", ""),
        ]
    }  # fmt: skip
    rule = verification(manager, identity)
    assert (rule.phrases, rule.until, rule.version) == (
        ["date of birth", "出生日期"],
        ["your account", "您的账户"],
        1,
    )
    assert AuditEvent.objects.filter(action=AuditAction.TRANSCRIPT_RULE_SAVED, target_id=rule.pk).exists()
    result = autoqa_check(month=NOV)
    assert (result.interactions, result.verdicts, result.failed) == (4, 4, 2)
    verdicts = {v.interaction_id: v for v in AutoVerdict.objects.all()}
    assert (verdicts[calls["verified"].pk].outcome, verdicts[calls["verified"].pk].line) == ("pass", 2)
    unverified = verdicts[calls["unverified"].pk]
    assert (unverified.outcome, unverified.line, unverified.detail) == ("fail", 2, "Your account")
    assert verdicts[calls["no account"].pk].outcome == "na"
    assert (verdicts[calls["chinese"].pk].outcome, verdicts[calls["chinese"].pk].detail) == (
        "fail",
        "您的账户",
    )
    assert calls["empty"].pk not in verdicts  # no transcript, no verdict
    assert all(v.month == NOV and v.rule_version == 1 for v in verdicts.values())
    # Running again writes the same verdicts, once each.
    autoqa_check(month=NOV)
    assert AutoVerdict.objects.count() == 4
    # A change to what it checks is a new version; renaming alone is not.
    rule = transcript_rule_save(
        actor=manager, rule=rule, data={"name": "Verify first", "lineage": rule.lineage, "criterion": rule.criterion,
                                        "kind": "before", "phrases": rule.phrases, "until": rule.until})  # fmt: skip
    assert rule.version == 1
    with django_capture_on_commit_callbacks(execute=True):  # re-checks the last two months on commit
        rule = transcript_rule_save(
            actor=manager, rule=rule, data={"name": "Verify first", "lineage": rule.lineage,
                                            "criterion": rule.criterion, "kind": "before",
                                            "phrases": ["date of birth", "postcode"], "until": rule.until})  # fmt: skip
    assert rule.version == 2


def test_a_rule_that_cannot_run_is_refused_with_every_reason(manager, reviewer, identity):
    with pytest.raises(NotAllowed):
        verification(reviewer, identity)
    with pytest.raises(RuleInvalid) as refused:
        verification(manager, identity, name="", until="", criterion="00000000-0000-0000-0000-000000000000")
    assert refused.value.problems == [
        "Give the rule a name (at most 200 characters).",
        "Choose the criterion the rule checks, from a rubric that exists.",
        "Before what: write at least one phrase.",
    ]
    with pytest.raises(RuleInvalid, match="Turns: a number from 1 to 50"):
        verification(manager, identity, kind="must", where="first", turns="0")
    with pytest.raises(RuleInvalid, match="whole numbers"):
        verification(manager, identity, kind="silence", seconds="a minute")
    assert not TranscriptRule.objects.exists()


def test_an_import_checks_its_months_and_the_command_checks_a_month(
    manager, agent, identity, django_capture_on_commit_callbacks
):
    verification(manager, identity)
    call = make_interaction(agent, dt.datetime(2026, 11, 3, 10), "phone", transcript=UNVERIFIED)
    with django_capture_on_commit_callbacks(execute=True):
        from django.db import transaction

        with transaction.atomic():
            transaction.on_commit(lambda: on_interactions_changed(months=[NOV]))
    assert AutoVerdict.objects.get(interaction=call).outcome == "fail"  # the task ran in-process
    AutoVerdict.objects.all().delete()
    out = StringIO()
    call_command("autoqa_check", "--month", "2026-11", stdout=out)
    assert "1 interaction checked: 1 verdict, 1 missed" in out.getvalue()
    assert AutoVerdict.objects.get(interaction=call).outcome == "fail"
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("autoqa_check", "--month", "November")
