"""Each review's results as rows: one per criterion (its answer, points, comment and root cause)
and one per section, written by the review services with the review in one transaction.

The rows are what per-criterion work reads (records, calibration, agreement, disputes) without
unpacking the review's JSON; `manage.py verify_scores` checks that they match the engine's result
for the stored answers and `--fix` writes them again where they do not.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .reviews import Review

# The causes a new installation starts with: code -> (name, the agent's own?).
SEEDED_CAUSES = {
    "agent": (_("The agent"), True),
    "process": (_("A process"), False),
    "product": (_("The product"), False),
    "policy": (_("A policy"), False),
    "system": (_("A system"), False),
}


class RootCause(models.Model):
    """Why a criterion was missed: the agent, a process, the product, a policy, a system… (a list
    QA managers edit). Misses of a cause the agent does not control are left out of the
    agent-controllable score."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    agent_controllable = models.BooleanField(
        _("the agent's own"), default=False, help_text=_("Misses of this cause count against the agent.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("offered to reviewers"), default=True)
    code = models.SlugField(
        max_length=30, blank=True, editable=False
    )  # the seeded ones: their name translates

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name to show: a seeded cause's in the reader's language until a manager renames it."""
        seeded = SEEDED_CAUSES.get(self.code)
        return str(seeded[0]) if seeded else self.name


class CriterionResult(models.Model):
    """One criterion of one review: the answer as given, the engine's score (0-100) and points
    (weight × fraction; None for N/A or while unanswered), the reviewer's comment and, for a
    miss, its root cause."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey("scoring.Criterion", on_delete=models.PROTECT, related_name="+")
    identity = models.UUIDField(db_index=True)  # the criterion across rubric versions
    section_identity = models.UUIDField()
    answer = models.CharField(max_length=12, blank=True)  # "yes" | "no" | "na" | a number; "" unanswered
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(max_digits=11, decimal_places=4, null=True, blank=True)
    maximum = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    comment = models.TextField(blank=True)
    root_cause = models.ForeignKey(
        RootCause, on_delete=models.PROTECT, null=True, blank=True, related_name="results"
    )

    class Meta:
        ordering = ["review", "id"]
        verbose_name = _("criterion result")
        verbose_name_plural = _("criterion results")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="criterion_result_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="criterion_result_score_range",
            ),
            models.CheckConstraint(
                condition=Q(root_cause__isnull=True) | Q(score__lt=100), name="criterion_result_cause_on_miss"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id} · {self.criterion_id}: {self.answer or '—'}"


class SectionResult(models.Model):
    """One section of one review as the engine scored it (complete reviews only)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="section_results")
    section = models.ForeignKey("scoring.Section", on_delete=models.PROTECT, related_name="+")
    identity = models.UUIDField(db_index=True)
    weight = models.DecimalField(max_digits=5, decimal_places=2)
    target = models.DecimalField(max_digits=5, decimal_places=2)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)  # None: dropped
    attainment = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    met = models.BooleanField(null=True)
    dropped = models.BooleanField(default=False)

    class Meta:
        ordering = ["review", "id"]
        verbose_name = _("section result")
        verbose_name_plural = _("section results")
        constraints = [models.UniqueConstraint(fields=["review", "section"], name="section_result_once")]

    def __str__(self) -> str:
        return f"{self.review_id} · {self.section_id}: {self.score}"
