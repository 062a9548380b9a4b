"""The access walk for websockets: every websocket route, through the real ASGI application
(origin check, session auth, routing), as an anonymous user, from another site, and as an agent
of another inbox. A new route fails the first test until it is walked here too."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from inbox.ingest import message_ingest
from tests.factories import inbound, make_conversation, make_inbox, make_user
from webcare.asgi import application
from webcare.routing import livechat_websocket_urlpatterns, websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)

WALKED = {"ws/inbox/", "ws/livechat/<str:widget_key>/"}
OUR_ORIGIN = b"http://localhost"


def test_every_websocket_route_is_walked_here():
    routes = {str(route.pattern) for route in [*websocket_urlpatterns, *livechat_websocket_urlpatterns]}
    assert routes == WALKED


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def open_socket(path: str, *, origin: bytes | None = OUR_ORIGIN, cookie: bytes | None = None):
    headers = [(b"host", b"localhost")]
    if origin:
        headers.append((b"origin", origin))
    if cookie:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


def test_the_agents_socket_refuses_strangers_and_shows_an_agent_only_their_own_inboxes():
    ours, theirs = make_inbox("whatsapp"), make_inbox("whatsapp")
    agent = make_user("walker", inboxes=[ours])
    cookie = session_cookie(agent)
    foreign = make_conversation(theirs)

    async def scenario():
        outcomes = {}
        _, outcomes["anonymous"], outcomes["anonymous_code"] = await open_socket("/ws/inbox/")
        _, outcomes["other_site"], _ = await open_socket("/ws/inbox/", origin=b"https://evil.example", cookie=cookie)
        _, outcomes["no_origin"], _ = await open_socket("/ws/inbox/", origin=None, cookie=cookie)

        socket, outcomes["agent"], _ = await open_socket("/ws/inbox/", cookie=cookie)
        outcomes["hello"] = await socket.receive_json_from()
        await socket.send_json_to({"action": "subscribe_conversation", "conversation_id": foreign.pk})
        outcomes["subscribe_foreign"] = await socket.receive_json_from()
        # a message in the other inbox: not a word of it reaches this socket
        await database_sync_to_async(lambda: message_ingest(inbox=theirs, inbound=inbound("wamid.walk.1")))()
        await database_sync_to_async(lambda: message_ingest(inbox=ours, inbound=inbound("wamid.walk.2")))()
        outcomes["next_event"] = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return outcomes

    outcomes = asyncio.run(scenario())
    assert (outcomes["anonymous"], outcomes["anonymous_code"]) == (False, 4401)
    assert outcomes["other_site"] is False and outcomes["no_origin"] is False
    assert outcomes["agent"] is True and outcomes["hello"]["inboxes"] == [ours.pk]
    assert outcomes["subscribe_foreign"] == {"event": "error", "error": "not_found", "conversation_id": foreign.pk}
    ours_conversation = ours.conversations.get()
    assert outcomes["next_event"]["conversation_id"] == ours_conversation.pk  # the first event is ours


def test_the_visitors_socket_refuses_unknown_keys_other_channels_and_foreign_sites():
    shop = make_inbox("livechat", config={"allowed_origins": ["https://shop.example"]})
    whatsapp = make_inbox("whatsapp")
    closed = make_inbox("livechat", is_active=False)
    agent_cookie = session_cookie(make_user("walker2", inboxes=[shop]))

    async def scenario():
        codes = {}
        for name, key, origin in [
            ("unknown", "no-such-key", b"https://shop.example"),
            ("whatsapp_key", whatsapp.public_key, b"https://shop.example"),
            ("inactive", closed.public_key, b"https://shop.example"),
            ("foreign_site", shop.public_key, b"https://evil.example"),
        ]:
            _, connected, code = await open_socket(f"/ws/livechat/{key}/", origin=origin)
            codes[name] = (connected, code)
        # an agent's session cookie means nothing on the visitors' socket
        socket, connected, _ = await open_socket(
            f"/ws/livechat/{shop.public_key}/", origin=b"https://shop.example", cookie=agent_cookie
        )
        await socket.send_json_to({"type": "message", "client_id": "c1", "text": "hi"})
        codes["message_before_hello"] = (await socket.receive_json_from())["code"]
        await socket.disconnect()
        return codes

    codes = asyncio.run(scenario())
    assert codes["unknown"] == codes["whatsapp_key"] == codes["inactive"] == (False, 4404)
    assert codes["foreign_site"] == (False, 4403)
    assert codes["message_before_hello"] == "hello_first"
