from django.urls import path

from . import views

app_name = "coaching"

urlpatterns = [
    path("team/", views.team_home, name="team_home"),
]
