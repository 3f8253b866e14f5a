from django.urls import path

from . import api

urlpatterns = [
    path("records/", api.RecordListApi.as_view(), name="api_record_list"),
]
