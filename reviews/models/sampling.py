"""The monthly sample: the policy, draws, sampled items and each agent's quota."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .interactions import Interaction


def validate_band_starts(value) -> None:
    """Whole hours 0-23, the first 0, at most 9, each once: on the model, so that no path (the
    form, the admin, the shell) can hand the draw's SQL anything else."""
    if (
        not isinstance(value, list)
        or not value
        or not all(type(h) is int for h in value)
        or sorted(value)[0] != 0
        or max(value) > 23
        or len(set(value)) != len(value)
        or len(value) > 9
    ):
        raise ValidationError(
            _("Time bands start at whole hours from 0 to 23, the first at 0, at most 9, each once."),
            code="time_bands",
        )


class SamplingPolicy(models.Model):
    """How each agent's monthly sample is drawn. One row; QA managers edit it."""

    min_per_agent = models.PositiveSmallIntegerField(_("minimum per agent per month"), default=15)
    max_per_agent = models.PositiveSmallIntegerField(_("maximum per agent per month"), default=20)
    min_handle_seconds = models.PositiveIntegerField(_("leave out interactions shorter than (s)"), default=30)
    stratify_channel = models.BooleanField(_("spread over channels"), default=True)
    stratify_time_band = models.BooleanField(_("spread over times of day"), default=True)
    stratify_week = models.BooleanField(_("spread over weeks of the month"), default=True)
    # Start hours of the time bands, in the contact centre's time zone: night 0-6, morning 6-12,
    # afternoon 12-18, evening 18-24.
    time_band_starts = models.JSONField(
        _("time bands start at (hours)"), default=list, validators=[validate_band_starts]
    )
    risk_share = models.PositiveSmallIntegerField(_("risk share of the quota (%)"), default=25)
    risk_csat_max = models.PositiveSmallIntegerField(_("risk: CSAT at or below"), default=2)
    risk_nps_max = models.PositiveSmallIntegerField(_("risk: NPS at or below"), default=6)
    risk_long_handle_factor = models.DecimalField(
        _("risk: handle time above this many times the channel's average"),
        max_digits=4,
        decimal_places=2,
        default=2,
    )
    risk_auto_checks = models.BooleanField(
        _("risk: missed a reliable automatic check"),
        default=True,
        help_text=_("Interactions a reliable transcript rule found missed count as risky (docs/autoqa.md)."),
    )
    quota_follows_performance = models.BooleanField(
        _("quotas follow performance"),
        default=False,
        help_text=_(
            "Within the minimum and the maximum: the standard quota is the minimum + 2; agents stable above "
            "target get the minimum; below target, falling or with critical failures last month, more "
            "(docs/sampling.md)."
        ),
    )
    new_agent_days = models.PositiveSmallIntegerField(_("new agents: first days get the maximum"), default=90)
    seed = models.PositiveIntegerField(
        _("seed"), default=1, help_text=_("Change it to draw a different, still reproducible, sample.")
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("sampling policy")
        verbose_name_plural = _("sampling policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_per_agent__lte=F("max_per_agent")), name="policy_min_le_max"
            ),
            models.CheckConstraint(condition=Q(risk_share__lte=100), name="policy_risk_share_percent"),
        ]

    def __str__(self) -> str:
        return str(_("Sampling policy"))

    def bands(self) -> list[int]:
        validate_band_starts(self.time_band_starts or [0])  # they reach the draw's SQL as numbers
        return sorted(int(h) for h in self.time_band_starts) if self.time_band_starts else [0, 6, 12, 18]


class DrawStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SampleDraw(models.Model):
    """One run of the monthly draw (the first, or a top-up)."""

    month = models.DateField(_("month"))  # the first day of the month
    status = models.CharField(max_length=20, choices=DrawStatus.choices, default=DrawStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    policy = models.JSONField(default=dict)  # the policy as it was used
    seed = models.BigIntegerField(default=0)
    agents = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    short_agents = models.PositiveIntegerField(default=0)
    assigned = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("sample draw")
        verbose_name_plural = _("sample draws")
        constraints = [
            # Two draws for one month cannot run at once: the second insert fails.
            models.UniqueConstraint(
                fields=["month"], condition=Q(status="running"), name="draw_one_running_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} ({self.get_status_display()})"


class ReasonKind(models.TextChoices):
    STRATUM = "stratum", _("Stratified")
    RISK = "risk", _("Risk")
    ALL = "all", _("All eligible (short sample)")
    REPLACEMENT = "replacement", _("Replacement")


class SampleItem(models.Model):
    """An interaction drawn for review in a month, and why it was drawn."""

    month = models.DateField()
    # No index of their own: the unique (interaction, month) and the (month, agent, interaction)
    # index serve every lookup, and a draw writes tens of thousands of rows at once.
    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="sample_items", db_index=False
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    draw = models.ForeignKey(
        SampleDraw, on_delete=models.SET_NULL, null=True, related_name="items", db_index=False
    )
    kind = models.CharField(max_length=20, choices=ReasonKind.choices)
    stratum = models.CharField(max_length=60, blank=True)  # the stratum code, "111"
    reason = models.CharField(max_length=200)  # for people: "Phone · morning · week 2" / "CSAT 1, escalated"
    risk_score = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agent", "month", "id"]
        verbose_name = _("sampled interaction")
        verbose_name_plural = _("sampled interactions")
        constraints = [
            models.UniqueConstraint(fields=["interaction", "month"], name="sample_item_once_per_month"),
            models.CheckConstraint(condition=Q(kind__in=ReasonKind.values), name="sample_item_kind_valid"),
        ]
        indexes = [models.Index(fields=["month", "agent", "interaction"], name="sample_item_month_agent")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.interaction_id}: {self.reason}"


class SamplingQuota(models.Model):
    """Per agent and month: the quota the policy set and what the draws found."""

    month = models.DateField()
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quota = models.PositiveSmallIntegerField(default=0)
    eligible = models.PositiveIntegerField(default=0)
    sampled = models.PositiveIntegerField(default=0)
    new_agent = models.BooleanField(default=False)
    short_sample = models.BooleanField(default=False)
    # Why a sample is short: the month's interactions, and those left out (unanswered; answered
    # but under the policy's minimum handle time, kept in `min_handle_seconds`).
    interactions = models.PositiveIntegerField(default=0)
    unanswered = models.PositiveIntegerField(default=0)
    too_short = models.PositiveIntegerField(default=0)
    min_handle_seconds = models.PositiveIntegerField(default=0)
    # When quotas follow performance, why this quota (codes: new, stable, standard, below_target,
    # falling, critical); worded by `why_quota` in the reader's language.
    quota_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "agent"], name="sampling_quota_unique")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agent_id}: {self.sampled}/{self.quota}"

    @property
    def why_quota(self) -> str:
        """ "18: below target last month", "15: stable above target for two months"."""
        if not self.quota_reason:
            return ""
        words = {
            "new": _("new starter"), "stable": _("stable above target for two months"),
            "standard": _("the standard quota"), "below_target": _("below target last month"),
            "falling": _("falling last month"), "critical": _("critical failures last month"),
        }  # fmt: skip
        reasons = pgettext("list separator", ", ").join(
            str(words.get(code, code)) for code in self.quota_reason.split(",")
        )
        return str(_("%(n)s: %(reasons)s") % {"n": self.quota, "reasons": reasons})

    @property
    def why_short(self) -> str:
        """'0 eligible: 183 interactions under the 30 s minimum, 12 unanswered'."""
        if self.eligible >= self.quota:
            return ""
        if not self.interactions:
            return str(_("%(n)s eligible: no interactions this month") % {"n": self.eligible})
        reasons = []
        if self.too_short:
            reasons.append(
                str(
                    _("%(n)s interactions under the %(min)s s minimum")
                    % {"n": self.too_short, "min": self.min_handle_seconds}
                )
            )
        if self.unanswered:
            reasons.append(str(_("%(n)s unanswered") % {"n": self.unanswered}))
        if not reasons:
            reasons.append(str(_("%(n)s interactions in the month") % {"n": self.interactions}))
        return str(_("%(n)s eligible: %(reasons)s") % {"n": self.eligible, "reasons": ", ".join(reasons)})
