"""A transcript read line by line: each line's number, who spoke and what was said. The pages
show it this way (the scoring page quotes what was said) and coaching finds evidence in it."""

from __future__ import annotations

import re
from dataclasses import dataclass

# An optional time stamp, then a speaker of up to four words, then a colon:
# "Agent: …", "[10:02] Chen Smith: …", "(00:01:12) Customer: …".
SPEAKER = re.compile(r"^\s*(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?\s*)?([^\W\d][\w .'-]{0,40}?)\s*:\s+(.*)$")
MAX_SPEAKER_WORDS = 4


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
        if match and len(match.group(1).split()) <= MAX_SPEAKER_WORDS:
            lines.append(TranscriptLine(number, text, match.group(1).strip().lower(), match.group(2)))
        else:
            lines.append(TranscriptLine(number, text, "", text))
    return lines
