"""Customer contacts as the contact centre's systems recorded them."""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Channel

from ..transcripts import TranscriptLine, transcript_lines


class Interaction(models.Model):
    """One customer contact (call, chat, e-mail…) as the contact centre's systems recorded it."""

    source = models.CharField(
        _("source system"), max_length=50, default="default", help_text=_("Where the record came from.")
    )
    source_id = models.CharField(_("source id"), max_length=100)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    queue = models.CharField(_("queue or topic"), max_length=100, blank=True)
    started_at = models.DateTimeField(_("start time"))
    # The start in the contact centre's time zone (settings.TIME_ZONE), stored so that months,
    # weeks and times of day can be grouped by in the database without per-row conversion.
    local_date = models.DateField(editable=False)
    local_hour = models.PositiveSmallIntegerField(editable=False)
    local_month = models.DateField(editable=False)  # the first day of local_date's month
    local_week = models.PositiveSmallIntegerField(editable=False)  # 1-5: days 1-7, 8-14, … 29-31
    answered = models.BooleanField(_("answered"), default=True)
    # False when the source did not say (no answered or abandoned column, or an empty cell): the
    # contact is then sampled and timed as handled, but abandonment counts only known contacts.
    answered_known = models.BooleanField(_("answered is known"), default=True)
    wait_seconds = models.PositiveIntegerField(_("wait before answer (s)"), null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(_("talk (s)"), default=0)
    hold_seconds = models.PositiveIntegerField(_("hold (s)"), default=0)
    acw_seconds = models.PositiveIntegerField(_("after-contact work (s)"), default=0)
    resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    first_contact_resolved = models.BooleanField(_("resolved on first contact"), null=True, blank=True)
    # None: the source had no such column (unknown, not "no"; the rates are then "—", n = 0).
    escalated = models.BooleanField(_("escalated"), null=True, blank=True, default=None)
    repeat_contact = models.BooleanField(_("repeat contact"), null=True, blank=True, default=None)
    csat = models.PositiveSmallIntegerField(_("CSAT (1-5)"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(_("NPS (0-10)"), null=True, blank=True)
    effort = models.PositiveSmallIntegerField(_("customer effort (1-7)"), null=True, blank=True)
    customer_ref = models.CharField(_("customer reference"), max_length=100, blank=True)
    transcript = models.TextField(_("transcript"), blank=True)
    handle_seconds = models.PositiveIntegerField(_("handle time (s)"), editable=False, default=0)
    recording_url = models.URLField(_("recording link"), max_length=500, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    extra = models.JSONField(_("further data"), default=dict, blank=True)
    # A fixed pseudo-random number per record (from its source id): the sampler orders by it,
    # so the same data and seed always give the same sample.
    sample_key = models.PositiveIntegerField(editable=False, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["local_date", "agent"], name="interaction_month_agent"),
            models.Index(fields=["agent", "local_date"], name="interaction_agent_month"),
            # The monthly draw reads only this index: counts per agent and stratum, the risk
            # rules, and each stratum's seeded order (sample_key) without touching the table.
            models.Index(
                fields=[
                    "local_month",
                    "answered",
                    "agent",
                    "channel",
                    "local_week",
                    "local_hour",
                    "handle_seconds",
                    "sample_key",
                    "csat",
                    "nps",
                    "escalated",
                    "repeat_contact",
                ],
                # PostgreSQL indexes do not carry the row id (SQLite's do): include it, so the
                # draw's queries are index-only there too. Other databases ignore `include`.
                include=["id"],
                name="interaction_draw",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="interaction_source_id_unique"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="interaction_channel_valid"),
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=5), name="interaction_csat_range"
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__gte=0, nps__lte=10), name="interaction_nps_range"
            ),
            models.CheckConstraint(
                condition=Q(effort__isnull=True) | Q(effort__gte=1, effort__lte=7),
                name="interaction_effort_range",
            ),
            models.CheckConstraint(
                condition=Q(local_hour__gte=0, local_hour__lte=23), name="interaction_local_hour_range"
            ),
            models.CheckConstraint(
                condition=Q(local_week__gte=1, local_week__lte=5), name="interaction_local_week_range"
            ),
            models.CheckConstraint(
                condition=Q(handle_seconds=F("talk_seconds") + F("hold_seconds") + F("acw_seconds")),
                name="interaction_handle_is_sum",
            ),
            models.CheckConstraint(
                condition=Q(first_contact_resolved=False)
                | Q(first_contact_resolved__isnull=True)
                | ~Q(resolved=False),
                name="interaction_fcr_implies_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} ({self.get_channel_display()}, {self.started_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        self.fill_derived()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *DERIVED_FIELDS}
        super().save(*args, **kwargs)

    @property
    def transcript_lines(self) -> list[TranscriptLine]:
        return transcript_lines(self.transcript)

    def fill_derived(self) -> None:
        """Set the columns computed from others (local date parts, handle time, sample key)."""
        self.__dict__.update(local_parts(self.started_at))
        self.handle_seconds = self.talk_seconds + self.hold_seconds + self.acw_seconds
        if not self.sample_key:
            self.sample_key = sample_key(self.source, self.source_id)


DERIVED_FIELDS = ("local_date", "local_hour", "local_month", "local_week", "handle_seconds", "sample_key")


def local_parts(started_at: dt.datetime, zone=None) -> dict:
    """The start in the contact centre's time zone (`zone`, by default the current one): date,
    hour, month (its first day) and week of the month (1 for days 1-7 … 5 for days 29-31)."""
    local = started_at.astimezone(zone) if zone is not None else timezone.localtime(started_at)
    day = local.date()
    return {
        "local_date": day,
        "local_hour": local.hour,
        "local_month": day.replace(day=1),
        "local_week": min(5, (day.day - 1) // 7 + 1),
    }


def sample_key(source: str, source_id: str) -> int:
    """A fixed pseudo-random 31-bit number per record (a hash of its source id): the sampler's
    reproducible order. Independent of the agent, time and content, so any run of keys is a
    uniform random choice."""
    digest = hashlib.blake2b(f"{source}\x00{source_id}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") & 0x7FFFFFFF
