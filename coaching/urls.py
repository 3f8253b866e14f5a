from django.urls import path

from . import views

app_name = "coaching"

urlpatterns = [
    path("team/", views.team_home, name="team_home"),
    path("team/<int:pk>/", views.team_dashboard, name="team_dashboard"),
    path("records/agents/<int:pk>/", views.agent_record, name="agent_record"),
    path("my/performance/", views.my_performance, name="my_performance"),
    path("programme/", views.programme, name="programme"),
]
