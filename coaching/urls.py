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
    path("my/coaching/", views.my_coaching, name="my_coaching"),
    path("coaching/sessions/<int:pk>/acknowledge/", views.session_acknowledge, name="session_acknowledge"),
    path("coaching/items/<int:pk>/done/", views.item_done, name="item_done"),
    path("reports/", views.report_request, name="report_request"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/progress/", views.report_progress, name="report_progress"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
]
