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
    from django.utils import translation

    with translation.override("en"):  # the rubric's words in English, whatever a test left active
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
    with pytest.raises(RuleInvalid) as turns:
        verification(manager, identity, kind="must", where="first", turns="0")
    assert turns.value.problems == ["Turns: a number from 1 to 50."]
    with pytest.raises(RuleInvalid) as seconds:
        verification(manager, identity, kind="silence", seconds="a minute")
    assert seconds.value.problems[0] == "Turns and seconds are whole numbers."
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


def released(reviewer, agent, day, transcript, *, verified: bool, identity):
    """A phone call of `agent` on November `day` with `transcript`, scored (best answers, the
    identity criterion as given) and released."""
    from reviews import services as review_services
    from reviews.models import Interaction
    from reviews.services.reviewing import ReviewInput
    from scoring.selectors import rubric_spec_pinned
    from tests.factories import make_assignment

    assignment = make_assignment(agent, reviewer, when=dt.datetime(2026, 11, day, 10))
    Interaction.objects.filter(pk=assignment.item.interaction_id).update(transcript=transcript)
    review = review_services.review_start(actor=reviewer, assignment=assignment)
    answers = {}
    for c in rubric_spec_pinned(review.rubric).criteria():
        best = "yes" if c.answer_type == "yes_no" else c.bounds()[1]
        answers[c.key] = ("yes" if verified else "no") if c.key == str(identity.pk) else best
    answers |= review.data_answers  # the survey criterion keeps the data's answer (N/A: no CSAT)
    data = ReviewInput(
        answers=answers, strengths="Warm.", improvement="Verify first.", encouragement="Keep going."
    )
    return review_services.review_submit(
        actor=reviewer, review=review, data=data, expected_revision=review.revision
    )


def test_agreement_with_the_reviewers_on_the_page_and_in_the_api(client, manager, reviewer, agent, identity):
    from django.urls import reverse

    rule = verification(manager, identity)
    # Four calls: the rule and the reviewer agree on three (two misses, one met), and on the
    # fourth the reviewer heard a verification the transcript does not show.
    released(reviewer, agent, 3, UNVERIFIED, verified=False, identity=identity)
    released(reviewer, agent, 4, UNVERIFIED, verified=False, identity=identity)
    released(reviewer, agent, 5, VERIFIED, verified=True, identity=identity)
    released(reviewer, agent, 6, UNVERIFIED, verified=True, identity=identity)
    autoqa_check(month=NOV)
    client.force_login(manager)
    page = client.get(reverse("reviews:autoqa_rules"), {"month": "2026-11"}).text
    assert "Identity before account" in page and "must be said before" in page
    assert "75.0 % (30.1–95.4)" in page  # agreement 3 of 4, Wilson interval
    # p_e = 0.75 × 0.5 + 0.25 × 0.5 = 0.5; κ = (0.75 − 0.5) ÷ 0.5 = 0.50;
    # ± 1.96 × √(0.75 × 0.25 ÷ (4 × 0.5²)) = ± 0.85: −0.35 to 1 (clipped)
    assert "not reliable" in page  # 4 pairs: too few
    api = client.get("/api/autoqa/agreement/", {"month": "2026-11"}).json()
    assert api == [{
        "rule": rule.pk, "name": "Identity before account",
        "criterion": "Standard service quality — Verifies the customer's identity before discussing the account",
        "checked": 4, "missed": 3, "not_applicable": 0, "pairs": 4, "both_missed": 2, "only_rule": 1,
        "only_reviewer": 0, "neither": 1,
        "agreement": {"value": 0.75, "low": pytest.approx(0.3006, abs=1e-4), "high": pytest.approx(0.9544, abs=1e-4), "n": 4},
        "kappa": pytest.approx(0.5), "kappa_low": pytest.approx(-0.3487, abs=1e-4), "kappa_high": 1.0,
        "precision": {"value": pytest.approx(2 / 3), "low": pytest.approx(0.2077, abs=1e-4), "high": pytest.approx(0.9385, abs=1e-4), "n": 3},
        "recall": {"value": 1.0, "low": pytest.approx(0.3424, abs=1e-4), "high": 1.0, "n": 2},
        "reliable": False,
    }]  # fmt: skip
    # The programme page: coverage, and the automatic pass rate (1 of 4 met), per team.
    programme = client.get(reverse("coaching:programme"), {"month": "2026-11"}).text
    assert (
        "Of 4 interactions, 4 have a transcript and 4 were checked automatically; 4 were reviewed by people."
        in programme
    )
    assert (
        programme.count('25.0 % <small class="nowrap">n = 4</small>') == 2
    )  # all teams, and the agent's team
    assert f'<th scope="col" class="num">{agent.team.name}</th>' in programme
    record = client.get(reverse("coaching:agent_record", args=[agent.pk]), {"month": "2026-11"}).text
    assert "not part of the QA mean" in record and "25.0 % <small>n = 4</small>" in record
    client.force_login(agent)  # the agent's own page: no automatic checks
    mine = client.get(reverse("coaching:my_performance"), {"month": "2026-11"}).text
    assert "Automatic checks" not in mine and "Identity before account" not in mine
    client.force_login(manager)
    history = client.get(reverse("reviews:autoqa_rule_edit", args=[rule.pk])).text
    assert "Agreement with the reviewers, by month" in history and "November 2026" in history
    # An empty month: every figure "—", n = 0.
    empty = client.get("/api/autoqa/agreement/", {"month": "2026-10"}).json()[0]
    assert (empty["pairs"], empty["agreement"]["value"], empty["kappa"]) == (0, None, None)


