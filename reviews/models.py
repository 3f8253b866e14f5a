from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import Channel


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
    answered = models.BooleanField(_("answered"), default=True)
    wait_seconds = models.PositiveIntegerField(_("wait before answer (s)"), null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(_("talk (s)"), default=0)
    hold_seconds = models.PositiveIntegerField(_("hold (s)"), default=0)
    acw_seconds = models.PositiveIntegerField(_("after-contact work (s)"), default=0)
    resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    first_contact_resolved = models.BooleanField(_("resolved on first contact"), null=True, blank=True)
    escalated = models.BooleanField(_("escalated"), default=False)
    repeat_contact = models.BooleanField(_("repeat contact"), default=False)
    csat = models.PositiveSmallIntegerField(_("CSAT (1-5)"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(_("NPS (0-10)"), null=True, blank=True)
    effort = models.PositiveSmallIntegerField(_("customer effort (1-7)"), null=True, blank=True)
    customer_ref = models.CharField(_("customer reference"), max_length=100, blank=True)
    transcript = models.TextField(_("transcript"), blank=True)
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
                condition=Q(first_contact_resolved=False)
                | Q(first_contact_resolved__isnull=True)
                | ~Q(resolved=False),
                name="interaction_fcr_implies_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} ({self.get_channel_display()}, {self.started_at:%Y-%m-%d %H:%M})"

    @property
    def handle_seconds(self) -> int:
        return self.talk_seconds + self.hold_seconds + self.acw_seconds


HANDLE_SECONDS = F("talk_seconds") + F("hold_seconds") + F("acw_seconds")


class ColumnMapping(models.Model):
    """A saved header -> field mapping, reused for files from the same export."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    mapping = models.JSONField(_("mapping"), default=dict)  # field name -> header
    options = models.JSONField(default=dict, blank=True)  # default channel, date order
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded: check the columns")
    CHECKING = "checking", _("Checking rows")
    CHECKED = "checked", _("Checked: ready to import")
    INVALID = "invalid", _("Has errors: nothing imported")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed: nothing imported")


class ImportJob(models.Model):
    """One uploaded file on its way in: mapping, dry run, then the all-or-nothing import."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)  # field name -> header
    options = models.JSONField(default=dict, blank=True)  # source, default channel, date order, team
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # the first problems, each with row and column
    unknown_agents = models.JSONField(default=dict, blank=True)
    preview = models.JSONField(default=dict, blank=True)  # counts to create / update / unchanged
    summary = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)  # why the file could not be read or the import failed
    # A job that a worker has claimed; a second delivery of the same task finds it taken.
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="importjob_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(processed_rows__lte=F("total_rows")) | Q(total_rows=0),
                name="importjob_progress_le_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
