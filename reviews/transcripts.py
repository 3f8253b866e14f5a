"""A transcript read line by line: each line's number, who spoke and what was said. The pages
show it this way (the scoring page quotes what was said) and coaching finds evidence in it."""

from __future__ import annotations

import re
from typing import NamedTuple

# An optional time stamp, then a speaker of up to four words, then a colon (with a space after
# it) or a full-width colon (Chinese text, usually without one):
# "Agent: …", "[10:02] Chen Smith: …", "(00:01:12) Customer: …", "坐席：您好", "[10:02] 客户： …".
SPEAKER = re.compile(
    r"^\s*(?:[\[(]?(\d{1,2}:\d{2}(?::\d{2})?)[\])]?\s*)?([^\W\d][\w .'-]{0,40}?)\s*(:\s+|：\s*)(.*)$"
)
MAX_SPEAKER_WORDS = 4
MAX_CJK_SPEAKER = 10  # characters before a full-width colon: a name or role, not a sentence


# Who is the agent and who the customer, when a transcript names roles rather than people.
AGENT_LABELS = frozenset(
    {"agent", "rep", "representative", "advisor", "adviser", "associate", "operator",
     "坐席", "座席", "客服", "客服代表", "人工客服", "话务员"}
)  # fmt: skip
CUSTOMER_LABELS = frozenset(
    {
        "customer",
        "caller",
        "client",
        "member",
        "visitor",
        "user",
        "客户",
        "顾客",
        "用户",
        "来电人",
        "访客",
        "会员",
    }
)


class TranscriptLine(NamedTuple):  # a tuple: a month of transcripts makes millions of them
    number: int  # 1-based, blank lines counted: "line 4" is the fourth line of the text
    text: str  # the line as written (trimmed)
    speaker: str  # lower case; "" when the line names no speaker
    speech: str  # what was said, without time stamp and speaker
    at: int | None = None  # its time stamp in seconds ("[01:05]" = 65, "(1:02:03)" = 3723), if any


def _seconds(stamp: str | None) -> int | None:
    """A time stamp read as [h:]mm:ss from the start of the contact."""
    if not stamp:
        return None
    seconds = 0
    for part in stamp.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def transcript_lines(transcript: str) -> list[TranscriptLine]:
    """The transcript's non-blank lines. (Written for speed: the automatic checks read every
    transcript of a month.)"""
    lines = []
    append, match_speaker, line = lines.append, SPEAKER.match, TranscriptLine
    for number, raw in enumerate((transcript or "").splitlines(), start=1):
        text = raw.strip()
        if not text:
            continue
        match = match_speaker(text)
        if match is not None:
            stamp, speaker, colon, speech = match.groups()
            speaker = speaker.strip()
            if (colon[0] == ":" or len(speaker) <= MAX_CJK_SPEAKER) and (
                " " not in speaker or len(speaker.split()) <= MAX_SPEAKER_WORDS
            ):
                append(line(number, text, speaker.lower(), speech, _seconds(stamp) if stamp else None))
                continue
        append(line(number, text, "", text))
    return lines


def agent_lines(transcript: str | list[TranscriptLine], names=()) -> list[TranscriptLine]:
    """The agent's lines: those spoken by an agent label or one of `names` (the agent's first
    name, full name, username). When no line is the agent's by name (no speakers at all, or
    speakers not known here, or an e-mail's "Re:"), every line but the customer's."""
    lines = transcript_lines(transcript) if isinstance(transcript, str) else transcript
    labels = AGENT_LABELS | {n.strip().lower() for n in names if n and n.strip()}
    own = [line for line in lines if line.speaker in labels]
    return own or [line for line in lines if line.speaker not in CUSTOMER_LABELS]


def customer_lines(lines: list[TranscriptLine]) -> list[TranscriptLine]:
    return [line for line in lines if line.speaker in CUSTOMER_LABELS]
