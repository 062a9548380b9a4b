"""Live events reach exactly the agents who may see them, and only after commit."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import transaction

from inbox.ingest import message_ingest
from kernel import realtime
from tests.factories import inbound, make_inbox, make_user
from webcare.routing import websocket_urlpatterns

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.smoke]

application = URLRouter(websocket_urlpatterns)


async def _connect(user):
    communicator = WebsocketCommunicator(application, "/ws/inbox/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


async def _next_event(communicator, event, timeout=3):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        payload = await communicator.receive_json_from(timeout=max(deadline - loop.time(), 0.01))
        if payload.get("event") == event:
            return payload


def test_anonymous_sockets_are_refused():
    from django.contrib.auth.models import AnonymousUser

    async def scenario():
        communicator, connected, code = await _connect(AnonymousUser())
        await communicator.disconnect()
        return connected, code

    connected, code = asyncio.run(scenario())
    assert not connected and code == 4401


def test_a_new_message_reaches_members_of_its_inbox_and_nobody_else():
    inbox_a, inbox_b = make_inbox("whatsapp"), make_inbox("whatsapp")
    anna = make_user("anna", inboxes=[inbox_a])
    bert = make_user("bert", inboxes=[inbox_b])

    async def scenario():
        anna_ws, _, _ = await _connect(anna)
        bert_ws, _, _ = await _connect(bert)
        assert (await anna_ws.receive_json_from())["inboxes"] == [inbox_a.pk]
        await bert_ws.receive_json_from()

        message = await database_sync_to_async(
            lambda: message_ingest(inbox=inbox_a, inbound=inbound("wamid.live")).message
        )()
        event = await _next_event(anna_ws, "message_created")
        bert_got_nothing = await bert_ws.receive_nothing(timeout=0.5)
        await anna_ws.disconnect()
        await bert_ws.disconnect()
        return message, event, bert_got_nothing

    message, event, bert_got_nothing = asyncio.run(scenario())
    assert event["message_id"] == message.pk
    assert event["conversation_id"] == message.conversation_id
    assert event["version"] >= 1
    assert bert_got_nothing


def test_joining_a_conversation_of_another_inbox_is_refused():
    inbox_a, inbox_b = make_inbox("livechat"), make_inbox("livechat")
    anna = make_user("anna", inboxes=[inbox_a])
    foreign = message_ingest(inbox=inbox_b, inbound=inbound("m1", sender_id="v1")).message.conversation
    own = message_ingest(inbox=inbox_a, inbound=inbound("m2", sender_id="v2")).message.conversation

    async def scenario():
        ws, _, _ = await _connect(anna)
        await ws.receive_json_from()
        await ws.send_json_to({"action": "subscribe_conversation", "conversation_id": foreign.pk})
        refused = await ws.receive_json_from()
        await ws.send_json_to({"action": "subscribe_conversation", "conversation_id": own.pk})
        accepted = await ws.receive_json_from()
        await ws.disconnect()
        return refused, accepted

    refused, accepted = asyncio.run(scenario())
    assert refused == {"event": "error", "error": "not_found", "conversation_id": foreign.pk}
    assert accepted == {"event": "subscribed", "conversation_id": own.pk}


def test_events_of_a_rolled_back_transaction_are_never_sent():
    inbox = make_inbox("livechat")
    anna = make_user("anna", inboxes=[inbox])

    async def scenario():
        ws, _, _ = await _connect(anna)
        await ws.receive_json_from()

        def write_then_fail():
            try:
                with transaction.atomic():
                    realtime.conversation_publish(
                        inbox_id=inbox.pk, conversation_id=1, event="message_created", message_id=1
                    )
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass

        await database_sync_to_async(write_then_fail)()
        nothing = await ws.receive_nothing(timeout=0.5)
        await ws.disconnect()
        return nothing

    assert asyncio.run(scenario())


def test_agents_on_the_same_conversation_see_each_others_presence_and_outsiders_hear_nothing():
    inbox, other_inbox = make_inbox("livechat"), make_inbox("livechat")
    anna = make_user("anna", inboxes=[inbox])
    anna.first_name = "Anna"
    anna.save()
    ben = make_user("ben", inboxes=[inbox])
    eve = make_user("eve", inboxes=[other_inbox])
    conversation = message_ingest(inbox=inbox, inbound=inbound("m1", sender_id="v1")).message.conversation

    async def scenario():
        sockets = {}
        for name, user in (("anna", anna), ("ben", ben), ("eve", eve)):
            sockets[name], _, _ = await _connect(user)
            await sockets[name].receive_json_from()
        for name in ("anna", "ben"):
            await sockets[name].send_json_to({"action": "subscribe_conversation", "conversation_id": conversation.pk})
            await _next_event(sockets[name], "subscribed")
        # eve cannot join, so she cannot announce herself there either
        await sockets["eve"].send_json_to({"action": "presence", "conversation_id": conversation.pk, "state": "typing"})
        await sockets["anna"].send_json_to(
            {"action": "presence", "conversation_id": conversation.pk, "state": "typing", "ask": True}
        )
        ben_sees = await _next_event(sockets["ben"], "presence")
        await sockets["anna"].disconnect()
        ben_sees_leaving = await _next_event(sockets["ben"], "presence")
        ben_heard_nothing_more = await sockets["ben"].receive_nothing(timeout=0.3)
        eve_heard = await sockets["eve"].receive_nothing(timeout=0.3)
        for name in ("ben", "eve"):
            await sockets[name].disconnect()
        return ben_sees, ben_sees_leaving, ben_heard_nothing_more, eve_heard

    ben_sees, ben_sees_leaving, ben_heard_nothing_more, eve_heard = asyncio.run(scenario())
    assert ben_sees == {
        "event": "presence",
        "conversation_id": conversation.pk,
        "user_id": anna.pk,
        "name": "Anna",
        "state": "typing",
        "ask": True,
    }
    assert ben_sees_leaving["state"] == "left" and ben_sees_leaving["user_id"] == anna.pk
    assert ben_heard_nothing_more and eve_heard  # eve's "typing" went nowhere; she heard nothing


def test_an_agent_removed_from_an_inbox_cannot_join_its_conversations_on_an_open_socket():
    inbox = make_inbox("livechat")
    anna = make_user("anna", inboxes=[inbox])
    conversation = message_ingest(inbox=inbox, inbound=inbound("m1", sender_id="v1")).message.conversation

    async def scenario():
        ws, _, _ = await _connect(anna)
        await ws.receive_json_from()
        await ws.send_json_to({"action": "subscribe_conversation", "conversation_id": conversation.pk})
        first = await ws.receive_json_from()
        await database_sync_to_async(lambda: inbox.members.remove(anna))()
        await ws.send_json_to({"action": "subscribe_conversation", "conversation_id": conversation.pk})
        second = await ws.receive_json_from()
        await ws.disconnect()
        return first, second

    first, second = asyncio.run(scenario())
    assert first["event"] == "subscribed"
    assert second == {"event": "error", "error": "not_found", "conversation_id": conversation.pk}


def test_hints_at_a_thousand_a_second_arrive_in_full_over_a_handful_of_connections():
    """A batch webhook of 1,000 messages publishes thousands of hints at once. Were each a
    coroutine with its own Redis connection, connecting would time out and hints would be lost;
    they queue behind a few senders."""
    from channels.layers import InMemoryChannelLayer, get_channel_layer

    layer = get_channel_layer()
    if isinstance(layer, InMemoryChannelLayer):
        pytest.skip("the burst is about Redis connections (CI runs with Redis)")
    import redis
    from django.conf import settings

    clients = redis.Redis.from_url(settings.REDIS_URL)
    group, burst = f"inbox.burst-{id(layer)}", 3000

    async def listen(channel):
        received = 0
        while received < burst:
            await asyncio.wait_for(layer.receive(channel), timeout=10)
            received += 1
        return received

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        listener = asyncio.ensure_future(listen(channel))
        before, peak = clients.info("clients")["connected_clients"], 0
        for n in range(burst):
            realtime.publish_now([group], {"type": realtime.EVENT_HANDLER_TYPE, "event": "message_created", "n": n})
            if n % 100 == 99:  # 1,000 hints a second, the batch ingest target, while the agent reads
                await asyncio.sleep(0.1)
                peak = max(peak, clients.info("clients")["connected_clients"])
        received = await listener
        await layer.group_discard(group, channel)
        return received, peak - before

    received, extra_connections = asyncio.run(scenario())
    realtime.flush(10)
    assert received == burst
    assert extra_connections <= realtime._Publisher.SENDERS + 2
