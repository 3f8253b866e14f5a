from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    REVIEWER = "reviewer", _("QA reviewer")
    LEAD = "lead", _("Team lead")
    MANAGER = "manager", _("QA manager")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("E-mail")
    SOCIAL = "social", _("Social")
    OTHER = "other", _("Other")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_teams",
        limit_choices_to={"role": Role.LEAD},
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person using the application. Each has exactly one role; superusers are administrators."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agents",
        help_text=_("Agents belong to exactly one team; other roles belong to none."),
    )
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of the pages, e-mails and notifications (empty: as the browser asks)."),
    )
    review_capacity = models.PositiveIntegerField(
        _("monthly review capacity"),
        null=True,
        blank=True,
        help_text=_("QA reviewers: the most interactions to assign in one month (empty: no limit)."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values),
                name="user_role_valid",
            ),
            # Only agents are members of a team (leads lead teams through Team.lead).
            models.CheckConstraint(
                condition=Q(role=Role.AGENT) | Q(team__isnull=True),
                name="user_only_agents_have_team",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser


class AuditAction(models.TextChoices):
    """Every action the audit log records, each written by one service."""

    USER_CREATED = "user.created", _("User created")
    USER_CREATED_BY_IMPORT = "user.created_by_import", _("Agent created by an import")
    TEAM_CREATED = "team.created", _("Team created")
    TEAM_CHANGED = "team.changed", _("Team changed")
    USER_CHANGED = "user.changed", _("User's role, team or status changed")
    IMPORT_UPLOADED = "import.uploaded", _("File uploaded")
    IMPORT_CONFIRMED = "import.confirmed", _("Import confirmed")
    IMPORT_DONE = "import.done", _("Interactions imported")
    IMPORT_API = "import.api", _("Interactions imported through the API")
    IMPORT_CANCELLED = "import.cancelled", _("Import cancelled")
    IMPORT_RESTARTED = "import.restarted", _("Import restarted")
    SAMPLING_POLICY_CHANGED = "sampling.policy_changed", _("Sampling policy changed")
    SAMPLING_DRAWN = "sampling.drawn", _("Sample drawn")
    ASSIGNMENT_SKIPPED = "assignment.skipped", _("Assignment skipped")
    REVIEW_STARTED = "review.started", _("Review started")
    REVIEW_SUBMITTED = "review.submitted", _("Review released")
    REVIEW_CHANGED = "review.changed", _("Released review changed")
    REVIEW_ACKNOWLEDGED = "review.acknowledged", _("Review acknowledged")
    RUBRIC_CREATED = "rubric.created", _("Rubric created")
    RUBRIC_EDITED = "rubric.edited", _("Rubric edited")
    RUBRIC_PUBLISHED = "rubric.published", _("Rubric published")
    RUBRIC_RETIRED = "rubric.retired", _("Rubric retired")
    RUBRIC_VERSION_CREATED = "rubric.version_created", _("Rubric version created")
    RUBRIC_DISCARDED = "rubric.discarded", _("Rubric draft discarded")
    RUBRIC_CHANNEL_CHOSEN = "rubric.channel_chosen", _("Rubric chosen for a channel")
    REPORT_REQUESTED = "report.requested", _("Report requested")
    REPORT_RESTARTED = "report.restarted", _("Report restarted")
    KPI_SCHEME_SAVED = "kpi.scheme_saved", _("KPI scheme saved")
    SERVICE_LEVELS_SAVED = "kpi.service_levels_saved", _("Service level thresholds saved")
    SESSION_PLANNED = "coaching.session_planned", _("1-on-1 planned")
    SESSION_PLAN_EDITED = "coaching.plan_edited", _("1-on-1 agenda edited")
    SESSION_CLOSED = "coaching.session_closed", _("1-on-1 held and closed")
    SESSION_ACKNOWLEDGED = "coaching.session_acknowledged", _("1-on-1 acknowledged by the agent")
    NOTE_SAVED = "coaching.note_saved", _("GROW note saved")
    ITEM_SAVED = "coaching.item_saved", _("Action item saved")
    ITEM_FOLLOWED_UP = "coaching.item_followed_up", _("Action item followed up")
    ITEM_DONE = "coaching.item_done", _("Action item done")
    LADDER_LEVEL_SAVED = "coaching.ladder_level_saved", _("Skill level requirements saved")
    LEVEL_CONFIRMED = "coaching.level_confirmed", _("Agent's level confirmed")
    CADENCE_SAVED = "coaching.cadence_saved", _("1-on-1 cadence saved")
    COACHING_SETTINGS_SAVED = "coaching.settings_saved", _("Coaching settings saved")
    ROOT_CAUSE_SAVED = "reviews.root_cause_saved", _("Root cause saved")
    DISPUTE_OPENED = "reviews.dispute_opened", _("Review disputed")
    DISPUTE_DECIDED = "reviews.dispute_decided", _("Dispute decided")
    CALIBRATION_CREATED = "reviews.calibration_created", _("Calibration session created")
    CALIBRATION_REVEALED = "reviews.calibration_revealed", _("Calibration revealed")
    CALIBRATION_CLOSED = "reviews.calibration_closed", _("Calibration benchmark recorded")
    GUIDANCE_PROPOSED = "reviews.guidance_proposed", _("Clearer guidance proposed from a calibration")
    TRANSCRIPT_RULE_SAVED = "reviews.transcript_rule_saved", _("Transcript rule saved")
    TRUST_SETTINGS_SAVED = (
        "reviews.trust_settings_saved",
        _("Calibration, agreement and dispute settings saved"),
    )


class AuditEvent(models.Model):
    """Who did what to which object, when: the history shown on an object's page."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, choices=AuditAction.choices)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("target type")
    )
    target_id = models.PositiveBigIntegerField(verbose_name=_("target id"))
    target = GenericForeignKey("target_type", "target_id")
    # Lets one history cover related objects, e.g. every version of a rubric.
    group_key = models.CharField(max_length=100, blank=True, db_index=True, verbose_name=_("group key"))
    summary = models.TextField(_("summary"), blank=True)
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action}"


class Notification(models.Model):
    """Something a person should look at, shown in the app with an unread count (and usually
    sent by e-mail too)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.message
