"""JSON nested far deeper than anything we accept (Python's decoder raises RecursionError, not
ValueError): a signed webhook is a 400 with nothing stored, an API body a 400, a websocket frame
an error answer on a socket that stays up."""

import asyncio
import json

import pytest

from inbox.models import Conversation, Message, WebhookEvent
from kernel.json_text import MAX_DEPTH, json_loads
from tests.channels_messenger.fakes import APP_SECRET as MESSENGER_SECRET
from tests.channels_messenger.fakes import PAGE_ID
from tests.channels_messenger.fakes import sign as messenger_sign
from tests.channels_whatsapp.fakes import APP_SECRET as WA_SECRET
from tests.channels_whatsapp.fakes import PHONE_NUMBER_ID
from tests.channels_whatsapp.fakes import sign as whatsapp_sign
from tests.factories import make_conversation, make_inbox, make_token, make_user
from tests.livechat.conftest import ORIGIN, agent_connect, visitor_session
from tests.meta_graph import post_signed


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [100_000, 900, MAX_DEPTH + 1])
def test_a_signed_deeply_nested_whatsapp_webhook_is_a_400_and_nothing_is_stored(client, depth):
    inbox = make_inbox("whatsapp", external_id=PHONE_NUMBER_ID, credentials={"app_secret": WA_SECRET})
    for body in (
        nested(depth).encode(),
        ('{"object": "whatsapp_business_account", "entry": ' + nested(depth) + "}").encode(),
    ):
        response = post_signed(client, inbox, body, signature=whatsapp_sign(body))
        assert response.status_code == 400
    assert not WebhookEvent.objects.exists() and not Message.objects.exists() and not Conversation.objects.exists()


@pytest.mark.django_db
def test_a_signed_deeply_nested_messenger_webhook_is_a_400_and_nothing_is_stored(client):
    inbox = make_inbox("messenger", external_id=PAGE_ID, credentials={"app_secret": MESSENGER_SECRET})
    body = ('{"object": "page", "entry": ' + nested(100_000) + "}").encode()
    assert post_signed(client, inbox, body, signature=messenger_sign(body)).status_code == 400
    assert not WebhookEvent.objects.exists() and not Message.objects.exists()


def test_json_as_deep_as_we_accept_still_loads():
    assert json_loads(nested(MAX_DEPTH)) is not None
    assert json_loads('{"a": [{"b": 1}]}') == {"a": [{"b": 1}]}
    with pytest.raises(ValueError):
        json_loads(nested(100_000))


@pytest.mark.django_db
def test_a_deeply_nested_api_body_is_a_400(client):
    inbox = make_inbox("livechat")
    agent = make_user("anna", inboxes=[inbox])
    conversation = make_conversation(inbox)
    headers = {"HTTP_AUTHORIZATION": f"Token {make_token(agent)}"}
    url = f"/api/v1/conversations/{conversation.pk}/"
    for path, method in ((url + "messages/", client.post), (url, client.patch)):
        body = '{"text": ' + nested(100_000) + "}"
        response = method(path, data=body, content_type="application/json", **headers)
        assert response.status_code == 400, path
    assert not Message.objects.filter(conversation=conversation).exists()


@pytest.mark.django_db(transaction=True)
def test_a_deeply_nested_frame_is_answered_and_the_agent_socket_stays_up():
    agent = make_user("anna", inboxes=[make_inbox("whatsapp")])

    async def scenario():
        communicator = await agent_connect(agent)
        await communicator.send_to(text_data=nested(1_900))  # within the 4,000-character frame limit
        answer = await communicator.receive_json_from(timeout=3)
        await communicator.send_json_to({"action": "ping"})
        pong = await communicator.receive_json_from(timeout=3)
        await communicator.disconnect()
        return answer, pong

    answer, pong = asyncio.run(scenario())
    assert answer == {"event": "error", "error": "bad_frame"} and pong["event"] == "pong"


@pytest.mark.django_db(transaction=True)
def test_a_deeply_nested_frame_is_answered_and_the_visitor_socket_stays_up():
    inbox = make_inbox("livechat", name="Shop", config={"allowed_origins": [ORIGIN]})

    async def scenario():
        communicator, session = await visitor_session(inbox, ip="10.9.8.7")
        await communicator.send_to(text_data=nested(9_000))  # within the 20,000-character frame limit
        answer = await communicator.receive_json_from(timeout=3)
        await communicator.send_json_to({"type": "ping"})
        pong = await communicator.receive_json_from(timeout=3)
        await communicator.disconnect()
        return session, answer, pong

    session, answer, pong = asyncio.run(scenario())
    assert session["type"] == "session" and answer["type"] == "error" and pong["type"] == "pong"
    assert json.dumps(answer)
