"""The coaching app's models, one module per domain word. Import them from here."""

from .kpis import DEFAULT_SERVICE_LEVEL_SECONDS, Direction, Kpi, KpiScheme, KpiSettings, KpiWeight
from .ladder import AgentLevel, Level, SkillLevel
from .records import PerformanceRecord, RecordLevel
from .reports import ReportJob, ReportStatus
from .sessions import (
    AGENDA_SPLIT,
    ActionItem,
    Cadence,
    CoachingSession,
    CoachingSettings,
    GrowNote,
    ItemOwner,
    ItemStatus,
    SessionStatus,
    TargetKind,
)

__all__ = [
    "AGENDA_SPLIT",
    "DEFAULT_SERVICE_LEVEL_SECONDS",
    "ActionItem",
    "AgentLevel",
    "Cadence",
    "CoachingSession",
    "CoachingSettings",
    "Direction",
    "GrowNote",
    "ItemOwner",
    "ItemStatus",
    "Kpi",
    "KpiScheme",
    "KpiSettings",
    "KpiWeight",
    "Level",
    "PerformanceRecord",
    "RecordLevel",
    "ReportJob",
    "ReportStatus",
    "SessionStatus",
    "SkillLevel",
    "TargetKind",
]  # fmt: skip
