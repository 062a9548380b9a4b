"""The visitor's websocket: session, token checks, idempotent client ids, limits, origins,
scoping between visitors, and live events in both directions."""

import asyncio
import time

import pytest
from channels.db import database_sync_to_async
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.models import Contact, ContactIdentity, ContactNote
from crm.services import contact_phone_add
from inbox import replies
from inbox.ingest import message_ingest
from inbox.models import Availability, Conversation, DeliveryStatus, Message
from inbox.services import conversation_update
from livechat import sessions
from tests.factories import inbound, make_contact, make_inbox, make_user
from tests.livechat.conftest import ORIGIN, agent_connect, next_frame, say, visitor_connect, visitor_session

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.smoke]


def livechat_inbox(**config):
    return make_inbox("livechat", name="Shop", config={"allowed_origins": [ORIGIN], **config})


def run(coro):
    return asyncio.run(coro)


# --- connecting ---------------------------------------------------------------------------


def test_unknown_inactive_or_non_livechat_keys_are_refused():
    whatsapp = make_inbox("whatsapp")
    inactive = make_inbox("livechat", is_active=False)

    async def scenario():
        results = []
        for key in ("no-such-key", whatsapp.public_key, inactive.public_key):
            communicator, connected, code = await visitor_connect(None, key=key)
            results.append((connected, code))
        return results

    assert run(scenario()) == [(False, 4404)] * 3


def test_origins_outside_the_allowed_list_are_refused_and_an_empty_list_allows_any():
    strict = livechat_inbox()
    open_inbox = make_inbox("livechat", config={})

    async def scenario():
        _, evil, evil_code = await visitor_connect(strict, origin="https://evil.example")
        _, missing, _ = await visitor_connect(strict, origin=None)
        good_ws, good, _ = await visitor_connect(strict, origin=ORIGIN + "/")
        any_ws, anywhere, _ = await visitor_connect(open_inbox, origin="https://anything.example")
        await good_ws.disconnect()
        await any_ws.disconnect()
        return evil, evil_code, missing, good, anywhere

    assert run(scenario()) == (False, 4403, False, True, True)


def test_first_hello_issues_a_signed_token_for_this_inbox_and_writes_nothing():
    inbox = livechat_inbox()

    async def scenario():
        ws, session = await visitor_session(inbox)
        await ws.disconnect()
        return session

    session = run(scenario())
    assert session["type"] == "session" and session["new"] is True
    assert session["messages"] == []
    visitor = sessions.visitor_from_token(inbox, session["token"])
    assert visitor is not None and visitor.inbox_id == inbox.pk
    # Opening the chat creates no contact: only a first message does.
    assert not Contact.objects.exists() and not ContactIdentity.objects.exists()


def test_frames_before_hello_are_refused():
    inbox = livechat_inbox()

    async def scenario():
        ws, _, _ = await visitor_connect(inbox)
        reply = await say(ws, "c1", "hi")
        await ws.disconnect()
        return reply

    assert run(scenario())["code"] == "hello_first"
    assert not Message.objects.exists()


# --- messages -------------------------------------------------------------------------------


def test_a_visitor_message_goes_through_ingest_and_is_acknowledged_with_the_server_id():
    inbox = livechat_inbox()

    async def scenario():
        ws, session = await visitor_session(inbox, page="https://shop.example/cart")
        ack = await say(ws, "client-1", "Hallo, is mijn bestelling onderweg?")
        await ws.disconnect()
        return session, ack

    session, ack = run(scenario())
    message = Message.objects.get()
    assert ack["type"] == "ack" and ack["client_id"] == "client-1"
    assert ack["message"]["id"] == message.pk and ack["message"]["client_id"] == "client-1"
    assert message.direction == "in" and message.text == "Hallo, is mijn bestelling onderweg?"
    visitor = sessions.visitor_from_token(inbox, session["token"])
    assert message.external_id == f"lc:{visitor.visitor_id}:client-1"
    assert message.conversation.identity.external_id == visitor.visitor_id
    assert message.conversation.source == {"page": "https://shop.example/cart"}


