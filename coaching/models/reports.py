"""Excel reports built in the background: the job a page polls, and its files."""

from django.conf import settings
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Building")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")


class ReportJob(models.Model):
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    month = models.DateField()
    team = models.ForeignKey("core.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    csv_file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    summary = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            # The same request from the same person while one is queued or building: that job.
            models.UniqueConstraint(
                F("created_by"),
                F("month"),
                Coalesce(F("team"), Value(0)),
                condition=models.Q(status__in=["queued", "running"]),
                name="report_one_active_per_request",
            ),
        ]

    def __str__(self) -> str:
        everyone = _("all teams")
        return f"{self.month:%Y-%m} {self.team or everyone}"

    @property
    def filename(self) -> str:
        who = self.team.name if self.team else "all-teams"
        return f"qa-report-{self.month:%Y-%m}-{who}".replace(" ", "-").lower()
