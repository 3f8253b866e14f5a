from django.urls import path

from . import api

urlpatterns = [
    path("rubrics/", api.RubricListApi.as_view(), name="api_rubric_list"),
    path("rubrics/<int:pk>/", api.RubricDetailApi.as_view(), name="api_rubric_detail"),
    path("rubrics/<int:pk>/publish/", api.RubricPublishApi.as_view(), name="api_rubric_publish"),
    path("rubrics/<int:pk>/retire/", api.RubricRetireApi.as_view(), name="api_rubric_retire"),
    path("rubrics/<int:pk>/new-version/", api.RubricNewVersionApi.as_view(), name="api_rubric_new_version"),
]