def test_a_resent_client_id_is_stored_once_even_after_a_reconnect():
    inbox = livechat_inbox()

    async def scenario():
        ws, session = await visitor_session(inbox)
        first = await say(ws, "same-id", "hello")
        await ws.disconnect()
        ws, _ = await visitor_session(inbox, token=session["token"])
        again = await say(ws, "same-id", "hello")
        await ws.disconnect()
        return first, again

    first, again = run(scenario())
    assert first["message"]["id"] == again["message"]["id"]
    assert Message.objects.count() == 1


def test_history_is_oldest_first_keeps_closed_conversations_and_never_shows_private_notes():
    inbox = livechat_inbox()
    agent = make_user("anna", inboxes=[inbox])

    async def scenario():
        ws, session = await visitor_session(inbox)
        await say(ws, "m1", "first question")
        await ws.disconnect()
        return session["token"]

    token = run(scenario())
    conversation = Conversation.objects.get()
    replies.reply_send(conversation=conversation, author=agent, text="internal: check the order", private=True)
    replies.reply_send(conversation=conversation, author=agent, text="It ships today.")
    conversation_update(conversation=conversation, actor=agent, status="closed")

    async def later():
        ws, session = await visitor_session(inbox, token=token)
        ack = await say(ws, "m2", "new question")
        await ws.disconnect()
        ws, session_after = await visitor_session(inbox, token=token)
        await ws.disconnect()
        return session, ack, session_after

    session, ack, session_after = run(later())
    assert [m["text"] for m in session["messages"]] == ["first question", "It ships today."]
    assert session["messages"][1]["author"] == "Support agent" and session["messages"][1]["direction"] == "out"
    assert ack["message"]["conversation_id"] != conversation.pk  # a closed one is not continued
    assert [m["text"] for m in session_after["messages"]] == ["first question", "It ships today.", "new question"]
    assert "internal" not in str(session_after)


def test_too_long_messages_and_bad_client_ids_get_clear_errors():
    inbox = livechat_inbox()

    async def scenario():
        ws, _ = await visitor_session(inbox)
        too_long = await say(ws, "c1", "x" * 5001)
        bad_id = await say(ws, "not ok!", "hi")
        exactly = await say(ws, "c2", "y" * 5000)
        await ws.disconnect()
        return too_long, bad_id, exactly

    too_long, bad_id, exactly = run(scenario())
    assert too_long["type"] == "error" and too_long["code"] == "message_too_long" and too_long["client_id"] == "c1"
    assert "5,000" in too_long["detail"]
    assert bad_id["code"] == "invalid_client_id"
    assert exactly["type"] == "ack"
    assert Message.objects.count() == 1


def test_messages_per_visitor_per_minute_are_limited(settings):
    settings.LIVECHAT_MESSAGES_PER_MINUTE = 3
    inbox = livechat_inbox()

    async def scenario():
        ws, _ = await visitor_session(inbox)
        frames = [await say(ws, f"c{i}", f"message {i}") for i in range(5)]
        await ws.disconnect()
        return frames

    frames = run(scenario())
    assert [f["type"] for f in frames] == ["ack", "ack", "ack", "error", "error"]
    assert frames[3]["code"] == "rate_limited" and 0 < frames[3]["retry_after"] <= 60
    assert Message.objects.count() == 3


def test_new_sessions_per_address_are_limited_but_returning_visitors_are_not(settings):
    settings.LIVECHAT_SESSIONS_PER_IP = 2
    inbox = livechat_inbox()

    async def scenario():
        frames = []
        for _ in range(3):
            ws, session = await visitor_session(inbox, ip="192.0.2.7")
            frames.append(session)
            await ws.disconnect()
        returning_ws, returning = await visitor_session(inbox, token=frames[0]["token"], ip="192.0.2.7")
        other_ws, other = await visitor_session(inbox, ip="192.0.2.8")
        await returning_ws.disconnect()
        await other_ws.disconnect()
        return frames, returning, other

    frames, returning, other = run(scenario())
    assert [f["type"] for f in frames] == ["session", "session", "error"]
    assert frames[2]["code"] == "too_many_sessions" and frames[2]["retry_after"] > 0
    assert returning["type"] == "session" and other["type"] == "session"


