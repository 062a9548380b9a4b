from django.urls import path

from . import transfer_views, views
from .api import views as api_views

urlpatterns = [
    path("contacts/", views.contact_list, name="contact-list"),
    path("contacts/bulk-tag/", views.contacts_bulk_tag, name="contacts-bulk-tag"),
    path("contacts/lookup/", views.contact_lookup, name="contact-lookup"),
    path("contacts/suggestions/", views.suggestion_list, name="contact-suggestions"),
    path(
        "contacts/suggestions/<int:pk>/<str:decision>/",
        views.suggestion_decide,
        name="contact-suggestion-decide",
    ),
    path("contacts/merges/<int:pk>/undo/", views.merge_undo, name="contact-merge-undo"),
    path("contacts/import/", transfer_views.contact_import, name="contact-import"),
    path("contacts/import/<int:pk>/", transfer_views.contact_import_progress, name="contact-import-progress"),
    path("contacts/export.csv", transfer_views.contact_export, name="contact-export"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact-detail"),
    path("contacts/<int:pk>/panel/", views.contact_panel, name="contact-panel"),
    path("contacts/<int:pk>/field/", views.contact_field, name="contact-field"),
    path("contacts/<int:pk>/tags/", views.contact_tags, name="contact-tags"),
    path("contacts/<int:pk>/notes/", views.contact_note, name="contact-note"),
    path("contacts/<int:pk>/merge/", views.contact_merge, name="contact-merge"),
    path("contacts/<int:pk>/start/", views.contact_start, name="contact-start"),
    path("contacts/<int:pk>/gdpr-export/", transfer_views.contact_gdpr_export, name="contact-gdpr-export"),
    path("contacts/<int:pk>/erase/", transfer_views.contact_erase, name="contact-erase"),
]

api_urlpatterns = [
    path("contacts/", api_views.ContactList.as_view(), name="api-contact-list"),
    path("contacts/<int:pk>/", api_views.ContactDetail.as_view(), name="api-contact-detail"),
    path("contacts/<int:pk>/merge/", api_views.ContactMerge.as_view(), name="api-contact-merge"),
    path("contacts/merges/<int:pk>/undo/", api_views.ContactMergeUndo.as_view(), name="api-contact-merge-undo"),
]
