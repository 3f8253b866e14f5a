"""Transcript rules (reviews/autoqa.py; docs/autoqa.md): every kind, in English and in Chinese."""

import pytest

from reviews.autoqa import Kind, Outcome, Rule, Verdict, compile_phrases, evaluate, problems
from reviews.transcripts import transcript_lines

CALL = transcript_lines(
    """[00:00] Agent: Thank you for calling Northwind Bank, this is Chen. How can I help?
[00:06] Customer: I was charged twice and I'm really upset about it.
[00:12] Agent: I'm sorry to hear that. Can you confirm your date of birth?
[00:20] Customer: 4 May 1990.
[00:31] Agent: Thanks. Your account shows two payments of 40 pounds.
[01:45] Agent: I have refunded the second one. Is there anything else I can help with?
[01:50] Customer: No, thanks."""
)

CHINESE = transcript_lines(
    """坐席：您好，感谢致电北风银行，我是小陈，请问有什么可以帮您？
客户：我被重复扣款了，真的很生气。
坐席：您的账户显示有两笔 40 元的扣款。
坐席：请问还有其他可以帮您的吗？"""
)


def test_must_in_the_agents_first_turn():
    greeting = Rule(Kind.MUST, ("thank you for calling * bank",), where="first", turns=1)
    assert evaluate(greeting, CALL) == Verdict(Outcome.PASS, 1, "Thank you for calling Northwind Bank")
    late = Rule(Kind.MUST, ("anything else",), where="first", turns=1)
    assert evaluate(late, CALL) == Verdict(Outcome.FAIL, 1)  # said, but not in the first turn
    assert evaluate(Rule(Kind.MUST, ("anything else",), where="last", turns=1), CALL).outcome == Outcome.PASS
    chinese = Rule(Kind.MUST, ("感谢致电*银行",), where="first", turns=1)
    assert evaluate(chinese, CHINESE) == Verdict(Outcome.PASS, 1, "感谢致电北风银行")


def test_must_not_finds_the_first_forbidden_phrase_in_the_speakers_turns_only():
    never = Rule(Kind.MUST_NOT, ("upset", "calm down"))
    assert evaluate(never, CALL) == Verdict(Outcome.PASS)  # the customer said "upset", not the agent
    assert evaluate(Rule(Kind.MUST_NOT, ("upset",), speaker="any"), CALL) == Verdict(Outcome.FAIL, 2, "upset")
    assert evaluate(Rule(Kind.MUST_NOT, ("生气",), speaker="customer"), CHINESE) == Verdict(
        Outcome.FAIL, 2, "生气"
    )


def test_before_verifying_identity_before_account_details():
    rule = Rule(Kind.BEFORE, ("date of birth", "出生日期"), until=("your account", "您的账户"))
    assert evaluate(rule, CALL) == Verdict(Outcome.PASS, 3, "date of birth")
    assert evaluate(rule, CHINESE) == Verdict(Outcome.FAIL, 3, "您的账户")  # the account came first
    assert evaluate(rule, CALL[:2]) == Verdict(Outcome.NA)  # no account details: nothing to check


def test_after_an_empathy_phrase_follows_a_complaint():
    rule = Rule(Kind.AFTER, ("sorry to hear", "抱歉"), trigger=("upset", "生气"), turns=1)
    assert evaluate(rule, CALL) == Verdict(Outcome.PASS, 3, "sorry to hear")
    assert evaluate(rule, CHINESE) == Verdict(Outcome.FAIL, 2, "生气")
    calm = Rule(Kind.AFTER, ("sorry",), trigger=("angry",), turns=1)
    assert evaluate(calm, CALL) == Verdict(Outcome.NA)


def test_silence_between_time_stamps():
    assert evaluate(Rule(Kind.SILENCE, seconds=60), CALL) == Verdict(Outcome.FAIL, 6, "74 s")
    assert evaluate(Rule(Kind.SILENCE, seconds=90), CALL) == Verdict(Outcome.PASS)
    assert evaluate(Rule(Kind.SILENCE, seconds=60), CHINESE) == Verdict(Outcome.NA)  # no time stamps


def test_phrases_match_whole_words_in_latin_text_and_anywhere_in_chinese():
    pattern = compile_phrases(["help", "您好"])
    assert pattern.search("How can I HELP?") and not pattern.search("that was helpful")
    assert pattern.search("坐席说：您好，请问")
    spaced = compile_phrases(["thank   you"])
    assert spaced.search("Thank\tyou") and not spaced.search("thankyou")
    # Only literal text and a bounded "*": characters that mean something to a regex are literal.
    assert compile_phrases(["(a+)+$"]).search("x (a+)+$ y") and not compile_phrases(["a.c"]).search("abc")
    assert compile_phrases(["", "  ", "*"]) is None


def test_a_rule_is_checked_before_it_is_saved():
    assert problems(Rule(Kind.MUST, ("hello",))) == []
    assert problems(Rule(Kind.MUST, ())) == ["Phrases: write at least one phrase."]
    assert problems(Rule(Kind.BEFORE, ("a",))) == ["Before what: write at least one phrase."]
    assert problems(Rule(Kind.MUST, ("a",), where="first", turns=0)) == ["Turns: a number from 1 to 50."]
    assert problems(Rule(Kind.SILENCE, seconds=0)) == ["Seconds: a number from 1 to 3600."]
    assert problems(Rule("maybe", ("a",))) == ["“maybe” is not a kind of rule."]
    assert "longer than 200 characters" in problems(Rule(Kind.MUST, ("x" * 201,)))[0]


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_transcript_is_not_judged(text):
    assert evaluate(Rule(Kind.MUST_NOT, ("x",)), transcript_lines(text)) == Verdict(Outcome.NA)


def test_agreement_worked_example_of_docs_autoqa_md():
    from reviews.autoqa import RuleAgreement, rule_agreement

    pairs = [(True, True)] * 12 + [(True, False)] * 3 + [(False, True)] * 5 + [(False, False)] * 30
    good = rule_agreement(pairs)
    assert good == RuleAgreement(both=12, rule_only=3, reviewer_only=5, neither=30) and good.n == 50
    assert good.agreement.value == 0.84
    assert [round(x, 4) for x in good.agreement.interval] == [0.7149, 0.9166]
    assert round(good.kappa, 4) == 0.6330  # (0.84 − 0.564) ÷ (1 − 0.564)
    assert [round(x, 4) for x in good.kappa_interval] == [0.4000, 0.8661]
    assert (good.precision.value, round(good.recall.value, 4)) == (0.8, 0.7059)
    assert good.reliable
    weak = RuleAgreement(both=4, rule_only=10, reviewer_only=2, neither=24)
    assert (weak.agreement.value, round(weak.kappa, 4), round(weak.precision.value, 4)) == (
        0.7,
        0.2405,
        0.2857,
    )
    assert not weak.reliable  # agrees 70 % of the time, mostly where nothing was missed
    assert not RuleAgreement(12, 0, 0, 6).reliable  # kappa 1.0, but only 18 pairs
    # Nothing to measure: "—", never 0.
    empty = RuleAgreement(0, 0, 0, 0)
    assert empty.kappa is None and empty.agreement.value is None and empty.agreement.interval is None
    assert RuleAgreement(0, 0, 0, 10).kappa is None  # both always said "met": chance explains it all
