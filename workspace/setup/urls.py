from django.urls import path

from . import views

urlpatterns = [path("", views.setup_page, name="first-run")]
