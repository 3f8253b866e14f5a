"""Transcript rules: a criterion checked automatically on every interaction with a transcript
(docs/autoqa.md). Pure functions, no ORM: a rule and a transcript's lines in, a verdict out.

A rule is one of

- **must**: one of its phrases appears in the speaker's turns (in their first or last N turns,
  or anywhere); fails when none does;
- **must not**: none of its phrases appears there; fails on the first that does;
- **before**: one of its phrases appears in the speaker's turns before the first line (anyone's)
  holding one of the `until` phrases — "verifies identity before account details"; N/A when no
  line holds an `until` phrase;
- **after**: each time the customer says one of the `trigger` phrases, one of its phrases follows
  in the agent's next N turns — "an empathy phrase after a complaint"; N/A without a trigger;
- **silence**: no gap between the time stamps of two turns is longer than `seconds`; N/A when
  the transcript carries fewer than two time stamps.

Phrases are plain text, matched without regard to case, with any run of spaces matching any run
of spaces; `*` stands for up to 40 characters of the same line ("thank you for calling * bank").
A phrase that starts or ends with a Latin letter or digit matches only at a word's edge there
("help" is not found in "helpful"), and nowhere else is an edge assumed: Chinese text, written
without spaces, matches anywhere ("您好" in "您好，请问"). No other pattern syntax exists, so no
rule can make the matcher backtrack for ever.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise

from django.utils.translation import gettext_lazy as _

from .transcripts import CUSTOMER_LABELS, TranscriptLine, agent_lines

MAX_PHRASES = 50
MAX_PHRASE_CHARS = 200
MAX_TURNS = 50
GAP = ".{0,40}?"  # what "*" stands for


class Kind(StrEnum):
    MUST = "must"
    MUST_NOT = "must_not"
    BEFORE = "before"
    AFTER = "after"
    SILENCE = "silence"


KIND_LABELS = {
    Kind.MUST: _("must be said"),
    Kind.MUST_NOT: _("must never be said"),
    Kind.BEFORE: _("must be said before"),
    Kind.AFTER: _("must follow"),
    Kind.SILENCE: _("no silence longer than"),
}


class Speaker(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    ANY = "any"


class Where(StrEnum):
    ANYWHERE = "anywhere"
    FIRST = "first"
    LAST = "last"


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NA = "na"  # the rule does not apply to this interaction


@dataclass(frozen=True)
class Rule:
    kind: str
    phrases: tuple[str, ...] = ()
    speaker: str = Speaker.AGENT
    where: str = Where.ANYWHERE
    turns: int = 0  # N for first / last N turns, and for "after": the agent's next N turns
    until: tuple[str, ...] = ()  # before: the phrases that end the window
    trigger: tuple[str, ...] = ()  # after: what the customer says that calls for the phrases
    seconds: int = 0  # silence: the longest gap allowed
    compiled: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def pattern(self, name: str = "phrases") -> re.Pattern | None:
        """The rule's phrases (or its `until` / `trigger` phrases) as one compiled pattern."""
        if name not in self.compiled:
            self.compiled[name] = compile_phrases(getattr(self, name))
        return self.compiled[name]


@dataclass(frozen=True)
class Verdict:
    outcome: str
    line: int | None = None  # the transcript line that decided it (1-based), if one did
    detail: str = ""  # what was found or missed, for the reviewer


_EDGE = re.compile(r"[A-Za-z0-9]")


def phrase_regex(phrase: str) -> str:
    """One phrase as a regular expression (see the module's docstring)."""
    text = " ".join(phrase.split())
    parts = [re.escape(part) for part in text.split("*")]
    body = GAP.join(r"\s+".join(p.split(r"\ ")) for p in parts)
    if text and _EDGE.match(text[0]):
        body = r"(?<![A-Za-z0-9])" + body
    if text and _EDGE.match(text[-1]):
        body += r"(?![A-Za-z0-9])"
    return body


def compile_phrases(phrases) -> re.Pattern | None:
    cleaned = [p for p in (" ".join((p or "").split()) for p in phrases) if p.strip("* ")]
    if not cleaned:
        return None
    return re.compile("|".join(f"(?:{phrase_regex(p)})" for p in cleaned), re.IGNORECASE)


