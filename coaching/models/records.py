"""Performance records: an agent's month, and the team and programme rollups of it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DocumentField(models.JSONField):
    """A JSON document column whose bulk inserts on PostgreSQL take one placeholder per row
    (VALUES) instead of Django 5.2's UNNEST arrays: psycopg quotes each document for a text
    array with a regular-expression substitution per quote character, which made writing a
    month of 2,000 records take five seconds (bench/records.py). A per-field placeholder is the
    documented way out of UNNEST."""

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class RecordLevel(models.TextChoices):
    AGENT = "agent", _("Agent")
    TEAM = "team", _("Team")
    PROGRAMME = "programme", _("Programme")


class PerformanceRecord(models.Model):
    """One month of one agent (or team, or the whole programme): QA results from the month's
    released reviews beside the KPIs of the month's interactions.

    `parts` holds the counts and sums every figure is computed from (they add up: a team's
    parts are its agents' summed); `figures` holds what `coaching.metrics` computed from them,
    each with its n. The columns repeat the figures a list sorts or filters on.
    """

    level = models.CharField(max_length=10, choices=RecordLevel.choices, verbose_name=_("level"))
    month = models.DateField(verbose_name=_("month"))  # its first day
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("agent"),
    )
    team = models.ForeignKey(
        "core.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("team"),
    )
    built_at = models.DateTimeField(verbose_name=_("built at"))  # when its figures last changed
    reviews_n = models.PositiveIntegerField(default=0, verbose_name=_("reviews"))
    interactions_n = models.PositiveIntegerField(default=0, verbose_name=_("interactions"))
    agents_n = models.PositiveIntegerField(
        default=0, verbose_name=_("agents")
    )  # teams and programme: agents with a record
    qa_mean = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, verbose_name=_("QA mean")
    )
    qa_low = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, verbose_name=_("QA interval, low")
    )
    qa_high = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, verbose_name=_("QA interval, high")
    )
    qa_target = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, verbose_name=_("QA target")
    )
    critical_n = models.PositiveIntegerField(default=0, verbose_name=_("critical failures"))
    composite = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, verbose_name=_("composite")
    )
    flags = models.JSONField(default=list, blank=True, verbose_name=_("flags"))
    figures = DocumentField(default=dict, blank=True, verbose_name=_("figures"))
    parts = DocumentField(default=dict, blank=True, verbose_name=_("parts"))
    fingerprint = models.CharField(
        max_length=64, blank=True, verbose_name=_("fingerprint")
    )  # of parts and figures: unchanged, not rewritten

    class Meta:
        ordering = ["month", "level", "id"]
        verbose_name = _("performance record")
        verbose_name_plural = _("performance records")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agent"], condition=Q(level="agent"), name="record_agent_month_unique"
            ),
            models.UniqueConstraint(
                fields=["month", "team"], condition=Q(level="team"), name="record_team_month_unique"
            ),
            models.UniqueConstraint(
                fields=["month"], condition=Q(level="programme"), name="record_programme_month_unique"
            ),
            models.CheckConstraint(
                condition=(Q(level="agent") & Q(agent__isnull=False))
                | (Q(level="team") & Q(agent__isnull=True) & Q(team__isnull=False))
                | (Q(level="programme") & Q(agent__isnull=True) & Q(team__isnull=True)),
                name="record_level_matches_owner",
            ),
        ]
        indexes = [models.Index(fields=["team", "level", "month"], name="record_team_level_month")]

    def __str__(self) -> str:
        owner = self.agent or self.team or _("Programme")
        return f"{self.month:%Y-%m} {owner}"
