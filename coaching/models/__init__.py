"""The coaching app's models, one module per domain word. Import them from here."""

from .kpis import DEFAULT_SERVICE_LEVEL_SECONDS, Direction, Kpi, KpiScheme, KpiSettings, KpiWeight
from .records import PerformanceRecord, RecordLevel
from .ladder import AgentLevel, Level, SkillLevel
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
    "DEFAULT_SERVICE_LEVEL_SECONDS", "Direction", "Kpi", "KpiScheme", "KpiSettings", "KpiWeight",
    "PerformanceRecord", "RecordLevel", "ReportJob", "ReportStatus",
    "AGENDA_SPLIT", "ActionItem", "AgentLevel", "Cadence", "CoachingSession", "CoachingSettings", "GrowNote", "ItemOwner",
    "ItemStatus", "Level", "SessionStatus", "SkillLevel", "TargetKind",
]  # fmt: skip
