"""Settings: agents and teams."""

from django.urls import path

from . import views

urlpatterns = [
    path("agents/", views.agent_list, name="settings-agents"),
    path("agents/invite/", views.agent_invite, name="settings-agent-invite"),
    path("agents/<int:pk>/", views.agent_edit, name="settings-agent-edit"),
    path("agents/<int:pk>/deactivate/", views.agent_deactivate, name="settings-agent-deactivate"),
    path("agents/<int:pk>/reactivate/", views.agent_reactivate, name="settings-agent-reactivate"),
    path("agents/<int:pk>/password-link/", views.agent_password_link, name="settings-agent-password-link"),
    path("teams/", views.team_list, name="settings-teams"),
    path("teams/new/", views.team_edit, name="settings-team-create"),
    path("teams/<int:pk>/", views.team_edit, name="settings-team-edit"),
    path("teams/<int:pk>/delete/", views.team_delete, name="settings-team-delete"),
]
