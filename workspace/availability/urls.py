"""Settings: availability (the team's status; leads set someone Away)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.team_availability, name="settings-availability"),
    path("rows/", views.team_availability_rows, name="settings-availability-rows"),
    path("<int:user_id>/away/", views.agent_set_away, name="settings-availability-away"),
]