def test_the_reviewer_sees_the_verdict_beside_the_criterion_with_its_line(
    client, manager, reviewer, agent, identity
):
    from django.urls import reverse

    from reviews import services as review_services
    from reviews.models import Interaction
    from tests.factories import make_assignment

    verification(manager, identity)
    assignment = make_assignment(agent, reviewer, when=dt.datetime(2026, 11, 3, 10))
    Interaction.objects.filter(pk=assignment.item.interaction_id).update(transcript=UNVERIFIED)
    autoqa_check(month=NOV)
    review = review_services.review_start(actor=reviewer, assignment=assignment)
    client.force_login(reviewer)
    page = client.get(reverse("reviews:review_score", args=[review.pk])).text
    block = page[page.index(f'id="criterion-{identity.pk}"') :][:3000]
    assert "Automatic check: missed" in block and 'href="#line-2"' in block and "“Your account”" in block
    assert page.count('class="auto-verdict') == 1  # only beside its criterion
    # The API: the reviewer and QA managers; agents and leads never see a verdict.
    url = f"/api/interactions/{assignment.item.interaction_id}/verdicts/"
    got = client.get(url).json()
    assert [(v["rule_name"], v["outcome"], v["line"], v["detail"]) for v in got] == [
        ("Identity before account", "fail", 2, "Your account")
    ]
    client.force_login(agent)
    assert client.get(url).status_code == 403


def test_only_qa_managers_reach_the_rules(
    client, manager, reviewer, lead, agent, identity, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    for person in (reviewer, lead, agent):
        client.force_login(person)
        assert client.get(reverse("reviews:autoqa_rules")).status_code == 403
        assert client.get(reverse("reviews:autoqa_rule_create")).status_code == 403
        assert client.get("/api/autoqa/rules/").status_code == 403
    client.force_login(manager)
    new = reverse("reviews:autoqa_rule_create")
    assert "Criterion it checks" in client.get(new).text
    value = f"{identity.section.rubric.lineage}:{identity.identity}"
    refused = client.post(
        new, {"name": "Greeting", "criterion": value, "kind": "must", "where": "first", "turns": "0"}
    )
    assert refused.status_code == 200 and "The rule was not saved" in refused.text
    assert (
        "Phrases: write at least one phrase." in refused.text
        and "Turns: a number from 1 to 50." in refused.text
    )
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(new, {"name": "Greeting", "criterion": value, "kind": "must", "phrases": "thank you for calling",
                                  "where": "first", "turns": "1", "active": "1"})  # fmt: skip
    rule = TranscriptRule.objects.get(name="Greeting")
    assert saved.status_code == 302 and saved["Location"] == reverse(
        "reviews:autoqa_rule_edit", args=[rule.pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("reviews:autoqa_rules") + "?month=2026-11")
    assert again.status_code == 302
    # The API: the same service and checks.
    created = client.post("/api/autoqa/rules/", {"name": "Closing", "lineage": str(rule.lineage), "criterion": str(rule.criterion),
                                                 "kind": "must", "phrases": ["anything else"], "where": "last", "turns": 2},
                          content_type="application/json")  # fmt: skip
    assert created.status_code == 201 and created.json()["version"] == 1
    bad = client.put(f"/api/autoqa/rules/{created.json()['id']}/", {"name": "Closing", "lineage": str(rule.lineage),
                     "criterion": str(rule.criterion), "kind": "before", "phrases": ["x"]}, content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["errors"] == ["Before what: write at least one phrase."]
    assert [r["name"] for r in client.get("/api/autoqa/rules/").json()] == ["Closing", "Greeting"]


@pytest.mark.parametrize("use_checks", [True, False])
def test_the_risk_share_draws_what_a_reliable_rule_found_missed(
    manager, team, identity, monkeypatch, use_checks
):
    """Interactions a reliable rule found missed count as risky (3 points, as an escalation), with
    the rule named in the reason; not when the policy leaves automatic checks out, and never a
    rule that is not reliable."""
    from reviews import services as review_services
    from reviews.models import ReasonKind, SampleItem
    from reviews.selectors import autoqa as selectors
    from reviews.services.sampling import sampling_policy_get
    from tests.factories import AgentFactory, UserFactory

    UserFactory(username="rev", role="reviewer")
    agent = AgentFactory(username="a1", team=team)
    calls = [
        make_interaction(
            agent, dt.datetime(2026, 11, 1 + i % 28, 9 + i % 8), "phone", transcript=VERIFIED, csat=5
        )
        for i in range(40)
    ]
    missed = [
        make_interaction(agent, dt.datetime(2026, 11, 10 + i, 11), "phone", transcript=UNVERIFIED, csat=5)
        for i in range(2)
    ]
    weak = verification(manager, identity, name="Weak rule", phrases="postcode")  # misses everything
    rule = verification(manager, identity)
    autoqa_check(month=NOV)
    monkeypatch.setattr(selectors, "reliable_rule_ids", lambda month: {rule.pk})  # measured: tested above
    policy = sampling_policy_get()
    policy.risk_auto_checks = use_checks
    policy.save()
    review_services.sample_draw(month=NOV)
    risk = SampleItem.objects.filter(agent=agent, month=NOV, kind=ReasonKind.RISK)
    assert weak.pk != rule.pk and len(calls) == 40
    if use_checks:
        assert {item.interaction_id for item in risk} == {m.pk for m in missed}
        assert {item.reason for item in risk} == {"Risk: missed “Identity before account” (automatic check)"}
        assert {item.risk_score for item in risk} == {3}
    else:
        assert not risk.exists()
