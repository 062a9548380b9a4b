from django.urls import path

from . import views

urlpatterns = [
    path("automation/knowledge/", views.knowledge_manage, name="knowledge-manage"),
    path("automation/knowledge/<int:pk>/", views.knowledge_manage, name="knowledge-edit"),
    path("automation/knowledge/<int:pk>/delete/", views.knowledge_delete, name="knowledge-delete"),
    path("automation/inboxes/<int:pk>/", views.inbox_settings, name="automation-inbox"),
    path("automation/rules/", views.rules_manage, name="rules-manage"),
    path("automation/rules/<int:pk>/", views.rules_manage, name="rule-edit"),
    path("automation/rules/<int:pk>/delete/", views.rule_delete, name="rule-delete"),
]