# --- tokens and scoping ---------------------------------------------------------------------


def test_a_tampered_or_foreign_token_never_opens_someone_elses_history():
    inbox, other_inbox = livechat_inbox(), livechat_inbox()

    async def scenario():
        ws, session = await visitor_session(inbox)
        await say(ws, "m1", "my private question")
        await ws.disconnect()
        token = session["token"]
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        forged = sessions.signing.dumps({"v": "v-someone", "i": inbox.pk}, salt="wrong-salt")
        results = []
        for bad in (tampered, forged, "garbage"):
            ws, s = await visitor_session(inbox, token=bad)
            results.append(s)
            await ws.disconnect()
        ws, foreign = await visitor_session(other_inbox, token=token)
        await ws.disconnect()
        return token, results, foreign

    token, results, foreign = run(scenario())
    for session in [*results, foreign]:
        assert session["new"] is True and session["messages"] == [] and session["token"] != token


def test_a_visitor_never_reads_or_writes_another_visitors_conversation():
    inbox = livechat_inbox()
    agent = make_user("anna", inboxes=[inbox])

    async def scenario():
        alice, alice_session = await visitor_session(inbox)
        bob, _ = await visitor_session(inbox)
        await say(alice, "shared-id", "alice here")
        # Bob reuses Alice's client id: his message is his own, and Alice's is never echoed to him.
        bob_ack = await say(bob, "shared-id", "bob here")
        conversation = await database_sync_to_async(
            lambda: Conversation.objects.get(
                identity__external_id=sessions.visitor_from_token(inbox, alice_session["token"]).visitor_id
            )
        )()
        await database_sync_to_async(
            lambda: replies.reply_send(conversation=conversation, author=agent, text="for alice only")
        )()
        alice_got = await next_frame(alice, "message")
        bob_got_nothing = await bob.receive_nothing(timeout=0.5)
        await alice.disconnect()
        await bob.disconnect()
        bob_again, bob_session = await visitor_session(inbox, token=None)
        await bob_again.disconnect()
        return bob_ack, alice_got, bob_got_nothing

    bob_ack, alice_got, bob_got_nothing = run(scenario())
    assert bob_ack["message"]["text"] == "bob here"
    assert alice_got["message"]["text"] == "for alice only"
    assert bob_got_nothing
    assert Conversation.objects.count() == 2 and Message.objects.filter(direction="in").count() == 2


# --- live events ----------------------------------------------------------------------------


def test_agent_replies_reach_every_tab_and_private_notes_reach_none():
    inbox = livechat_inbox()
    agent = make_user("anna", inboxes=[inbox])
    agent.first_name = "Anna"
    agent.save()

    async def scenario():
        tab1, session = await visitor_session(inbox)
        await say(tab1, "m1", "hi")
        tab2, _ = await visitor_session(inbox, token=session["token"])
        conversation = await database_sync_to_async(Conversation.objects.get)()
        await database_sync_to_async(
            lambda: replies.reply_send(conversation=conversation, author=agent, text="note", private=True)
        )()
        # Whatever else reaches tab2 meanwhile (tab1's own message, relayed late under
        # load), the private note never does.
        heard = []
        while not await tab2.receive_nothing(timeout=0.3):
            heard.append(await tab2.receive_json_from())
        tab2_quiet = not any("note" in str(frame.get("text", "")) for frame in heard)
        await database_sync_to_async(
            lambda: replies.reply_send(conversation=conversation, author=agent, text="Hoi! Ik kijk even.")
        )()
        got1 = await next_frame(tab1, "message")
        got2 = await next_frame(tab2, "message")
        seen = await next_frame(tab2, "seen")
        await tab1.disconnect()
        await tab2.disconnect()
        return tab2_quiet, got1, got2, seen

    tab2_quiet, got1, got2, seen = run(scenario())
    assert tab2_quiet
    assert got1["message"]["text"] == got2["message"]["text"] == "Hoi! Ik kijk even."
    assert got2["message"]["author"] == "Anna" and got2["message"]["direction"] == "out"
    # Replying means the agent has read the visitor's messages.
    assert seen["up_to"] == Message.objects.get(direction="in").pk
    assert Message.objects.get(direction="in").status == DeliveryStatus.READ


