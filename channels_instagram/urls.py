from django.urls import path

from . import views

urlpatterns = [path("<str:key>/", views.webhook, name="instagram-webhook")]
