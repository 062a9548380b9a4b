from django.urls import path

from . import views, webhooks

urlpatterns = [path("messages/<int:message_id>/html/", views.email_html, name="email-html")]
webhook_urlpatterns = [path("<str:key>/<str:provider>/", webhooks.inbound_webhook, name="email-inbound-webhook")]
