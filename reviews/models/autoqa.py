"""Automatic checks (docs/autoqa.md): transcript rules that QA managers write per criterion, and
each rule's verdict on each interaction with a transcript. A verdict never counts for the agent:
it is shown to the reviewer, measured against the reviewers' answers, and (when that agreement
is reliable) lets the sample's risk share draw the interactions it failed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import autoqa
from .interactions import Interaction


class TranscriptRule(models.Model):
    """One check of one criterion (of a rubric, across its versions)."""

    name = models.CharField(_("name"), max_length=200)
    lineage = models.UUIDField(_("rubric"), db_index=True)  # Rubric.lineage: every version
    criterion = models.UUIDField(_("criterion"), db_index=True)  # Criterion.identity
    kind = models.CharField(
        _("kind"), max_length=10, choices=[(k.value, label) for k, label in autoqa.KIND_LABELS.items()]
    )
    phrases = models.JSONField(_("phrases"), default=list, blank=True)
    speaker = models.CharField(
        _("said by"), max_length=10, default=autoqa.Speaker.AGENT,
        choices=[("agent", _("the agent")), ("customer", _("the customer")), ("any", _("anyone"))],
    )  # fmt: skip
    where = models.CharField(
        _("where"), max_length=10, default=autoqa.Where.ANYWHERE,
        choices=[("anywhere", _("anywhere")), ("first", _("in the first turns")), ("last", _("in the last turns"))],
    )  # fmt: skip
    turns = models.PositiveSmallIntegerField(_("turns"), default=0)
    until = models.JSONField(_("before what"), default=list, blank=True)
    trigger = models.JSONField(_("after what"), default=list, blank=True)
    seconds = models.PositiveIntegerField(_("seconds"), default=0)
    active = models.BooleanField(_("active"), default=True)
    # Bumped whenever what the rule checks changes: verdicts of an older version are not shown
    # or measured until the interactions are checked again.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("transcript rule")
        verbose_name_plural = _("transcript rules")

    def __str__(self) -> str:
        return self.name

    def describe(self, most: int = 4) -> str:
        """What the rule checks, in words: "must be said · the agent · in the last turns (1):
        “anything else” / “just to confirm” …" (at most `most` phrases of each list)."""

        def listed(phrases) -> str:
            shown = " / ".join(f"“{p}”" for p in phrases[:most])
            return shown + (f" (+{len(phrases) - most})" if len(phrases) > most else "")

        parts = [str(autoqa.KIND_LABELS.get(self.kind, self.kind))]
        if self.kind == autoqa.Kind.SILENCE:
            return f"{parts[0]} {self.seconds} s"
        parts.append(str(self.get_speaker_display()))
        if self.where != autoqa.Where.ANYWHERE:
            parts.append(f"{self.get_where_display()} ({self.turns})")
        text = " · ".join(parts) + ": " + listed(self.phrases)
        if self.kind == autoqa.Kind.BEFORE:
            text += " ← " + listed(self.until)
        if self.kind == autoqa.Kind.AFTER:
            text = listed(self.trigger) + " → " + text
        return text

    def spec(self) -> autoqa.Rule:
        return autoqa.Rule(
            kind=self.kind, phrases=tuple(self.phrases), speaker=self.speaker, where=self.where,
            turns=self.turns, until=tuple(self.until), trigger=tuple(self.trigger), seconds=self.seconds,
        )  # fmt: skip


class AutoVerdict(models.Model):
    """A rule's verdict on an interaction, and the transcript line that decided it."""

    # No index of their own: the unique (interaction, rule) and the (rule, month, outcome) index
    # lead with them. Fewer indexes to keep is a faster check of a whole month (bench/autoqa.py).
    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="auto_verdicts", verbose_name=_("interaction"),
        db_index=False,
    )  # fmt: skip
    rule = models.ForeignKey(
        TranscriptRule,
        on_delete=models.CASCADE,
        related_name="verdicts",
        verbose_name=_("rule"),
        db_index=False,
    )
    rule_version = models.PositiveIntegerField(_("rule version"))
    month = models.DateField(_("month"))  # the interaction's local month
    outcome = models.CharField(
        _("verdict"), max_length=4,
        choices=[("pass", _("met")), ("fail", _("missed")), ("na", _("does not apply"))],
    )  # fmt: skip
    line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    detail = models.CharField(_("found"), max_length=200, blank=True)
    checked_at = models.DateTimeField(_("checked at"), auto_now=True)

    class Meta:
        ordering = ["interaction", "rule"]
        verbose_name = _("automatic verdict")
        verbose_name_plural = _("automatic verdicts")
        constraints = [models.UniqueConstraint(fields=["interaction", "rule"], name="auto_verdict_once")]
        indexes = [models.Index(fields=["rule", "month", "outcome"], name="auto_verdict_month")]

    def __str__(self) -> str:
        return f"{self.rule}: {self.get_outcome_display()}"
