"""Live-chat test helpers: visitor sockets through the real websocket routes."""

import asyncio
import uuid

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from livechat import limits
from webcare.routing import livechat_websocket_urlpatterns, websocket_urlpatterns

ORIGIN = "https://shop.example"
visitor_app = URLRouter(livechat_websocket_urlpatterns)
agent_app = URLRouter(websocket_urlpatterns)


@pytest.fixture(autouse=True)
def _fresh_limits(monkeypatch):
    """Rate-limit counters live in the shared cache (Redis in CI): give each test its own."""
    monkeypatch.setattr(limits, "KEY_PREFIX", f"test-livechat:{uuid.uuid4().hex}")


async def visitor_connect(inbox, *, origin=ORIGIN, ip="10.0.0.1", key=None):
    headers = [(b"origin", origin.encode())] if origin else []
    communicator = WebsocketCommunicator(visitor_app, f"/ws/livechat/{key or inbox.public_key}/", headers=headers)
    communicator.scope["client"] = (ip, 50000)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def visitor_session(inbox, token=None, **hello):
    """Connect and say hello; returns (communicator, session frame)."""
    communicator, connected, code = await visitor_connect(
        inbox, **{k: hello.pop(k) for k in ("origin", "ip") if k in hello}
    )
    assert connected, f"refused with {code}"
    await communicator.send_json_to({"type": "hello", "token": token, **hello})
    session = await communicator.receive_json_from(timeout=3)
    return communicator, session


async def agent_connect(user):
    communicator = WebsocketCommunicator(agent_app, "/ws/inbox/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    await communicator.receive_json_from()  # hello
    return communicator


async def next_frame(communicator, kind, *, timeout=3, key="type"):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        frame = await communicator.receive_json_from(timeout=max(deadline - loop.time(), 0.01))
        if frame.get(key) == kind:
            return frame


async def say(communicator, client_id, text, **extra):
    await communicator.send_json_to({"type": "message", "client_id": client_id, "text": text, **extra})
    return await communicator.receive_json_from(timeout=3)
