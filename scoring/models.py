import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import Channel

from .engine import AnswerType as EngineAnswerType


class RubricStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class AnswerType(models.TextChoices):
    YES_NO = EngineAnswerType.YES_NO.value, _("Yes / no")
    POINTS = EngineAnswerType.POINTS.value, _("Point scale")
    RATING = EngineAnswerType.RATING.value, _("Rating 1-5")


class DataField(models.TextChoices):
    """Interaction fields a criterion can be answered from (docs/scoring.md, "Answered from the data")."""

    CSAT = "csat", _("CSAT (1-5)")
    NPS = "nps", _("NPS answer (0-10)")
    EFFORT = "effort", _("Customer effort (1-7)")
    FCR = "fcr", _("Resolved on first contact")
    RESOLVED = "resolved", _("Resolved")
    HOLD_SHARE = "hold_share", _("Hold share of handle time")
    HANDLE_TIME = "handle_time", _("Handle time")
    WAIT = "wait", _("Wait before answer")


class WhenEmpty(models.TextChoices):
    """What a criterion answered from the data gets when the interaction has no value."""

    REVIEWER = "reviewer", _("Left to the reviewer")
    NA = "na", _("N/A")


PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Rubric(models.Model):
    """One version of a rubric. Versions of the same rubric share a `lineage`.

    Drafts change; published and retired versions never do (a new version is a new row), so a
    review can always refer to the exact version it was scored against.
    """

    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True, verbose_name=_("lineage"))
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RubricStatus.choices, default=RubricStatus.DRAFT
    )
    # Bumped by every saved change; a save that names an older revision is refused.
    revision = models.PositiveIntegerField(default=1, verbose_name=_("revision"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))
    retired_at = models.DateTimeField(null=True, blank=True, verbose_name=_("retired at"))

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="rubric_version_unique"),
            models.UniqueConstraint(
                fields=["lineage"],
                condition=Q(status=RubricStatus.DRAFT),
                name="rubric_one_draft_per_lineage",
            ),
            models.UniqueConstraint(
                fields=["lineage"],
                condition=Q(status=RubricStatus.PUBLISHED),
                name="rubric_one_published_per_lineage",
            ),
            models.CheckConstraint(condition=Q(status__in=RubricStatus.values), name="rubric_status_valid"),
            models.CheckConstraint(condition=Q(version__gte=1), name="rubric_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == RubricStatus.DRAFT

    @property
    def audit_group(self) -> str:
        return f"rubric:{self.lineage}"


class RubricChannel(models.Model):
    rubric = models.ForeignKey(
        Rubric, on_delete=models.CASCADE, related_name="channel_links", verbose_name=_("rubric")
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rubric", "channel"], name="rubric_channel_unique"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="rubric_channel_valid"),
        ]

    def __str__(self) -> str:
        return self.get_channel_display()


class Section(models.Model):
    rubric = models.ForeignKey(
        Rubric, on_delete=models.CASCADE, related_name="sections", verbose_name=_("rubric")
    )
    # The same section across versions of a rubric: a new version copies it, so results keyed by
    # it make one trend line however often the rubric is revised.
    identity = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True, verbose_name=_("identity"))
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(_("weight %"), max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS)
    target = models.DecimalField(_("target %"), max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS)

    class Meta:
        ordering = ["rubric", "position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0, weight__lte=100), name="section_weight_range"),
            models.CheckConstraint(condition=Q(target__gte=0, target__lte=100), name="section_target_range"),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("section")
    )
    identity = models.UUIDField(
        default=uuid.uuid4, editable=False, db_index=True, verbose_name=_("identity")
    )  # as Section's
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))
    behaviour = models.CharField(
        _("observable behaviour"),
        max_length=300,
        help_text=_("What the reviewer can see or hear, e.g. 'Confirms the customer understood'."),
    )
    guidance = models.TextField(_("guidance for the reviewer"), blank=True)
    answer_type = models.CharField(
        _("answer type"), max_length=20, choices=AnswerType.choices, default=AnswerType.YES_NO
    )
    scale_min = models.IntegerField(_("scale minimum"), default=0)
    scale_max = models.IntegerField(_("scale maximum"), default=1)
    weight = models.DecimalField(
        _("weight or points"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    na_allowed = models.BooleanField(_("N/A allowed"), default=False)
    critical = models.BooleanField(
        _("critical"), default=False, help_text=_("Failing it fails the whole review.")
    )
    # Answered from the interaction's data (scoring.data_answers): the field, its limit (at least
    # / at most, or the target of a band) and band in %, and what an empty field means.
    data_field = models.CharField(
        _("answered from the data"), max_length=20, choices=DataField.choices, blank=True
    )
    data_limit = models.DecimalField(
        _("limit or target"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    data_band = models.DecimalField(_("band ±%"), max_digits=5, decimal_places=2, null=True, blank=True)
    data_empty = models.CharField(
        _("when the data is empty"), max_length=20, choices=WhenEmpty.choices, default=WhenEmpty.REVIEWER
    )

    class Meta:
        ordering = ["section", "position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(
                condition=Q(answer_type__in=AnswerType.values), name="criterion_answer_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")), name="criterion_scale_max_above_min"
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="criterion_weight_positive"),
            models.CheckConstraint(
                condition=Q(data_field="") | Q(data_field__in=DataField.values),
                name="criterion_data_field_valid",
            ),
            models.CheckConstraint(
                condition=Q(data_empty__in=WhenEmpty.values), name="criterion_data_empty_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.behaviour


class ChannelRubric(models.Model):
    """Which rubric new reviews of a channel use, when the QA manager has chosen one. Stored by
    lineage, so publishing a new version of the chosen rubric keeps the choice."""

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, unique=True)
    lineage = models.UUIDField()
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rubric for a channel")
        verbose_name_plural = _("rubrics for channels")
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="channel_rubric_channel_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.lineage}"
