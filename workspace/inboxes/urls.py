"""Settings: inboxes."""

from django.urls import path

from . import meta_apps, views

urlpatterns = [
    path("", views.inbox_list, name="settings-inboxes"),
    path("meta-apps/", meta_apps.meta_app_list, name="settings-meta-apps"),
    path("meta-apps/new/", meta_apps.meta_app_new, name="settings-meta-app-new"),
    path("meta-apps/<int:pk>/", meta_apps.meta_app_detail, name="settings-meta-app"),
    path("meta-apps/<int:pk>/secret/", meta_apps.meta_app_secret, name="settings-meta-app-secret"),
    path("new/", views.inbox_new, name="settings-inbox-new"),
    path("new/<str:kind>/", views.inbox_create, name="settings-inbox-create"),
    path("<int:pk>/", views.inbox_detail, name="settings-inbox"),
    path("<int:pk>/test/", views.inbox_test, name="settings-inbox-test"),
    path("<int:pk>/members/", views.inbox_members, name="settings-inbox-members"),
    path("<int:pk>/service/", views.inbox_service, name="settings-inbox-service"),
    path("<int:pk>/active/", views.inbox_active, name="settings-inbox-active"),
    path("<int:pk>/preview/", views.inbox_preview, name="settings-inbox-preview"),
]
