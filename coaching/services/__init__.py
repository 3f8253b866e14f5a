"""Writes for the coaching app, one module per domain word."""

from .records import RebuildResult, records_rebuild, records_rebuild_months, rollups_rebuild

__all__ = ["RebuildResult", "records_rebuild", "records_rebuild_months", "rollups_rebuild"]
