from django.urls import path

from . import views

app_name = "coaching"

urlpatterns = [
    path("team/", views.team_home, name="team_home"),
    path("team/<int:pk>/", views.team_dashboard, name="team_dashboard"),
    path("records/agents/<int:pk>/", views.agent_record, name="agent_record"),
    path("my/performance/", views.my_performance, name="my_performance"),
    path("programme/", views.programme, name="programme"),
    path("kpi-schemes/", views.kpi_scheme_list, name="kpi_scheme_list"),
    path("kpi-schemes/new/", views.kpi_scheme_edit, name="kpi_scheme_create"),
    path("kpi-schemes/<int:pk>/", views.kpi_scheme_edit, name="kpi_scheme_edit"),
    path("kpi-schemes/service-levels/", views.service_levels_edit, name="service_levels_edit"),
    path("coaching/", views.workspace, name="workspace"),
    path("coaching/results/", views.coaching_results, name="coaching_results"),
    path("coaching/teams/<int:team_pk>/cadence/", views.cadence_save, name="cadence_save"),
    path("coaching/ladder/", views.ladder, name="ladder"),
    path("coaching/settings/", views.coaching_settings_save, name="coaching_settings_save"),
    path("coaching/ladder/<int:pk>/", views.ladder_level_save, name="ladder_level_save"),
    path("coaching/agents/<int:agent_pk>/level/", views.level_confirm, name="level_confirm"),
    path("coaching/agents/<int:agent_pk>/plan/", views.session_plan, name="session_plan"),
    path("coaching/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("coaching/sessions/<int:pk>/agenda/", views.session_agenda, name="session_agenda"),
    path("coaching/sessions/<int:pk>/notes/", views.session_note, name="session_note"),
    path("coaching/sessions/<int:pk>/items/", views.session_item, name="session_item"),
    path(
        "coaching/sessions/<int:pk>/items/<int:item_pk>/follow-up/",
        views.session_follow_up,
        name="session_follow_up",
    ),
    path("coaching/sessions/<int:pk>/close/", views.session_close, name="session_close"),
    path("my/coaching/", views.my_coaching, name="my_coaching"),
    path("coaching/sessions/<int:pk>/acknowledge/", views.session_acknowledge, name="session_acknowledge"),
    path("coaching/items/<int:pk>/done/", views.item_done, name="item_done"),
    path("reports/", views.report_request, name="report_request"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/progress/", views.report_progress, name="report_progress"),
    path("reports/<int:pk>/restart/", views.report_restart, name="report_restart"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
]