def problems(rule: Rule) -> list[str]:
    """What is wrong with a rule, in words for the person writing it (empty when it can run)."""
    found = []
    if rule.kind not in Kind.__members__.values():
        return [str(_("“%(kind)s” is not a kind of rule.") % {"kind": rule.kind})]
    lists = {"phrases": rule.phrases, "until": rule.until, "trigger": rule.trigger}
    needed = {"phrases": rule.kind != Kind.SILENCE, "until": rule.kind == Kind.BEFORE,
              "trigger": rule.kind == Kind.AFTER}  # fmt: skip
    labels = {"phrases": _("Phrases"), "until": _("Before what"), "trigger": _("After what")}
    for name, phrases in lists.items():
        real = [p for p in phrases if (p or "").strip("* ")]
        if needed[name] and not real:
            found.append(str(_("%(field)s: write at least one phrase.") % {"field": labels[name]}))
        if len(real) > MAX_PHRASES:
            found.append(
                str(_("%(field)s: at most %(n)s phrases.") % {"field": labels[name], "n": MAX_PHRASES})
            )
        for phrase in real:
            if len(phrase) > MAX_PHRASE_CHARS:
                found.append(
                    str(
                        _("%(field)s: “%(start)s…” is longer than %(n)s characters.")
                        % {"field": labels[name], "start": phrase[:20], "n": MAX_PHRASE_CHARS}
                    )
                )
    if rule.speaker not in Speaker.__members__.values():
        found.append(str(_("“%(value)s” is not a speaker.") % {"value": rule.speaker}))
    if rule.where not in Where.__members__.values():
        found.append(str(_("“%(value)s” is not a place in the conversation.") % {"value": rule.where}))
    if (rule.where != Where.ANYWHERE or rule.kind == Kind.AFTER) and not 1 <= rule.turns <= MAX_TURNS:
        found.append(str(_("Turns: a number from 1 to %(n)s.") % {"n": MAX_TURNS}))
    if rule.kind == Kind.SILENCE and not 1 <= rule.seconds <= 3600:
        found.append(str(_("Seconds: a number from 1 to 3600.")))
    return found


def _speakers_lines(lines: list[TranscriptLine], speaker: str, names) -> list[TranscriptLine]:
    if speaker == Speaker.AGENT:
        return agent_lines(lines, names)
    if speaker == Speaker.CUSTOMER:
        return [line for line in lines if line.speaker in CUSTOMER_LABELS]
    return lines


def _window(turns: list[TranscriptLine], rule: Rule) -> list[TranscriptLine]:
    if rule.where == Where.FIRST:
        return turns[: rule.turns]
    if rule.where == Where.LAST:
        return turns[-rule.turns :] if rule.turns else []
    return turns


def _first(pattern: re.Pattern, lines) -> tuple[TranscriptLine, str] | None:
    for line in lines:
        found = pattern.search(line.speech)
        if found:
            return line, found.group(0)
    return None


class Turns:
    """A transcript's lines with each speaker's turns worked out once, for all the rules."""

    __slots__ = ("_by", "lines", "names")

    def __init__(self, lines: list[TranscriptLine], names=()):
        self.lines, self.names, self._by = lines, names, {}

    def of(self, speaker: str) -> list[TranscriptLine]:
        if speaker not in self._by:
            self._by[speaker] = _speakers_lines(self.lines, speaker, self.names)
        return self._by[speaker]


def evaluate(rule: Rule, lines: list[TranscriptLine] | Turns, names=()) -> Verdict:
    """The rule's verdict on a transcript (its lines, or its Turns to share between rules;
    `names`: the agent's names as speakers)."""
    turns_of = lines if isinstance(lines, Turns) else Turns(lines, names)
    lines = turns_of.lines
    if not lines:
        return Verdict(Outcome.NA)
    if rule.kind == Kind.SILENCE:
        return _silence(rule, lines)
    turns = turns_of.of(rule.speaker)
    pattern = rule.pattern()
    if rule.kind in (Kind.MUST, Kind.MUST_NOT):
        window = _window(turns, rule)
        if not window:
            return Verdict(Outcome.NA)
        found = _first(pattern, window)
        if rule.kind == Kind.MUST:
            return (
                Verdict(Outcome.PASS, found[0].number, found[1])
                if found
                else Verdict(Outcome.FAIL, window[-1].number)
            )
        return Verdict(Outcome.FAIL, found[0].number, found[1]) if found else Verdict(Outcome.PASS)
    if rule.kind == Kind.BEFORE:
        end = _first(rule.pattern("until"), lines)
        if end is None:
            return Verdict(Outcome.NA)
        found = _first(pattern, [line for line in turns if line.number < end[0].number])
        return (
            Verdict(Outcome.PASS, found[0].number, found[1])
            if found
            else Verdict(Outcome.FAIL, end[0].number, end[1])
        )
    # AFTER: every trigger the customer says is answered in the agent's next N turns
    mine = turns_of.of(Speaker.AGENT)
    said = turns_of.of(Speaker.CUSTOMER) or [line for line in lines if line not in mine]
    trigger, answered = rule.pattern("trigger"), None
    for line in said:
        cause = trigger.search(line.speech)
        if not cause:
            continue
        following = [turn for turn in mine if turn.number > line.number][: rule.turns]
        answered = _first(pattern, following)
        if answered is None:
            return Verdict(Outcome.FAIL, line.number, cause.group(0))
    if answered is None:
        return Verdict(Outcome.NA)
    return Verdict(Outcome.PASS, answered[0].number, answered[1])


