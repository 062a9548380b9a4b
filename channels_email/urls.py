from django.urls import path

from . import demo_views, views, webhooks

urlpatterns = [
    path("messages/<int:message_id>/html/", views.email_html, name="email-html"),
    path("demo/", demo_views.demo_mail, name="email-demo-mail"),
    path("demo/sent/<str:file>/<int:index>/", demo_views.demo_mail_view, name="email-demo-mail-view"),
]
webhook_urlpatterns = [path("<str:key>/<str:provider>/", webhooks.inbound_webhook, name="email-inbound-webhook")]
