"""1-on-1 coaching sessions, their GROW notes and action items, and each team's cadence
(docs/coaching.md)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

DEFAULT_EVERY_DAYS, DEFAULT_MINUTES = 7, 30
# The agenda's split of the session (DOMAIN.md): review, problem solving, development.
AGENDA_SPLIT = (("review", 30), ("problems", 40), ("development", 30))


class Cadence(models.Model):
    """How often a team's agents have their 1-on-1 and how long it lasts."""

    team = models.OneToOneField("core.Team", on_delete=models.CASCADE, related_name="coaching_cadence")
    every_days = models.PositiveSmallIntegerField(
        _("every (days)"),
        default=DEFAULT_EVERY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(62)],
    )
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), default=DEFAULT_MINUTES, validators=[MinValueValidator(10), MaxValueValidator(120)]
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(every_days__gte=1, every_days__lte=62), name="cadence_days_range"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=10, minutes__lte=120), name="cadence_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.minutes} min every {self.every_days} days"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CLOSED = "closed", _("Held")


class CoachingSession(models.Model):
    """One 1-on-1 between a lead and an agent: its agenda (the plan), then its notes and items."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_sessions"
    )
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_led")
    team = models.ForeignKey("core.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    scheduled_for = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=DEFAULT_MINUTES)
    status = models.CharField(max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    # The agenda as planned and edited: {"parts": [{"key", "minutes", "items": [{"kind", "text", ...}]}]}
    plan = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        indexes = [
            models.Index(fields=["lead", "status", "scheduled_for"], name="session_lead_status_day"),
            models.Index(fields=["agent", "scheduled_for"], name="session_agent_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SessionStatus.values), name="session_status_valid"),
            models.CheckConstraint(
                condition=Q(status=SessionStatus.PLANNED) | Q(closed_at__isnull=False),
                name="session_closed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(status=SessionStatus.CLOSED),
                name="session_acknowledged_after_closing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheduled_for:%Y-%m-%d} {self.agent} with {self.lead}"

    @property
    def is_closed(self) -> bool:
        return self.status == SessionStatus.CLOSED


class TargetKind(models.TextChoices):
    NONE = "", _("Nothing in particular")
    CRITERION = "criterion", _("Criterion")
    SECTION = "section", _("Section")


class Targeted(models.Model):
    """What a note or an item aims at: a criterion or section, by the identity that survives
    rubric versions (scoring), with the name it had when written."""

    target_kind = models.CharField(max_length=20, choices=TargetKind.choices, blank=True, default="")
    target_identity = models.CharField(max_length=64, blank=True, default="")
    target_label = models.CharField(max_length=200, blank=True, default="")
    shared = models.BooleanField(_("shared with the agent"), default=True)

    class Meta:
        abstract = True


class GrowNote(Targeted):
    """A GROW note: Goal, Reality, Options, Way forward."""

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    goal = models.TextField(_("goal"), blank=True)
    reality = models.TextField(_("reality"), blank=True)
    options = models.TextField(_("options"), blank=True)
    way_forward = models.TextField(_("way forward"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_kind__in=TargetKind.values), name="note_target_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.goal[:60] or f"GROW note {self.pk}"


class ItemOwner(models.TextChoices):
    AGENT = "agent", _("Agent")
    LEAD = "lead", _("Lead")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")
    CARRIED = "carried", _("Carried over")


class ActionItem(Targeted):
    """A concrete step from a note's way forward: what, whose, due when."""

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="items")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_items")
    # Who wrote it: a private item is theirs and the QA managers' only (a carried-over copy keeps
    # the writer of the text it copies).
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("what"), max_length=300)
    owner = models.CharField(_("whose"), max_length=10, choices=ItemOwner.choices, default=ItemOwner.AGENT)
    due_on = models.DateField(_("due"))
    status = models.CharField(max_length=20, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    carried_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_into"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)  # the agent was told it fell due
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["agent", "status", "due_on"], name="item_agent_status_due")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ItemStatus.values), name="item_status_valid"),
            models.CheckConstraint(condition=Q(owner__in=ItemOwner.values), name="item_owner_valid"),
            models.CheckConstraint(
                condition=Q(target_kind__in=TargetKind.values), name="item_target_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ItemStatus.DONE) | Q(done_at__isnull=False), name="item_done_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class CoachingSettings(models.Model):
    """The QA manager's coaching settings (one row; defaults when there is none)."""

    low_score = models.DecimalField(
        _("tell the lead about scores below"), max_digits=5, decimal_places=2, default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    loop_window = models.PositiveSmallIntegerField(
        _("reviews compared before and after a session"), default=5,
        validators=[MinValueValidator(2), MaxValueValidator(20)],
    )  # fmt: skip

    class Meta:
        verbose_name_plural = "coaching settings"

    def __str__(self) -> str:
        return f"low score < {self.low_score}, loop window {self.loop_window}"

    @classmethod
    def current(cls) -> "CoachingSettings":
        return cls.objects.first() or cls()
