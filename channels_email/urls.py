from django.urls import path

from . import views

urlpatterns = [path("messages/<int:message_id>/html/", views.email_html, name="email-html")]
