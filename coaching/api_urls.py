from django.urls import path

from . import api

urlpatterns = [
    path("records/", api.RecordListApi.as_view(), name="api_record_list"),
    path("coaching/sessions/", api.SessionListApi.as_view(), name="api_session_list"),
    path("coaching/sessions/<int:pk>/", api.SessionDetailApi.as_view(), name="api_session_detail"),
    path("coaching/sessions/<int:pk>/notes/", api.SessionNoteCreateApi.as_view(), name="api_session_note"),
    path("coaching/sessions/<int:pk>/items/", api.SessionItemCreateApi.as_view(), name="api_session_item"),
    path("coaching/sessions/<int:pk>/close/", api.SessionCloseApi.as_view(), name="api_session_close"),
    path(
        "coaching/sessions/<int:pk>/acknowledge/",
        api.SessionAcknowledgeApi.as_view(),
        name="api_session_acknowledge",
    ),
    path("coaching/items/", api.ItemListApi.as_view(), name="api_item_list"),
    path("coaching/items/<int:pk>/done/", api.ItemDoneApi.as_view(), name="api_item_done"),
    path("reports/", api.ReportRequestApi.as_view(), name="api_report_request"),
    path("reports/<int:pk>/", api.ReportDetailApi.as_view(), name="api_report_detail"),
    path("reports/<int:pk>/download/", api.ReportDownloadApi.as_view(), name="api_report_download"),
    path("reports/<int:pk>/restart/", api.ReportRestartApi.as_view(), name="api_report_restart"),
]
