from django.urls import path

from . import api, api_autoqa, api_calibration, api_trust

urlpatterns = [
    path("interactions/", api.InteractionListApi.as_view(), name="api_interaction_list"),
    path("interactions/import/", api.InteractionImportApi.as_view(), name="api_interaction_import"),
    path("interactions/<int:pk>/", api.InteractionDetailApi.as_view(), name="api_interaction_detail"),
    path("reviews/", api.ReviewListApi.as_view(), name="api_review_list"),
    path("reviews/start/", api.ReviewStartApi.as_view(), name="api_review_start"),
    path("reviews/<int:pk>/", api.ReviewDetailApi.as_view(), name="api_review_detail"),
    path("reviews/<int:pk>/save/", api.ReviewSaveApi.as_view(), name="api_review_save"),
    path("reviews/<int:pk>/submit/", api.ReviewSubmitApi.as_view(), name="api_review_submit"),
    path("reviews/<int:pk>/change/", api.ReviewChangeApi.as_view(), name="api_review_change"),
    path("reviews/<int:pk>/acknowledge/", api.ReviewAcknowledgeApi.as_view(), name="api_review_acknowledge"),
    path("reviews/<int:pk>/dispute/", api_trust.DisputeOpenApi.as_view(), name="api_review_dispute"),
    path("disputes/", api_trust.DisputeListApi.as_view(), name="api_dispute_list"),
    path("disputes/<int:pk>/", api_trust.DisputeDetailApi.as_view(), name="api_dispute_detail"),
    path("disputes/<int:pk>/decide/", api_trust.DisputeDecideApi.as_view(), name="api_dispute_decide"),
    path("agreement/", api_trust.AgreementApi.as_view(), name="api_agreement"),
    path("calibration/", api_calibration.CalibrationListApi.as_view(), name="api_calibration_list"),
    path(
        "calibration/<int:pk>/", api_calibration.CalibrationDetailApi.as_view(), name="api_calibration_detail"
    ),
    path(
        "calibration/<int:pk>/items/<int:item_pk>/score/",
        api_calibration.CalibrationScoreApi.as_view(),
        name="api_calibration_score",
    ),
    path(
        "calibration/<int:pk>/items/<int:item_pk>/benchmark/",
        api_calibration.CalibrationBenchmarkApi.as_view(),
        name="api_calibration_benchmark",
    ),
    path(
        "calibration/<int:pk>/reveal/",
        api_calibration.CalibrationRevealApi.as_view(),
        name="api_calibration_reveal",
    ),
    path(
        "calibration/<int:pk>/close/",
        api_calibration.CalibrationCloseApi.as_view(),
        name="api_calibration_close",
    ),
    path("root-causes/", api_trust.RootCauseListApi.as_view(), name="api_root_causes"),
    path("autoqa/rules/", api_autoqa.RuleListApi.as_view(), name="api_autoqa_rules"),
    path("autoqa/rules/<int:pk>/", api_autoqa.RuleDetailApi.as_view(), name="api_autoqa_rule"),
    path("autoqa/agreement/", api_autoqa.RuleAgreementApi.as_view(), name="api_autoqa_agreement"),
    path(
        "interactions/<int:pk>/verdicts/",
        api_autoqa.InteractionVerdictsApi.as_view(),
        name="api_interaction_verdicts",
    ),
    path("productivity/", api_autoqa.ProductivityApi.as_view(), name="api_productivity"),
]
