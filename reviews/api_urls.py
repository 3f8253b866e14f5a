from django.urls import path

from . import api

urlpatterns = [
    path("interactions/", api.InteractionListApi.as_view(), name="api_interaction_list"),
    path("interactions/import/", api.InteractionImportApi.as_view(), name="api_interaction_import"),
    path("interactions/<int:pk>/", api.InteractionDetailApi.as_view(), name="api_interaction_detail"),
]
