"""Transcript lines that show a missed behaviour (coaching/evidence.py; docs/coaching.md)."""

from coaching.evidence import agent_lines, evidence_lines, quoted_phrases

CALL = """Agent: Thank you for calling, my name is Chen. How can I help?
Customer: I was charged twice for my October bill.
Agent: I'm sorry to hear that. Let me check your account.
Agent: Can you confirm your date of birth so I can verify your identity?
Customer: Why do you need that? I'm annoyed.
Agent: There's nothing more I can do today, sorry."""


def texts(lines):
    return [line.text for line in lines]


def test_a_line_the_reviewer_quoted_comes_first():
    lines = evidence_lines(
        CALL,
        comments=["Closed with “There's nothing more I can do today”: no next step."],
        about=["Offers a solution that fits the customer's problem"],
        limit=1,
    )
    assert texts(lines) == ["Agent: There's nothing more I can do today, sorry."]
    assert lines[0].number == 6


def test_lines_sharing_words_with_the_criterion_are_found_by_stem():
    lines = evidence_lines(
        CALL, about=["Verifies the customer's identity before discussing the account", "Ask two questions."]
    )
    # "verify" meets "Verifies" and "identity" is shared; "customer" does not count. The line with
    # "account" alone shares one word: too little to show.
    assert texts(lines) == ["Agent: Can you confirm your date of birth so I can verify your identity?"]
    assert lines[0].number == 4 and lines[0].shared == 2


def test_the_customers_lines_are_never_evidence_of_the_agent():
    # The customer's "need … annoyed" shares two words as the agent's "sorry to hear" does.
    lines = evidence_lines(
        CALL, about=["Hears that the customer is annoyed, says sorry for the need"], limit=5
    )
    assert texts(lines) == ["Agent: I'm sorry to hear that. Let me check your account."]


def test_nothing_in_common_shows_no_line_rather_than_a_misleading_one():
    assert evidence_lines(CALL, about=["Sets up follow-up with a ticket"], comments=["Missed here."]) == []
    assert evidence_lines("", about=["identity"]) == []


def test_speakers_with_time_stamps_and_the_agents_name():
    chat = (
        "[10:02] Chen Smith: Hello! I will verify your identity first.\n[10:03] Maria: ok my identity is fine"
    )
    lines = evidence_lines(chat, about=["Verifies identity"], names=["Chen Smith", "Chen"])
    assert texts(lines) == ["[10:02] Chen Smith: Hello! I will verify your identity first."]


def test_an_email_without_speakers_offers_every_line_but_the_customers():
    email = "Re: your refund\nDear Ms Lee,\nYour refund was issued today and reaches your card within 5 days.\nKind regards"
    assert [line.number for line in agent_lines(email)] == [1, 2, 3, 4]
    lines = evidence_lines(email, about=["Explains when the refund reaches the customer"], limit=1)
    assert [line.number for line in lines] == [3]


def test_long_lines_are_cut_and_quotes_of_every_kind_are_read():
    said = "He said \"no can do, bye\", «pas possible», “There's nothing”, 'can't help you' and didn't."
    assert quoted_phrases(said) == ["no can do, bye", "pas possible", "there's nothing", "can't help you"]
    (line,) = evidence_lines("Agent: verify identity " + "x" * 300, about=["verify identity"])
    assert len(line.text) == 200 and line.text.endswith("…")


def test_the_example_in_docs_coaching_md():
    call = "\n".join([*CALL.splitlines()[:3], CALL.splitlines()[5]])
    lines = evidence_lines(
        call,
        comments=["Closed with “There's nothing more I can do today”: no next step."],
        about=[
            "Offers a solution that fits the customer's problem",
            "0 = no or wrong solution; 4 = right solution, fully explained, first time.",
        ],
    )
    assert [(line.number, line.text) for line in lines] == [
        (4, "Agent: There's nothing more I can do today, sorry.")
    ]


CHINESE_CALL = """坐席：您好，这里是客服中心，请问有什么可以帮您？
客户：我这个月的账单被重复扣款了，确认一下是怎么回事。
坐席：非常抱歉给您带来不便，我先核实一下您的身份。
坐席：我跟您确认一下，后续的退款流程您理解了吗？
客户：理解了，谢谢。
坐席：稍等，今天我这边没办法处理了。"""


def test_a_chinese_transcript_its_speakers_quotes_and_words():
    """坐席：/客户： are the agent and the customer; 「…」 and “…” quote short phrases; words
    written without spaces are compared by pairs of neighbouring characters."""
    assert [line.number for line in agent_lines(CHINESE_CALL)] == [1, 3, 4, 6]
    assert quoted_phrases("结束语「没办法处理」，也没有“下一步”") == ["没办法处理", "下一步"]
    quoted = evidence_lines(CHINESE_CALL, comments=["以「没办法处理」结束：没有给出下一步。"], limit=1)
    assert texts(quoted) == ["坐席：稍等，今天我这边没办法处理了。"]
    # 确认 and 理解 are shared with the comment: line 4. The customer's line 2 (确认) and line 5
    # (理解) are never the agent's evidence; line 1 shares only common pairs (客户, 请问 …).
    found = evidence_lines(
        CHINESE_CALL, comments=["没有确认客户是否理解后续步骤"], about=["确认客户理解了下一步"]
    )
    assert [line.number for line in found] == [4] and found[0].shared >= 2
    assert evidence_lines(CHINESE_CALL, comments=["语速太快"]) == []  # nothing in common: no line
