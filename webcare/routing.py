"""Websocket routes of every app, collected in one list."""

from django.urls import path

from inbox.consumers import AgentConsumer

websocket_urlpatterns = [
    path("ws/inbox/", AgentConsumer.as_asgi()),
]
