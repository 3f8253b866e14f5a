"""Transcripts and rules for the autoqa benchmarks: calls of about N lines, half in English and half
in Chinese, with time stamps, where each checked behaviour is present in most calls and missing
in some."""

import random

from reviews.autoqa import Kind, Rule

RULES = [
    Rule(Kind.MUST, ("thank you for calling * bank", "感谢致电*银行"), where="first", turns=1),
    Rule(Kind.BEFORE, ("date of birth", "出生日期"), until=("your account", "您的账户")),
    Rule(Kind.AFTER, ("sorry to hear", "抱歉"), trigger=("upset", "complain", "生气", "投诉"), turns=1),
    Rule(Kind.MUST, ("anything else", "还有其他"), where="last", turns=2),
    Rule(Kind.MUST_NOT, ("calm down", "not my problem", "冷静一下", "不关我的事")),
    Rule(Kind.SILENCE, seconds=60),
]

EN = {
    "greet": "Thank you for calling Northwind Bank, this is {name}. How can I help?",
    "greet_bad": "Hello, {name} speaking.",
    "upset": "I was charged twice and I'm really upset about it.",
    "sorry": "I'm so sorry to hear that, let me sort it out.",
    "dob": "Can you confirm your date of birth, please?",
    "account": "Your account shows two payments of {n} pounds.",
    "filler_agent": ["Let me check that for you.", "One moment while I look at the notes.",
                     "I can see the order from {n} days ago.", "That has been updated now."],
    "filler_customer": ["Okay.", "Sure, go ahead.", "It was on the {n}th.", "Yes, that one."],
    "close": "Is there anything else I can help you with today?",
    "bad": "You need to calm down.",
    "agent": "Agent", "customer": "Customer",
}  # fmt: skip
ZH = {
    "greet": "您好，感谢致电北风银行，我是{name}，请问有什么可以帮您？",
    "greet_bad": "喂，{name}。",
    "upset": "我被重复扣款了，真的很生气。",
    "sorry": "非常抱歉给您带来不便，我马上处理。",
    "dob": "请您提供一下出生日期，谢谢。",
    "account": "您的账户显示有两笔 {n} 元的扣款。",
    "filler_agent": ["我帮您查一下。", "请稍等，我看一下备注。", "我看到了{n}天前的订单。", "已经为您更新好了。"],
    "filler_customer": ["好的。", "可以，你说。", "是{n}号那天。", "对，就是那一笔。"],
    "close": "请问还有其他可以帮您的吗？",
    "bad": "您先冷静一下。",
    "agent": "坐席", "customer": "客户",
}  # fmt: skip


def transcript(rng: random.Random, lines: int, words: dict) -> str:
    at, out = 0, []

    def say(who, text):
        nonlocal at
        stamp = f"[{at // 60:02d}:{at % 60:02d}] "
        out.append(f"{stamp}{words[who]}{'：' if words is ZH else ': '}{text}")
        at += rng.randint(3, 40) if rng.random() > 0.05 else rng.randint(61, 120)

    n = rng.randint(2, 30)
    say("agent", (words["greet"] if rng.random() < 0.9 else words["greet_bad"]).format(name="Chen", n=n))
    upset = rng.random() < 0.3
    if upset:
        say("customer", words["upset"])
        if rng.random() < 0.8:
            say("agent", words["sorry"])
    verify_first = rng.random() < 0.85
    if verify_first:
        say("agent", words["dob"])
        say("customer", "1990-05-04")
    say("agent", words["account"].format(n=n))
    if not verify_first:
        say("agent", words["dob"])
    while len(out) < lines - 2:
        say("agent", rng.choice(words["filler_agent"]).format(n=n))
        say("customer", rng.choice(words["filler_customer"]).format(n=n))
    if rng.random() < 0.05:
        say("agent", words["bad"])
    if rng.random() < 0.8:
        say("agent", words["close"])
    say("customer", rng.choice(words["filler_customer"]).format(n=n))
    return "\n".join(out)


def transcripts(count: int, lines: int = 20, seed: int = 20) -> list[str]:
    rng = random.Random(seed)
    return [transcript(rng, lines, ZH if i % 2 else EN) for i in range(count)]
