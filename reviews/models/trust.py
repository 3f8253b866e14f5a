"""Whether the scores can be trusted: calibration sessions, second scores and disputes
(docs/agreement.md, docs/disputes.md), and the settings they follow."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .interactions import Interaction
from .reviews import Review


class TrustSettings(models.Model):
    """One row; QA managers edit it."""

    second_share = models.DecimalField(
        _("share of the sample scored again (%)"), max_digits=4, decimal_places=1, default=Decimal(5),
        validators=[MinValueValidator(0), MaxValueValidator(50)],
    )  # fmt: skip
    deviation_limit = models.DecimalField(
        _("calibration: flag a deviation beyond (points)"), max_digits=4, decimal_places=1, default=Decimal(5),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(50)],
    )  # fmt: skip
    dispute_window_days = models.PositiveSmallIntegerField(
        _("disputes: days after release an agent may dispute"), default=7, validators=[MinValueValidator(1)]
    )
    dispute_decide_days = models.PositiveSmallIntegerField(
        _("disputes: days to decide before it escalates"), default=5, validators=[MinValueValidator(1)]
    )
    dispute_same_reviewer = models.BooleanField(
        _("disputes: the reviewer who scored may decide"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trust settings")
        verbose_name_plural = _("trust settings")

    def __str__(self) -> str:
        return str(_("Calibration, agreement and dispute settings"))


class BenchmarkKind(models.TextChoices):
    EXPERT = "expert", _("An expert's answers")
    CONSENSUS = "consensus", _("The consensus agreed in the meeting")


class CalibrationStatus(models.TextChoices):
    SCORING = "scoring", _("Scoring")
    REVEALED = "revealed", _("Revealed")
    CLOSED = "closed", _("Benchmark recorded")


class CalibrationSession(models.Model):
    """A few interactions that several people score blind against one rubric version; revealed
    side by side, compared with a benchmark. Its scores never reach agents."""

    title = models.CharField(_("title"), max_length=200)
    rubric = models.ForeignKey("scoring.Rubric", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # the month its agreement counts in
    deadline = models.DateField(_("score by"))
    benchmark = models.CharField(_("benchmark"), max_length=20, choices=BenchmarkKind.choices)
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("expert"),
    )  # fmt: skip
    status = models.CharField(
        max_length=20, choices=CalibrationStatus.choices, default=CalibrationStatus.SCORING
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="calibrations", blank=True)
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-month", "-id"]
        verbose_name = _("calibration session")
        verbose_name_plural = _("calibration sessions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(benchmark=BenchmarkKind.EXPERT) | Q(expert__isnull=False),
                name="calibration_expert_named",
            )
        ]

    def __str__(self) -> str:
        return self.title


class CalibrationItem(models.Model):
    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="items")
    interaction = models.ForeignKey(Interaction, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    benchmark = models.OneToOneField(
        Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="benchmark_of"
    )

    class Meta:
        ordering = ["session", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "interaction"], name="calibration_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.interaction}"


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")


class Dispute(models.Model):
    """An agent (or their lead for them) contests a released review, criterion by criterion."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="disputes")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    decide_by = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)
    total_before = models.DecimalField(max_digits=5, decimal_places=2)
    total_after = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.UniqueConstraint(
                fields=["review"], condition=Q(status=DisputeStatus.OPEN), name="dispute_one_open_per_review"
            )
        ]
        indexes = [models.Index(fields=["status", "decide_by"], name="dispute_status_due")]

    def __str__(self) -> str:
        return f"{self.review} · {self.get_status_display()}"


class Decision(models.TextChoices):
    PENDING = "", _("Not decided")
    ACCEPTED = "accepted", _("Accepted")
    PARTLY = "partly", _("Partly accepted")
    REJECTED = "rejected", _("Rejected")


class DisputedCriterion(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="criteria")
    criterion = models.ForeignKey("scoring.Criterion", on_delete=models.PROTECT, related_name="+")
    identity = models.UUIDField(db_index=True)
    answer_before = models.CharField(max_length=12)
    answer_wanted = models.CharField(_("the answer you think right"), max_length=12)
    reason = models.TextField(_("why"))
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING, blank=True)
    answer_decided = models.CharField(max_length=12, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dispute", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "criterion"], name="disputed_criterion_once"),
            models.CheckConstraint(
                condition=Q(decision="") | ~Q(decision_reason=""),
                name="disputed_criterion_decision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id} · {self.criterion_id}"
