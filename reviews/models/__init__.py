"""The reviews app's models, one module per domain word: interactions, imports, sampling,
reviews. Import them from here."""

from .autoqa import AutoVerdict, TranscriptRule
from .imports import ColumnMapping, ImportJob, ImportStatus
from .interactions import DERIVED_FIELDS, Interaction, local_parts, sample_key
from .results import SEEDED_CAUSES, CriterionResult, RootCause, SectionResult
from .reviews import Assignment, AssignmentStatus, Review, ReviewChange, ReviewKind, ReviewStatus
from .sampling import DrawStatus, ReasonKind, SampleDraw, SampleItem, SamplingPolicy, SamplingQuota
from .trust import (
    BenchmarkKind,
    CalibrationItem,
    CalibrationSession,
    CalibrationStatus,
    Decision,
    Dispute,
    DisputedCriterion,
    DisputeStatus,
    TrustSettings,
)

__all__ = [
    "DERIVED_FIELDS",
    "SEEDED_CAUSES",
    "Assignment",
    "AssignmentStatus",
    "AutoVerdict",
    "BenchmarkKind",
    "CalibrationItem",
    "CalibrationSession",
    "CalibrationStatus",
    "ColumnMapping",
    "CriterionResult",
    "Decision",
    "Dispute",
    "DisputeStatus",
    "DisputedCriterion",
    "DrawStatus",
    "ImportJob",
    "ImportStatus",
    "Interaction",
    "ReasonKind",
    "Review",
    "ReviewChange",
    "ReviewKind",
    "ReviewStatus",
    "RootCause",
    "SampleDraw",
    "SampleItem",
    "SamplingPolicy",
    "SamplingQuota",
    "SectionResult",
    "TranscriptRule",
    "TrustSettings",
    "local_parts",
    "sample_key",
]  # fmt: skip
