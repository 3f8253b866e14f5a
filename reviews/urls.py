from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("assignments/<int:pk>/skip/", views.assignment_skip, name="assignment_skip"),
    path("my-feedback/", views.my_feedback, name="my_feedback"),
    path("interactions/<int:pk>/", views.interaction_detail, name="interaction_detail"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("sampling/", views.sampling_home, name="sampling"),
    path("sampling/status/", views.draw_status, name="draw_status"),
]