def test_a_second_tab_sees_the_first_message_of_a_new_visitor_live():
    """Before the first message there is no identity (and no visitor group) yet."""
    inbox = livechat_inbox()

    async def scenario():
        tab1, session = await visitor_session(inbox)
        tab2, _ = await visitor_session(inbox, token=session["token"])
        await say(tab1, "m1", "first words")
        echoed = await next_frame(tab2, "message")
        await database_sync_to_async(
            lambda: replies.reply_send(
                conversation=Conversation.objects.get(), author=make_user("bert", inboxes=[inbox]), text="welcome"
            )
        )()
        reply = await next_frame(tab2, "message")
        await tab1.disconnect()
        await tab2.disconnect()
        return echoed, reply

    echoed, reply = run(scenario())
    assert echoed["message"]["text"] == "first words" and echoed["message"]["client_id"] == "m1"
    assert reply["message"]["text"] == "welcome"


def test_a_reply_sent_to_both_of_a_tabs_groups_is_shown_once():
    """A tab stays in its pending group after joining its visitor group (on Redis pub/sub a new
    subscription may miss what is published the same moment), and replies go to both."""
    inbox = livechat_inbox()

    async def scenario():
        tab, _ = await visitor_session(inbox)
        await say(tab, "m1", "hallo")
        await database_sync_to_async(
            lambda: replies.reply_send(
                conversation=Conversation.objects.get(), author=make_user("bert", inboxes=[inbox]), text="welkom"
            )
        )()
        frames = []
        while not await tab.receive_nothing(timeout=0.5):
            frames.append(await tab.receive_json_from())
        await tab.disconnect()
        return frames

    frames = run(scenario())
    shown = [f for f in frames if f.get("type") == "message" and f["message"]["text"] == "welkom"]
    assert len(shown) == 1


def test_typing_goes_to_the_agents_and_agent_typing_and_seen_reach_the_visitor(api_client):
    inbox = livechat_inbox()
    agent = make_user("anna", inboxes=[inbox])
    api_client.force_authenticate(agent)

    async def scenario():
        ws, _ = await visitor_session(inbox)
        await say(ws, "m1", "hello?")
        conversation = await database_sync_to_async(Conversation.objects.get)()
        agent_ws = await agent_connect(agent)
        await agent_ws.send_json_to({"action": "subscribe_conversation", "conversation_id": conversation.pk})
        await next_frame(agent_ws, "subscribed", key="event")
        await ws.send_json_to({"type": "typing"})
        visitor_typing = await next_frame(agent_ws, "visitor_typing", key="event")
        path = f"/livechat/conversations/{conversation.pk}/"
        typing_response = await database_sync_to_async(
            lambda: api_client.post(path + "typing/", {"typing": True}, format="json", secure=True)
        )()
        assert typing_response.status_code == 200, typing_response.content
        agent_typing = await next_frame(ws, "typing")
        seen_response = await database_sync_to_async(lambda: api_client.post(path + "seen/", secure=True))()
        seen = await next_frame(ws, "seen")
        await ws.disconnect()
        await agent_ws.disconnect()
        return conversation, visitor_typing, agent_typing, seen_response, seen

    conversation, visitor_typing, agent_typing, seen_response, seen = run(scenario())
    assert visitor_typing["conversation_id"] == conversation.pk and visitor_typing["typing"] is True
    assert agent_typing == {"type": "typing", "name": "Support agent", "typing": True}
    assert seen_response.json() == {"seen": 1}
    assert seen["up_to"] == Message.objects.get().pk


