from django.urls import path

from . import views

urlpatterns = [
    path("automation/knowledge/", views.knowledge_manage, name="knowledge-manage"),
    path("automation/knowledge/<int:pk>/", views.knowledge_manage, name="knowledge-edit"),
    path("automation/knowledge/<int:pk>/delete/", views.knowledge_delete, name="knowledge-delete"),
]
