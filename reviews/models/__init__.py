"""The reviews app's models, one module per domain word: interactions, imports, sampling,
reviews. Import them from here."""

from .imports import ColumnMapping, ImportJob, ImportStatus
from .interactions import DERIVED_FIELDS, Interaction, local_parts, sample_key
from .reviews import Assignment, AssignmentStatus, Review, ReviewChange, ReviewStatus
from .sampling import DrawStatus, ReasonKind, SampleDraw, SampleItem, SamplingPolicy, SamplingQuota

__all__ = [
    "DERIVED_FIELDS",
    "Assignment",
    "AssignmentStatus",
    "ColumnMapping",
    "DrawStatus",
    "ImportJob",
    "ImportStatus",
    "Interaction",
    "ReasonKind",
    "Review",
    "ReviewChange",
    "ReviewStatus",
    "SampleDraw",
    "SampleItem",
    "SamplingPolicy",
    "SamplingQuota",
    "local_parts",
    "sample_key",
]  # fmt: skip