def test_agent_signals_are_refused_for_conversations_the_agent_cannot_see(api_client):
    inbox = livechat_inbox()
    outsider = make_user("otto")
    api_client.force_authenticate(outsider)
    conversation = Conversation.objects.create(
        inbox=inbox,
        contact=make_contact(),
        identity=ContactIdentity.objects.create(contact=make_contact(), channel="livechat", external_id="v-x"),
    )
    assert api_client.post(f"/livechat/conversations/{conversation.pk}/seen/", secure=True).status_code == 404
    assert api_client.post(f"/livechat/conversations/{conversation.pk}/typing/", secure=True).status_code == 404


# --- identity, pre-chat, offline ------------------------------------------------------------


def test_a_verified_user_is_the_same_contact_on_every_device_and_a_bad_hmac_is_ignored():
    inbox = livechat_inbox()
    user_hash = sessions.user_hash(inbox, "42")  # makes the inbox secret
    inbox.refresh_from_db()

    async def scenario():
        phone, _ = await visitor_session(inbox, user_id="42", user_hash=user_hash)
        await say(phone, "p1", "from my phone")
        laptop, laptop_session = await visitor_session(inbox, user_id="42", user_hash=user_hash)
        forger, forger_session = await visitor_session(inbox, user_id="42", user_hash="0" * 64)
        await phone.disconnect()
        await laptop.disconnect()
        await forger.disconnect()
        return laptop_session, forger_session

    laptop_session, forger_session = run(scenario())
    assert laptop_session["verified"] is True
    assert [m["text"] for m in laptop_session["messages"]] == ["from my phone"]
    assert forger_session["verified"] is False and forger_session["messages"] == []
    assert ContactIdentity.objects.get().external_id == f"u{inbox.pk}:42"


def test_required_pre_chat_details_are_asked_and_a_known_phone_does_not_link_to_that_contact():
    inbox = livechat_inbox(prechat={"name": "required", "phone": "optional", "email": "required"})
    whatsapp_customer = make_contact(name="Sanne de Vries", phone="+31612345678")
    contact_phone_add(contact=whatsapp_customer, raw="+31612345678")
    ContactIdentity.objects.create(contact=whatsapp_customer, channel="whatsapp", external_id="31612345678")

    async def scenario():
        ws, _ = await visitor_session(inbox)
        refused = await say(ws, "m1", "hi")
        bad_email = await say(ws, "m2", "hi", profile={"name": "Sanne", "email": "nope"})
        ok = await say(ws, "m3", "hi", profile={"name": "Sanne", "email": "sanne@example.com", "phone": "06 1234 5678"})
        await ws.disconnect()
        return refused, bad_email, ok

    refused, bad_email, ok = run(scenario())
    assert refused["code"] == "details_required" and "name" in refused["detail"] and "email" in refused["detail"]
    assert bad_email["code"] == "invalid_email"
    assert ok["type"] == "ack"
    # what the visitor typed stays on a contact of their own, unverified, for an agent to judge
    visitor = ContactIdentity.objects.get(channel="livechat").contact
    assert visitor.pk != whatsapp_customer.pk
    assert (visitor.name, visitor.phone, visitor.email) == ("Sanne", "+31612345678", "sanne@example.com")
    assert not visitor.phones.get().verified and not visitor.emails.get().verified
    whatsapp_customer.refresh_from_db()
    assert whatsapp_customer.email == "" and not whatsapp_customer.emails.exists()


