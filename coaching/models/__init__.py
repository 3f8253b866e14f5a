"""The coaching app's models, one module per domain word. Import them from here."""

from .kpis import DEFAULT_SERVICE_LEVEL_SECONDS, Direction, Kpi, KpiScheme, KpiSettings, KpiWeight
from .records import PerformanceRecord, RecordLevel
from .reports import ReportJob, ReportStatus

__all__ = [
    "DEFAULT_SERVICE_LEVEL_SECONDS", "Direction", "Kpi", "KpiScheme", "KpiSettings", "KpiWeight",
    "PerformanceRecord", "RecordLevel", "ReportJob", "ReportStatus",
]  # fmt: skip
