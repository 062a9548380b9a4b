"""Websocket routes of every app. Agents' sockets and the visitors' live-chat sockets are kept
apart because they pass different checks (see webcare/asgi.py)."""

from django.urls import path

from inbox.consumers import AgentConsumer
from livechat.consumers import VisitorConsumer

# Agents: session auth, allowed-hosts origin check.
websocket_urlpatterns = [
    path("ws/inbox/", AgentConsumer.as_asgi()),
]

# Visitors on other websites: the consumer checks the widget key and the inbox's allowed origins.
livechat_websocket_urlpatterns = [
    path("ws/livechat/<str:widget_key>/", VisitorConsumer.as_asgi()),
]