@pytest.mark.parametrize("when", ["first message", "later message"])
def test_an_impostor_typing_a_whatsapp_customers_number_cannot_open_their_contact(client, when):
    # given: a WhatsApp customer with a lead's note, and Anna, an agent of the live chat only
    livechat, whatsapp = livechat_inbox(), make_inbox("whatsapp", name="Support")
    customer = message_ingest(
        inbox=whatsapp,
        inbound=inbound("wamid.1", sender_id="31687654321", phone="+31687654321", details_verified=True),
    ).message.conversation.contact
    ContactNote.objects.create(contact=customer, author=make_user("lea", role="lead"), text="Owes us 200 euro")
    client.force_login(make_user("anna", inboxes=[livechat]))

    # when: a visitor types the customer's number in the widget (pre-chat or a later offline form)
    async def scenario():
        ws, _ = await visitor_session(livechat)
        if when == "later message":
            await say(ws, "m0", "hello")
        ack = await say(ws, "m1", "Where is my order?", profile={"phone": "+31687654321"})
        await ws.disconnect()
        return ack

    assert run(scenario())["type"] == "ack"

    # then: the visitor's conversation is on a contact of their own; the customer's stays hidden
    visitor = ContactIdentity.objects.get(channel="livechat").contact
    assert visitor.pk != customer.pk
    assert client.get(f"/contacts/{customer.pk}/").status_code == 404
    assert client.get(f"/contacts/{visitor.pk}/").status_code == 200
    assert list(customer.identities.values_list("channel", flat=True)) == ["whatsapp"]


def test_offline_the_widget_is_told_and_the_message_with_an_email_becomes_a_conversation():
    inbox = livechat_inbox()
    agent = make_user("anna", inboxes=[inbox])

    async def scenario():
        ws, session = await visitor_session(inbox)
        ack = await say(ws, "m1", "Are you open on Sunday?", profile={"email": "late@example.com"})
        await ws.disconnect()
        return session, ack

    session, ack = run(scenario())
    assert session["online"] is False and session["within_hours"] is True and session["agents"] == []
    conversation = Conversation.objects.get()
    assert conversation.status == "open" and conversation.contact.email == "late@example.com"

    agent.agent_profile.availability = Availability.ONLINE
    agent.agent_profile.save()

    async def online():
        ws, session = await visitor_session(inbox)
        await ws.disconnect()
        return session

    session = run(online())
    assert session["online"] is True and session["agents"] == ["Support agent"]


@pytest.mark.parametrize("language, label", [("en", "Support agent"), ("nl", "Medewerker"), ("de", "Mitarbeiter")])
def test_visitors_never_see_an_agents_login_name(language, label, api_client):
    # given: two online agents, one without a first name and a login name that is an address
    from contacts.privacy import contact_gdpr_data
    from crm.services import contact_note_add

    inbox = livechat_inbox(language=language)
    login = "j.devries@corp.example"
    nameless = make_user(login, inboxes=[inbox])
    named = make_user("a.smit", inboxes=[inbox])
    named.first_name = "  Anna "
    named.save()
    for agent in (nameless, named):
        agent.agent_profile.availability = Availability.ONLINE
        agent.agent_profile.save()
    api_client.force_authenticate(nameless)

    async def scenario():
        ws, session = await visitor_session(inbox)
        await say(ws, "m1", "Hallo?")
        conversation = await database_sync_to_async(Conversation.objects.get)()
        await database_sync_to_async(
            lambda: api_client.post(
                f"/livechat/conversations/{conversation.pk}/typing/", {}, format="json", secure=True
            )
        )()
        typing = await next_frame(ws, "typing")
        for agent, text in ((nameless, "Een moment"), (named, "Ik kijk het na")):
            await database_sync_to_async(replies.reply_send)(conversation=conversation, author=agent, text=text)
            await next_frame(ws, "message")
        await ws.disconnect()
        ws, again = await visitor_session(inbox, token=session["token"])
        await ws.disconnect()
        return conversation, session, typing, again

    conversation, session, typing, again = run(scenario())

    # then: the header, the typing line and the history show first names or the neutral label
    assert sorted(session["agents"]) == sorted([label, "Anna"])
    assert typing["name"] == label
    assert [m["author"] for m in again["messages"] if m["direction"] == "out"] == [label, "Anna"]
    # ... and so does the GDPR export a customer receives
    contact_note_add(contact=conversation.contact, author=nameless, text="Belt vaak")
    assert login not in str(contact_gdpr_data(contact=conversation.contact))
    assert login not in str(session) + str(typing) + str(again)


