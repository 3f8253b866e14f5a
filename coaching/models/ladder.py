"""The skill ladder: junior -> intermediate -> senior -> expert, each level's requirements, and
each agent's confirmed level over time."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    JUNIOR = "junior", _("Junior")
    INTERMEDIATE = "intermediate", _("Intermediate")
    SENIOR = "senior", _("Senior")
    EXPERT = "expert", _("Expert")


class SkillLevel(models.Model):
    """What a level asks for. A requirement left empty asks nothing."""

    level = models.CharField(max_length=20, choices=Level.choices, unique=True)
    position = models.PositiveSmallIntegerField(unique=True)
    qa_mean_min = models.DecimalField(
        _("QA mean at least"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    months = models.PositiveSmallIntegerField(
        _("over the last (months)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    no_critical_months = models.PositiveSmallIntegerField(
        _("no critical failure for (months)"), default=0, validators=[MaxValueValidator(12)]
    )
    tenure_months = models.PositiveSmallIntegerField(_("tenure at least (months)"), default=0)
    # KPI thresholds: [{"kpi": "fcr", "at_least": "70"} or {"kpi": "aht", "at_most": "420"}]
    kpis = models.JSONField(_("KPI thresholds"), default=list, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.CheckConstraint(condition=Q(level__in=Level.values), name="skill_level_valid")]

    def __str__(self) -> str:
        return self.get_level_display()


class AgentLevel(models.Model):
    """A level confirmed for an agent by their lead: the history is every row, newest last."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="levels")
    level = models.CharField(max_length=20, choices=Level.choices)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agent", "confirmed_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(level__in=Level.values), name="agent_level_valid")]

    def __str__(self) -> str:
        return f"{self.agent}: {self.get_level_display()}"
