from django.urls import path

from .webhook import app_webhook

urlpatterns = [path("<str:key>/", app_webhook, name="meta-app-webhook")]
