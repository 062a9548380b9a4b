from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.settings_home, name="settings-home"),
    path("inboxes/", include("workspace.inboxes.urls")),
    path("people/", include("workspace.people.urls")),
    path("availability/", include("workspace.availability.urls")),
    path("tags/", include("workspace.tags.urls")),
    path("audit/", include("workspace.audit_log.urls")),
]
