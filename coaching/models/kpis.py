"""KPI schemes: which KPIs make up a composite score for a scenario, with weight, target and
direction; and the service-level thresholds per channel."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Channel
from scoring.templates_data import section_key, section_title


class Kpi(models.TextChoices):
    QA = "qa", _("QA score")
    SECTION = "section", _("QA section score")
    VOLUME = "volume", _("Handled volume")
    AHT = "aht", _("Average handle time (s)")
    HOLD_SHARE = "hold_share", _("Hold share")
    ASA = "asa", _("Average wait / speed of answer (s)")
    FCR = "fcr", _("First-contact resolution")
    RESOLUTION = "resolution", _("Resolution rate")
    CSAT = "csat", _("CSAT (share of 4-5)")
    CSAT_MEAN = "csat_mean", _("CSAT mean (1-5)")
    NPS = "nps", _("NPS")
    CES = "ces", _("Customer effort (mean)")
    ESCALATION = "escalation", _("Escalation rate")
    REPEAT = "repeat", _("Repeat-contact rate")
    ABANDONMENT = "abandonment", _("Abandonment rate")
    SERVICE_LEVEL = "service_level", _("Service level")
    UTILISATION = "utilisation", _("Utilisation")


def kpi_title(code: str, stored: str = "") -> str:
    """A KPI's name in the reader's language, from its code ("fcr", "section:knowledge"): a
    record stores the code beside the label it was built with (`stored`), which is in the
    language of whoever built it."""
    if code.startswith("section:"):
        key = code.partition(":")[2]
        return section_title(key, stored or key.title())
    try:
        return str(Kpi(code).label)
    except ValueError:
        return stored or code


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")
    BALANCED = "balanced", _("Closest to target")


# The schemes a new install starts with (migration 0002), named in English when nobody chose a
# language: while a scheme keeps its starting name, each reader sees it in their own language.
STARTING_SCHEME_NAMES = {
    "Phone": _("Phone"),
    "Online chat": _("Online chat"),
    "Technical support": _("Technical support"),
    "Ticketing (e-mail)": _("Ticketing (e-mail)"),
}


def scheme_label(name: str) -> str:
    """A scheme's name for the reader: a starting scheme's in their language, any other as named."""
    return str(STARTING_SCHEME_NAMES.get(name, name))


class KpiScheme(models.Model):
    """The composite for one scenario: a team (first choice) or a channel (an agent's main
    channel of the month). A scheme with neither is a template, used by nobody until assigned."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    team = models.OneToOneField(
        "core.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kpi_scheme",
    )
    # A composite needs data (docs/metrics.md): a KPI counts from `min_n` interactions or answers
    # (QA and sections from `qa_min_n` reviews), and the composite is shown only when KPIs that
    # count carry at least `min_weight` % of the scheme's weight; otherwise it is "—".
    min_n = models.PositiveSmallIntegerField(
        _("a KPI counts from n ="), default=10, validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    qa_min_n = models.PositiveSmallIntegerField(
        _("QA counts from reviews ="), default=3, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    min_weight = models.DecimalField(
        _("composite shown from weight with data (%)"), max_digits=5, decimal_places=2, default=60,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("KPI scheme")
        verbose_name_plural = _("KPI schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["channel"],
                condition=~Q(channel="") & Q(team__isnull=True),
                name="kpi_scheme_channel_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return scheme_label(self.name)


class KpiWeight(models.Model):
    scheme = models.ForeignKey(
        KpiScheme, on_delete=models.CASCADE, related_name="weights", verbose_name=_("KPI scheme")
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    kpi = models.CharField(_("KPI"), max_length=20, choices=Kpi.choices)
    section_name = models.CharField(
        _("section"), max_length=200, blank=True, help_text=_("For a QA section score: the section's name.")
    )
    weight = models.DecimalField(_("weight %"), max_digits=5, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=2)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    cap = models.DecimalField(
        # xgettext:no-python-format
        _("cap % of target"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        help_text=_("Attainment above this counts as this: beating one target cannot hide missing another."),
    )

    class Meta:
        ordering = ["scheme", "position", "id"]
        verbose_name = _("KPI weight")
        verbose_name_plural = _("KPI weights")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=100), name="kpi_weight_range"),
            models.CheckConstraint(condition=Q(cap__gte=0), name="kpi_cap_positive"),
            models.CheckConstraint(
                condition=~Q(kpi="section") | ~Q(section_name=""), name="kpi_section_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}: {self.get_kpi_display()} {self.weight}%"

    @property
    def code(self) -> str:
        """The key of this KPI among a record's values: "section:<name>" for a section score
        (a template's section by its English name, so that it matches in every language)."""
        return f"section:{section_key(self.section_name)}" if self.kpi == Kpi.SECTION else self.kpi

    @property
    def label(self) -> str:
        if self.kpi == Kpi.SECTION:
            return section_title(section_key(self.section_name), self.section_name)
        return str(self.get_kpi_display())


# Answered within this many seconds counts toward the service level. Phone: DOMAIN's "80% in
# 20 s"; chat: answered within 30 s; e-mail: first response within 24 hours; social: 1 hour.
DEFAULT_SERVICE_LEVEL_SECONDS = {"phone": 20, "chat": 30, "email": 86400, "social": 3600, "other": 60}


class KpiSettings(models.Model):
    """Programme-wide settings of the records (one row)."""

    service_level_seconds = models.JSONField(
        default=dict, blank=True, verbose_name=_("service level thresholds")
    )  # channel -> seconds
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("KPI settings")
        verbose_name_plural = _("KPI settings")

    def __str__(self) -> str:
        return str(_("KPI settings"))

    def threshold(self, channel: str) -> int:
        return int(
            (self.service_level_seconds or {}).get(channel, DEFAULT_SERVICE_LEVEL_SECONDS.get(channel, 60))
        )
