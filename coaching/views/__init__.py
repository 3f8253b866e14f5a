"""The coaching app's pages, one module per domain word: records (dashboards, KPI schemes and the
report) and sessions (1-on-1s, notes and action items)."""

from .records import (
    agent_record,
    kpi_scheme_edit,
    kpi_scheme_list,
    my_performance,
    programme,
    report_detail,
    report_download,
    report_progress,
    report_request,
    service_levels_edit,
    team_dashboard,
    team_home,
)
from .sessions import (
    coaching_results,
    item_done,
    my_coaching,
    session_acknowledge,
    session_agenda,
    session_close,
    session_detail,
    session_follow_up,
    session_item,
    session_note,
    session_plan,
    workspace,
)

__all__ = [
    "agent_record", "coaching_results", "item_done", "kpi_scheme_edit", "kpi_scheme_list", "my_coaching", "my_performance",
    "programme", "report_detail", "report_download", "report_progress", "report_request",
    "service_levels_edit", "session_acknowledge", "session_agenda", "session_close", "session_detail",
    "session_follow_up", "session_item", "session_note", "session_plan", "team_dashboard", "team_home",
    "workspace",
]  # fmt: skip
