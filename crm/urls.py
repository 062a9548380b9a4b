from django.urls import path

from .api import views as api_views

api_urlpatterns = [
    path("contacts/", api_views.ContactList.as_view(), name="api-contact-list"),
    path("contacts/<int:pk>/", api_views.ContactDetail.as_view(), name="api-contact-detail"),
    path("contacts/<int:pk>/merge/", api_views.ContactMerge.as_view(), name="api-contact-merge"),
]
