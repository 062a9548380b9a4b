from django.urls import path

from . import views
from .api import views as api_views

app_name = "inbox"

urlpatterns = [
    path("", views.home, name="home"),
]

api_urlpatterns = [
    path("conversations/", api_views.ConversationList.as_view(), name="api-conversation-list"),
    path("conversations/<int:pk>/", api_views.ConversationDetail.as_view(), name="api-conversation-detail"),
    path("conversations/<int:pk>/messages/", api_views.MessageListCreate.as_view(), name="api-message-list"),
]
