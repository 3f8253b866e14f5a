"""Scoring: assignments, reviews and their change history."""

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from .interactions import Interaction
from .sampling import SampleItem


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
    SUBMITTED = "submitted", _("Released")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


RANK_READ, RANK_DRAFT, RANK_UNREAD = 0, 1, 2  # Review.list_rank


class ReviewKind(models.TextChoices):
    """What a review is for. Only a regular review reaches the agent, their records and
    notifications; the others measure the reviewers (docs/agreement.md)."""

    REGULAR = "regular", _("Regular")
    CALIBRATION = "calibration", _("Calibration")
    BENCHMARK = "benchmark", _("Calibration benchmark")
    SECOND = "second", _("Second score")


class RegularReviews(models.Manager):
    """`Review.objects`: regular reviews only, so that no page, list, record or export can show a
    calibration or second score by accident. `Review.every_kind` has them all."""

    def get_queryset(self):
        return super().get_queryset().filter(kind=ReviewKind.REGULAR)


class Review(models.Model):
    """One interaction scored against a pinned rubric version, with sandwich feedback.

    Answers, comments and root causes are keyed by criterion id (as text). The score fields, and
    the rows per criterion and section (`results`, `section_results`), are what the scoring
    engine computed from the answers when they were saved: `manage.py verify_scores` checks that
    they still agree.
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
    kind = models.CharField(max_length=20, choices=ReviewKind.choices, default=ReviewKind.REGULAR)
    # a calibration score or benchmark: the session's interaction it scores
    calibration_item = models.ForeignKey(
        "reviews.CalibrationItem", on_delete=models.CASCADE, null=True, blank=True, related_name="scores"
    )
    # a second score: the regular review it scores again, blind
    second_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="seconds"
    )
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
    causes = models.JSONField(default=dict, blank=True)  # criterion id -> root cause id, for misses
    # Criteria answered from the interaction's data (scoring.data_answers): criterion id -> the
    # data's answer as last read; and the reviewer's reason wherever their answer differs from it.
    data_answers = models.JSONField(default=dict, blank=True)
    overrides = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)  # last time the agent was told
    # The reviewer's active time on it while a draft (services.activity): seconds, and the last sign
    # of work.
    active_seconds = models.PositiveIntegerField(default=0)
    active_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    agent_seen_at = models.DateTimeField(null=True, blank=True)
    # Where the review sits in the default lists: unread by the agent first, then drafts, then
    # the rest (each newest first). Kept by the database from the columns above, so an index
    # serves "unread first" without reading every review (bench: 0.64 s a page at 100,000).
    list_rank = models.GeneratedField(
        expression=Case(
            When(
                ~Q(status=ReviewStatus.DRAFT)
                & (Q(agent_seen_at__isnull=True) | Q(agent_seen_at__lt=F("released_at"))),
                then=Value(RANK_UNREAD),
            ),
            When(status=ReviewStatus.DRAFT, then=Value(RANK_DRAFT)),
            default=Value(RANK_READ),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    # 1 once released, 0 for a draft: the lists' other orders keep drafts after the rest in both
    # directions, which NULL placement alone does differently on SQLite and PostgreSQL.
    is_released = models.GeneratedField(
        expression=Case(When(status=ReviewStatus.DRAFT, then=Value(0)), default=Value(1)),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    every_kind = models.Manager()
    objects = RegularReviews()

    class Meta:
        base_manager_name = "every_kind"
        default_manager_name = "objects"
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
            models.CheckConstraint(condition=Q(kind__in=ReviewKind.values), name="review_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind=ReviewKind.REGULAR) | Q(assignment__isnull=True),
                name="review_only_regular_assigned",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[ReviewKind.CALIBRATION, ReviewKind.BENCHMARK])
                | Q(calibration_item__isnull=False),
                name="review_calibration_has_item",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ReviewKind.SECOND) | Q(second_of__isnull=False),
                name="review_second_has_first",
            ),
            models.UniqueConstraint(
                fields=["calibration_item", "reviewer"],
                condition=Q(kind=ReviewKind.CALIBRATION),
                name="review_calibration_once_per_reviewer",
            ),
            models.UniqueConstraint(
                fields=["calibration_item"],
                condition=Q(kind=ReviewKind.BENCHMARK),
                name="review_one_benchmark",
            ),
            models.UniqueConstraint(
                fields=["second_of"], condition=Q(kind=ReviewKind.SECOND), name="review_one_second_score"
            ),
        ]
        indexes = [
            models.Index(fields=["list_rank", "released_at", "id"], name="review_list_order"),
            # The lists' date and score orders, each direction read from an index on both databases.
            models.Index(fields=["is_released", "released_at", "id"], name="review_by_date"),
            models.Index(fields=["-is_released", "released_at", "id"], name="review_by_date_asc"),
            models.Index(fields=["is_released", "total", "id"], name="review_by_score"),
            models.Index(fields=["-is_released", "total", "id"], name="review_by_score_asc"),
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
        """The agent has not opened it since it was released or last changed (`list_rank`)."""
        return self.list_rank == RANK_UNREAD


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
