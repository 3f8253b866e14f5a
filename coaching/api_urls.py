from django.urls import path

from . import api

urlpatterns = [
    path("records/", api.RecordListApi.as_view(), name="api_record_list"),
    path("reports/", api.ReportRequestApi.as_view(), name="api_report_request"),
    path("reports/<int:pk>/", api.ReportDetailApi.as_view(), name="api_report_detail"),
    path("reports/<int:pk>/download/", api.ReportDownloadApi.as_view(), name="api_report_download"),
]
