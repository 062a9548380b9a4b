"""Desktop notifications: each agent opts in per kind on their profile; a live event that may
concern them is answered with whether to notify and with what words, following their choices
and what they may see; the events carry what the page needs to decide when to ask."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from inbox import replies, services
from inbox.ingest import message_ingest
from inbox.models import AgentProfile
from tests.factories import inbound, make_inbox, make_user
from tests.inbox.test_realtime import _connect, _next_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    inbox = make_inbox("livechat", name="Website")
    anna = make_user("anna", inboxes=[inbox])
    ben = make_user("ben", inboxes=[inbox])
    lea = make_user("lea", role="lead")  # sees the inbox, is no member of it
    conversation = message_ingest(
        inbox=inbox, inbound=inbound("m1", sender_id="v1", name="Sanne", text="Hoi, een vraag")
    ).message.conversation
    return inbox, conversation, anna, ben, lea


def _opt_in(client, user, *kinds, sound=False):
    client.force_login(user)
    data = {"kinds": list(kinds), **({"sound": "on"} if sound else {})}
    assert client.post("/profile/notifications/", data).status_code == 302


def _check(client, kind, conversation, message=None) -> dict:
    query = {"kind": kind, "conversation": conversation.pk, **({"message": message.pk} if message else {})}
    return client.get("/inbox/notifications/", query).json()


def test_notifications_are_off_until_the_agent_chooses_them_on_the_profile(client, world):
    inbox, conversation, anna, ben, lea = world
    client.force_login(anna)

    assert 'data-testid="notifications-form"' in client.get("/profile/").content.decode()
    assert _check(client, "new_conversation", conversation) == {"notify": False}

    _opt_in(client, anna, "new_conversation", "mentioned", sound=True)

    profile = AgentProfile.objects.get(user=anna)
    assert (profile.notify_new_conversation, profile.notify_mentioned, profile.notify_sound) == (True, True, True)
    assert (profile.notify_assigned, profile.notify_customer_reply) == (False, False)
    answer = _check(client, "new_conversation", conversation)
    assert answer["notify"] and answer["title"] == "New conversation: Sanne" and answer["body"] == "Hoi, een vraag"
    # the inbox page knows the choices, so it asks the server only about those
    assert '"kinds": ["mentioned", "new_conversation"], "sound": true' in client.get("/").content.decode()


def test_new_conversations_notify_members_of_the_inbox_only(client, world):
    inbox, conversation, anna, ben, lea = world
    _opt_in(client, lea, "new_conversation")

    assert _check(client, "new_conversation", conversation) == {"notify": False}


def test_assignment_notifies_the_new_assignee_unless_they_took_it_themselves(client, world):
    inbox, conversation, anna, ben, lea = world
    _opt_in(client, anna, "assigned")

    services.conversation_update(conversation=conversation, actor=ben, assignee=anna)
    by_ben = _check(client, "assigned", conversation)
    services.conversation_update(conversation=conversation, actor=anna, assignee=None)
    services.conversation_update(conversation=conversation, actor=anna, assignee=anna)
    by_herself = _check(client, "assigned", conversation)
    services.conversation_update(conversation=conversation, actor=ben, assignee=ben)
    to_ben = _check(client, "assigned", conversation)

    assert by_ben["notify"] and by_ben["title"] == "Assigned to you: Sanne"
    assert by_herself == {"notify": False} and to_ben == {"notify": False}


def test_a_customer_reply_notifies_the_assignee_only(client, world):
    inbox, conversation, anna, ben, lea = world
    services.conversation_update(conversation=conversation, actor=ben, assignee=anna)
    reply = message_ingest(inbox=inbox, inbound=inbound("m2", sender_id="v1", text="Nog iets")).message
    own = replies.reply_send(conversation=conversation, author=anna, text="Ik kijk", private=False)

    _opt_in(client, anna, "customer_reply")
    for_anna = _check(client, "customer_reply", conversation, reply)
    for_own_reply = _check(client, "customer_reply", conversation, own)
    _opt_in(client, ben, "customer_reply")
    for_ben = _check(client, "customer_reply", conversation, reply)

    assert for_anna["notify"] and for_anna["title"] == "Sanne replied" and for_anna["body"] == "Nog iets"
    assert for_own_reply == {"notify": False} and for_ben == {"notify": False}


def test_a_mention_notifies_the_mentioned_agent_with_who_wrote_it(client, world):
    inbox, conversation, anna, ben, lea = world
    note = replies.reply_send(conversation=conversation, author=ben, text="@anna kun jij bellen?", private=True)
    other_note = replies.reply_send(conversation=conversation, author=ben, text="zonder naam", private=True)

    _opt_in(client, anna, "mentioned")

    answer = _check(client, "mentioned", conversation, note)
    assert answer["notify"] and answer["title"] == "ben mentioned you" and answer["body"] == "@anna kun jij bellen?"
    assert _check(client, "mentioned", conversation, other_note) == {"notify": False}


def test_nothing_is_told_about_a_conversation_the_agent_may_not_see(client, world):
    inbox, conversation, anna, ben, lea = world
    outsider = make_user("otto", inboxes=[make_inbox("whatsapp")])
    _opt_in(client, outsider, "new_conversation", "assigned", "mentioned", "customer_reply")

    for kind in ("new_conversation", "assigned", "mentioned", "customer_reply"):
        assert _check(client, kind, conversation) == {"notify": False}


@pytest.mark.django_db(transaction=True)
def test_events_say_who_a_conversation_went_to_and_which_way_a_message_came(world):
    inbox, conversation, anna, ben, lea = world

    async def scenario():
        ws, _, _ = await _connect(anna)
        await ws.receive_json_from()
        await database_sync_to_async(
            lambda: services.conversation_update(conversation=conversation, actor=ben, assignee=anna)
        )()
        updated = await _next_event(ws, "conversation_updated")
        await database_sync_to_async(
            lambda: message_ingest(inbox=inbox, inbound=inbound("m3", sender_id="v1", text="Hallo?"))
        )()
        created = await _next_event(ws, "message_created")
        await ws.disconnect()
        return updated, created

    updated, created = asyncio.run(scenario())
    assert (updated["assignee_id"], updated["assigned_by"]) == (anna.pk, ben.pk)
    assert (created["direction"], created["assignee_id"]) == ("in", anna.pk)
