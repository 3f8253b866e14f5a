"""A transcript read line by line: each line's number, who spoke and what was said. The pages
show it this way (the scoring page quotes what was said) and coaching finds evidence in it."""

from __future__ import annotations

import re
from dataclasses import dataclass

# An optional time stamp, then a speaker of up to four words, then a colon (with a space after
# it) or a full-width colon (Chinese text, usually without one):
# "Agent: …", "[10:02] Chen Smith: …", "(00:01:12) Customer: …", "坐席：您好", "[10:02] 客户： …".
SPEAKER = re.compile(
    r"^\s*(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?\s*)?([^\W\d][\w .'-]{0,40}?)\s*(:\s+|：\s*)(.*)$"
)
MAX_SPEAKER_WORDS = 4
MAX_CJK_SPEAKER = 10  # characters before a full-width colon: a name or role, not a sentence


@dataclass(frozen=True)
class TranscriptLine:
    number: int  # 1-based, blank lines counted: "line 4" is the fourth line of the text
    text: str  # the line as written (trimmed)
    speaker: str  # lower case; "" when the line names no speaker
    speech: str  # what was said, without time stamp and speaker


def transcript_lines(transcript: str) -> list[TranscriptLine]:
    """The transcript's non-blank lines."""
    lines = []
    for number, raw in enumerate((transcript or "").splitlines(), start=1):
        text = raw.strip()
        if not text:
            continue
        match = SPEAKER.match(text)
        speaker = match.group(1).strip() if match else ""
        if (
            match
            and len(speaker.split()) <= MAX_SPEAKER_WORDS
            and (match.group(2).startswith(":") or len(speaker) <= MAX_CJK_SPEAKER)
        ):
            lines.append(TranscriptLine(number, text, speaker.lower(), match.group(3)))
        else:
            lines.append(TranscriptLine(number, text, "", text))
    return lines
