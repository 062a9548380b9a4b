from django.urls import path

from . import api, views

urlpatterns = [path("<str:key>/", views.webhook, name="whatsapp-webhook")]

api_urlpatterns = [
    path("inboxes/<int:pk>/templates/", api.TemplateList.as_view(), name="api-whatsapp-templates"),
    path("inboxes/<int:pk>/templates/sync/", api.TemplateSync.as_view(), name="api-whatsapp-templates-sync"),
]