def _silence(rule: Rule, lines: list[TranscriptLine]) -> Verdict:
    timed = [line for line in lines if line.at is not None]
    if len(timed) < 2:
        return Verdict(Outcome.NA)
    for before, after in pairwise(timed):
        gap = after.at - before.at
        if gap > rule.seconds:
            return Verdict(Outcome.FAIL, after.number, f"{gap} s")
    return Verdict(Outcome.PASS)


# -- agreement with the reviewers ---------------------------------------------------------------------

Z95 = 1.959964
RELIABLE_KAPPA = 0.60  # "substantial" agreement (Landis & Koch)
RELIABLE_N = 20  # pairs at least, before a rule's agreement is trusted


@dataclass(frozen=True)
class Share:
    """A proportion with its 95 % Wilson interval; None (shown "—") when n = 0."""

    hits: int
    n: int

    @property
    def value(self) -> float | None:
        return self.hits / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.n:
            return None
        p, n, z = self.hits / self.n, self.n, Z95
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
        return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class RuleAgreement:
    """A rule's verdicts against the reviewers' answers on the same interactions and criterion:
    `both` missed, `rule_only` (the rule said missed, the reviewer met), `reviewer_only`, `neither`."""

    both: int
    rule_only: int
    reviewer_only: int
    neither: int

    @property
    def n(self) -> int:
        return self.both + self.rule_only + self.reviewer_only + self.neither

    @property
    def agreement(self) -> Share:
        return Share(self.both + self.neither, self.n)

    @property
    def precision(self) -> Share:
        """Of the interactions the rule said missed, the share the reviewer said missed."""
        return Share(self.both, self.both + self.rule_only)

    @property
    def recall(self) -> Share:
        """Of the interactions the reviewer said missed, the share the rule caught."""
        return Share(self.both, self.both + self.reviewer_only)

    def _chance(self) -> float:
        n = self.n
        rule_missed, reviewer_missed = (self.both + self.rule_only) / n, (self.both + self.reviewer_only) / n
        return rule_missed * reviewer_missed + (1 - rule_missed) * (1 - reviewer_missed)

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa: (observed − chance agreement) ÷ (1 − chance); None when undefined (no
        pairs, or both always gave the same single answer)."""
        if not self.n:
            return None
        chance = self._chance()
        if chance >= 1:
            return None
        return (self.agreement.value - chance) / (1 - chance)

    @property
    def kappa_interval(self) -> tuple[float, float] | None:
        """kappa ± 1.96 × √(p_o (1 − p_o) ÷ (n (1 − p_e)²)), clipped to −1..1."""
        kappa = self.kappa
        if kappa is None:
            return None
        observed, chance = self.agreement.value, self._chance()
        half = Z95 * (observed * (1 - observed) / (self.n * (1 - chance) ** 2)) ** 0.5
        return max(-1.0, kappa - half), min(1.0, kappa + half)

    @property
    def reliable(self) -> bool:
        """Enough pairs, and kappa at least 0.60: used to draw the sample's risk share."""
        return self.n >= RELIABLE_N and self.kappa is not None and self.kappa >= RELIABLE_KAPPA


def rule_agreement(pairs) -> RuleAgreement:
    """`pairs`: (the rule said missed, the reviewer said missed) per interaction."""
    counts = {(True, True): 0, (True, False): 0, (False, True): 0, (False, False): 0}
    for rule_missed, reviewer_missed in pairs:
        counts[(bool(rule_missed), bool(reviewer_missed))] += 1
    return RuleAgreement(
        counts[(True, True)], counts[(True, False)], counts[(False, True)], counts[(False, False)]
    )
