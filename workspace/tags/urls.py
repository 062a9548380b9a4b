"""Settings: the tag lists (conversation tags and contact tags)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.tag_list, name="settings-tags"),
    path("<str:kind>/new/", views.tag_create, name="settings-tag-create"),
    path("<str:kind>/<int:pk>/", views.tag_update, name="settings-tag-update"),
    path("<str:kind>/<int:pk>/delete/", views.tag_delete, name="settings-tag-delete"),
    path("<str:kind>/<int:pk>/merge/", views.tag_merge, name="settings-tag-merge"),
]
