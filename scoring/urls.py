from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("rubrics/", views.rubric_list_view, name="rubric_list"),
    path("rubrics/new/", views.rubric_create_view, name="rubric_create"),
    path("rubrics/channels/", views.channel_rubric_view, name="channel_rubrics"),
    path("rubrics/<int:pk>/", views.rubric_detail_view, name="rubric_detail"),
    path("rubrics/<int:pk>/edit/", views.rubric_edit_view, name="rubric_edit"),
    path("rubrics/<int:pk>/publish/", views.rubric_publish_view, name="rubric_publish"),
    path("rubrics/<int:pk>/retire/", views.rubric_retire_view, name="rubric_retire"),
    path("rubrics/<int:pk>/new-version/", views.rubric_new_version_view, name="rubric_new_version"),
    path("rubrics/<int:pk>/discard/", views.rubric_discard_view, name="rubric_discard"),
]
