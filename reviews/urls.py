from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("assignments/<int:pk>/skip/", views.assignment_skip, name="assignment_skip"),
    path("my-feedback/", views.my_feedback, name="my_feedback"),
    path("assignments/<int:pk>/score/", views.review_open, name="review_open"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/score/", views.review_score, name="review_score"),
    path("reviews/<int:pk>/live/", views.review_live, name="review_live"),
    path("reviews/<int:pk>/active/", views.review_active, name="review_active"),
    path("reviews/<int:pk>/submit/", views.review_submit, name="review_submit"),
    path("reviews/<int:pk>/acknowledge/", views.review_acknowledge, name="review_acknowledge"),
    path("reviews/<int:pk>/dispute/", views.review_dispute, name="review_dispute"),
    path("disputes/<int:pk>/decide/", views.dispute_decide, name="dispute_decide"),
    path("interactions/<int:pk>/", views.interaction_detail, name="interaction_detail"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("sampling/", views.sampling_home, name="sampling"),
    path("sampling/status/", views.draw_status, name="draw_status"),
    path("disputes/", views.dispute_list, name="dispute_list"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute_detail"),
    path("calibration/", views.calibration_list, name="calibration_list"),
    path("calibration/settings/", views.trust_settings, name="trust_settings"),
    path("root-causes/", views.root_causes, name="root_causes"),
    path("autoqa/", views.autoqa_rules, name="autoqa_rules"),
    path("autoqa/rules/new/", views.autoqa_rule_edit, name="autoqa_rule_create"),
    path("autoqa/rules/<int:pk>/", views.autoqa_rule_edit, name="autoqa_rule_edit"),
    path("calibration/new/", views.calibration_create, name="calibration_create"),
    path("calibration/reviewers/", views.calibration_reviewers, name="calibration_reviewers"),
    path("calibration/<int:pk>/", views.calibration_detail, name="calibration_detail"),
    path("calibration/<int:pk>/meeting/", views.calibration_meeting, name="calibration_meeting"),
    path("calibration/<int:pk>/reveal/", views.calibration_reveal, name="calibration_reveal"),
    path("calibration/<int:pk>/close/", views.calibration_close, name="calibration_close"),
    path("calibration/<int:pk>/guidance/", views.calibration_guidance, name="calibration_guidance"),
    path(
        "calibration/<int:pk>/items/<int:item_pk>/benchmark/",
        views.calibration_benchmark,
        name="calibration_benchmark",
    ),
]