def test_new_sessions_cannot_dodge_the_limit_with_forwarded_headers(settings):
    """Served as `runstack` serves it, a client that writes a new X-Forwarded-For for every chat
    still counts as its own address (no trusted proxies are configured)."""
    import uvicorn
    from channels.testing import WebsocketCommunicator

    from inbox.management.commands.runstack import uvicorn_proxy_options
    from webcare.asgi import application

    settings.TRUSTED_PROXIES = []
    settings.LIVECHAT_SESSIONS_PER_IP = 2
    inbox = livechat_inbox()
    config = uvicorn.Config(application, **uvicorn_proxy_options())
    config.load()

    async def scenario():
        frames = []
        for n in range(3):
            headers = [(b"origin", ORIGIN.encode()), (b"x-forwarded-for", f"203.0.113.{n}".encode())]
            ws = WebsocketCommunicator(config.loaded_app, f"/ws/livechat/{inbox.public_key}/", headers=headers)
            ws.scope["client"] = ("127.0.0.1", 50000 + n)
            connected, _ = await ws.connect()
            assert connected
            await ws.send_json_to({"type": "hello", "token": None})
            frames.append(await ws.receive_json_from(timeout=3))
            await ws.disconnect()
        return frames

    frames = run(scenario())
    assert [f["type"] for f in frames] == ["session", "session", "error"]
    assert frames[2]["code"] == "too_many_sessions"


def issued_days_ago(visitor, days: int, monkeypatch) -> str:
    """A token as the server issued it `days` ago."""
    issued = int(time.time()) - days * 24 * 3600
    with monkeypatch.context() as patch:
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(issued))
        return sessions.token_for(visitor)


def test_an_expired_token_starts_a_new_anonymous_session_and_a_used_one_is_renewed(settings, monkeypatch):
    settings.WEBCARE_VISITOR_TOKEN_DAYS = 90
    inbox = livechat_inbox()

    async def first_visit():
        ws, session = await visitor_session(inbox)
        await say(ws, "m1", "my question")
        await ws.disconnect()
        return session["token"]

    visitor = sessions.visitor_from_token(inbox, run(first_visit()))
    recent = issued_days_ago(visitor, 89, monkeypatch)
    expired = issued_days_ago(visitor, 91, monkeypatch)
    assert sessions.visitor_from_token(inbox, expired) is None

    async def come_back(token):
        ws, session = await visitor_session(inbox, token=token)
        await ws.disconnect()
        return session

    returning = run(come_back(recent))
    # Renewed: the new token counts its lifetime from today and is the same visitor.
    assert returning["new"] is False and [m["text"] for m in returning["messages"]] == ["my question"]
    assert returning["token"] != recent
    assert sessions.visitor_from_token(inbox, returning["token"]).visitor_id == visitor.visitor_id
    settings.WEBCARE_VISITOR_TOKEN_DAYS = 1
    assert sessions.visitor_from_token(inbox, returning["token"]) is not None
    assert sessions.visitor_from_token(inbox, recent) is None
    settings.WEBCARE_VISITOR_TOKEN_DAYS = 90

    stale = run(come_back(expired))
    assert stale["type"] == "session" and stale["new"] is True and stale["messages"] == []
    assert sessions.visitor_from_token(inbox, stale["token"]).visitor_id != visitor.visitor_id


def test_an_expired_token_cannot_upload(client, settings, monkeypatch):
    inbox = livechat_inbox()
    visitor, _ = sessions.visitor_new(inbox)
    expired = issued_days_ago(visitor, settings.WEBCARE_VISITOR_TOKEN_DAYS + 1, monkeypatch)
    response = client.post(
        f"/livechat/{inbox.public_key}/upload/",
        {"token": expired, "client_id": "f1", "file": SimpleUploadedFile("a.txt", b"hello")},
        secure=True,
        HTTP_ORIGIN=ORIGIN,
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "invalid_token"
