"""The coaching app's REST API, one module per domain word: records (and the report) and
sessions (1-on-1s, GROW notes, action items)."""

from .records import RecordListApi, ReportDetailApi, ReportDownloadApi, ReportRequestApi, ReportRestartApi
from .sessions import (
    ItemDoneApi,
    ItemListApi,
    SessionAcknowledgeApi,
    SessionCloseApi,
    SessionDetailApi,
    SessionItemCreateApi,
    SessionListApi,
    SessionNoteCreateApi,
)

__all__ = [
    "ItemDoneApi", "ItemListApi", "RecordListApi", "ReportDetailApi", "ReportDownloadApi", "ReportRequestApi", "ReportRestartApi",
    "SessionAcknowledgeApi", "SessionCloseApi", "SessionDetailApi", "SessionItemCreateApi", "SessionListApi",
    "SessionNoteCreateApi",
]  # fmt: skip
