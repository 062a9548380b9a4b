from django.urls import path

from . import views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("notifications/", views.notifications_choose, name="profile-notifications"),
    path("tokens/", views.token_create, name="profile-token-create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="profile-token-revoke"),
]
