import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
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
    local_month = models.DateField(editable=False)  # the first day of local_date's month
    local_week = models.PositiveSmallIntegerField(editable=False)  # 1-5: days 1-7, 8-14, … 29-31
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
    READING = "reading", _("Reading the file")
    UPLOADED = "uploaded", _("Uploaded: check the columns")
    CHECKING = "checking", _("Checking rows")
    CHECKED = "checked", _("Checked: ready to import")
    INVALID = "invalid", _("Has errors: nothing imported")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed: nothing imported")
    CANCELLED = "cancelled", _("Cancelled")


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
        return self.status in (ImportStatus.READING, ImportStatus.CHECKING, ImportStatus.IMPORTING)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


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
    time_band_starts = models.JSONField(_("time bands start at (hours)"), default=list)
    risk_share = models.PositiveSmallIntegerField(_("risk share of the quota (%)"), default=25)
    risk_csat_max = models.PositiveSmallIntegerField(_("risk: CSAT at or below"), default=2)
    risk_nps_max = models.PositiveSmallIntegerField(_("risk: NPS at or below"), default=6)
    risk_long_handle_factor = models.DecimalField(
        _("risk: handle time above this many times the channel's average"),
        max_digits=4,
        decimal_places=2,
        default=2,
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
        return sorted(self.time_band_starts or [0, 6, 12, 18])


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


class AgentMonth(models.Model):
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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "agent"], name="agent_month_unique")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agent_id}: {self.sampled}/{self.quota}"

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


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("To do")
    STARTED = "started", _("Started")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")


class Assignment(models.Model):
    """A sampled interaction given to a QA reviewer to score."""

    item = models.OneToOneField(SampleItem, on_delete=models.CASCADE, related_name="assignment")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    month = models.DateField()
    status = models.CharField(
        max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    skip_reason = models.CharField(_("why skipped"), max_length=300, blank=True)
    replaced_by = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaces"
    )

    class Meta:
        ordering = ["month", "status", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AssignmentStatus.values), name="assignment_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=AssignmentStatus.SKIPPED) | ~Q(skip_reason=""),
                name="assignment_skip_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["reviewer", "month", "status"], name="assignment_reviewer_month")]

    def __str__(self) -> str:
        return f"{self.reviewer} · {self.item}"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Released to the agent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class Review(models.Model):
    """One interaction scored against a pinned rubric version, with sandwich feedback.

    Answers and comments are keyed by criterion id (as text). The score fields are what the
    scoring engine computed from the answers when they were saved: `manage.py verify_scores`
    checks that they still agree.
    """

    assignment = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="review"
    )
    interaction = models.ForeignKey(Interaction, on_delete=models.PROTECT, related_name="reviews")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_received"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_written"
    )
    rubric = models.ForeignKey("scoring.Rubric", on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    comments = models.JSONField(default=dict, blank=True)
    strengths = models.TextField(_("what went well"), blank=True)
    improvement = models.TextField(_("what to improve"), blank=True)
    encouragement = models.TextField(_("encouragement"), blank=True)
    total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    raw_total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    critical_failed = models.BooleanField(default=False)
    sections = models.JSONField(default=list, blank=True)  # the engine's section results
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)  # last time the agent was told
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    agent_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-released_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReviewStatus.values), name="review_status_valid"),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100), name="review_total_range"
            ),
            models.CheckConstraint(
                condition=Q(raw_total__isnull=True) | Q(raw_total__gte=0, raw_total__lte=100),
                name="review_raw_total_range",
            ),
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.DRAFT)
                | Q(submitted_at__isnull=False, released_at__isnull=False, total__isnull=False),
                name="review_released_is_scored",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.ACKNOWLEDGED) | Q(acknowledged_at__isnull=False),
                name="review_acknowledged_has_time",
            ),
            models.CheckConstraint(
                condition=Q(critical_failed=False) | Q(total=0), name="review_critical_failure_scores_zero"
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "status", "released_at"], name="review_agent_status"),
            models.Index(fields=["reviewer", "status"], name="review_reviewer_status"),
        ]

    def __str__(self) -> str:
        return f"{self.interaction} · {self.get_status_display()}"

    @property
    def released(self) -> bool:
        return self.status != ReviewStatus.DRAFT

    @property
    def unread(self) -> bool:
        """The agent has not opened it since it was released or last changed."""
        return self.released and (self.agent_seen_at is None or self.agent_seen_at < self.released_at)


class ReviewChange(models.Model):
    """A change to a released review: the answers and scores before and after, who and when."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("review change")
        verbose_name_plural = _("review changes")

    def __str__(self) -> str:
        return f"{self.review_id} @ {self.changed_at:%Y-%m-%d %H:%M}"
