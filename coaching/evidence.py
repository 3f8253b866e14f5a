"""Which lines of a transcript show a missed behaviour: a pure function, no ORM (docs/coaching.md,
"Transcript lines on the agenda").

Transcripts carry no marks of which line a criterion concerns, so the lines are found from what the
reviewer wrote and what the criterion asks:

1. a line holding a phrase the reviewer quoted in the comment ("…", “…”, '…', «…», 「…」) comes
   first;
2. then lines sharing at least two words with the comment, the criterion's behaviour and its
   guidance (words of four letters or more, compared by their first five letters once a plain
   ending such as "-s", "-ed" or "-ing" is taken off, so "verify" meets "verified" and "hear"
   meets "hears"; common words such as "customer" do not count; Chinese, written without spaces,
   by pairs of neighbouring characters), most shared words first;
3. other lines are not shown: a line that does not show the behaviour would mislead more than no
   line (the agenda links the reviews, whose transcripts are a click away).

Only the agent's lines are candidates when the transcript names them ("Agent: …", "Rep: …",
"[00:01:12] Chen: …"); otherwise (an e-mail, no speakers) every line but the customer's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from reviews.transcripts import agent_lines

# Double quotes of any kind may hold apostrophes ("There's"); a single quote opens and closes
# only beside a non-letter, so the apostrophe in "can't" is not a quote.
QUOTED = re.compile(r"[\"“”«]([^\"“”«»]{6,}?)[\"”“»]|(?<!\w)[‘']((?:[^‘’']|\b'\b){6,}?)[’'](?!\w)")
# Chinese quotes hold short phrases (“不知道”, 「稍等」): two characters are enough there.
QUOTED_WIDE = re.compile(r"[“「『]([^“”「」『』]{2,}?)[”」』]")
WORD = re.compile(r"[^\W\d_\u2e80-\u9fff]{4,}")  # a word of a spaced script (not Chinese)
WIDE = re.compile(r"[\u3400-\u9fff]{2,}")  # a run of Chinese characters: compared by character pairs
STEM = 5
MAX_CHARS = 200
# Words that say nothing of the behaviour: they turn up in every transcript and every rubric.
COMMON = frozenset(
    {
        "agent", "customer", "customers", "client", "caller", "contact", "thank", "thanks", "please",
        "that", "this", "with", "have", "will", "your", "they", "them", "their", "there", "what",
        "when", "where", "which", "would", "could", "should", "about", "from", "into", "just", "here",
        "every", "each", "than", "then", "also", "only", "very", "been", "were", "does", "done",
        "make", "sure", "today", "missed", "guidance", "partly", "review", "reviewer", "criterion",
        "answer", "means", "words", "word", "time", "first", "before", "after", "well",
    }
)  # fmt: skip


# Chinese pairs that say nothing of the behaviour (客户, 您好, 没有 …).
COMMON_WIDE = frozenset(
    {
        "客户", "坐席", "客服", "您好", "你好", "谢谢", "感谢", "请问", "我们", "您的", "你的", "一下", "可以",
        "没有", "这个", "那个", "什么", "是否", "评分", "质检", "说明", "时候", "已经", "因为", "所以", "如果",
        "就是", "不是", "还有", "来电", "帮您", "为您", "您是", "是的", "好的", "的话", "一个", "问题",
    }
)  # fmt: skip

MIN_SHARED = 2  # one shared word ("check" in "checklist") says too little


@dataclass(frozen=True)
class Line:
    """A line found as evidence (reviews.transcripts reads the transcript)."""

    number: int  # 1-based, in the transcript
    text: str
    speaker: str  # "" when the transcript names no speaker
    quoted: bool = False  # holds a phrase the reviewer quoted
    shared: int = 0  # words shared with the comment and the criterion

    @property
    def strength(self) -> tuple:
        """Sorts the strongest evidence first (then by position)."""
        return (not self.quoted, -self.shared)


SUFFIXES = ("ing", "ies", "ed", "es", "ly", "s")


def _stem(word: str) -> str:
    """A word's first five letters once a plain English ending is taken off: "hears" and "hear",
    "verifies" and "verify", "checked" and "checks" meet."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:STEM]


def _stems(text: str) -> set[str]:
    """The words to compare: stems of words of four letters or more, and in Chinese (written
    without spaces) each pair of neighbouring characters ("确认客户理解" → 确认, 认客, 户理, 理解)."""
    stems = {_stem(w) for w in (m.lower() for m in WORD.findall(text or "")) if w not in COMMON}
    for run in WIDE.findall(text or ""):
        stems.update(
            pair for pair in (run[i : i + 2] for i in range(len(run) - 1)) if pair not in COMMON_WIDE
        )
    return stems


def quoted_phrases(comment: str) -> list[str]:
    phrases = [q for pair in QUOTED.findall(comment or "") for q in pair]
    phrases += QUOTED_WIDE.findall(comment or "")
    return list(dict.fromkeys(q.strip().lower() for q in phrases if q.strip()))


def evidence_lines(
    transcript: str, *, comments: Iterable[str] = (), about: Iterable[str] = (), names: Iterable[str] = (),
    limit: int = 2,
) -> list[Line]:  # fmt: skip
    """Up to `limit` of the agent's lines that show the behaviour, in transcript order; `comments`
    are the reviewer's comments on the criterion, `about` its behaviour and guidance."""
    comments = [c for c in comments if c]
    quotes = [q for c in comments for q in quoted_phrases(c)]
    wanted = set().union(*(_stems(t) for t in [*comments, *about])) if (comments or about) else set()
    scored = []
    for line in agent_lines(transcript, names):
        lowered = line.text.lower()
        quoted = any(q in lowered for q in quotes)
        shared = len(_stems(line.text) & wanted)
        if quoted or shared >= MIN_SHARED:
            text = line.text if len(line.text) <= MAX_CHARS else line.text[: MAX_CHARS - 1] + "…"
            scored.append(Line(line.number, text, line.speaker, quoted, shared))
    chosen = sorted(scored, key=lambda line: (line.strength, line.number))[:limit]
    return sorted(chosen, key=lambda line: line.number)
