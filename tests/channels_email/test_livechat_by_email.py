"""Live chat that continues by email: a reply to a visitor who left also arrives by email (a
real SMTP server, aiosmtpd), with a link that reopens the chat; the visitor's answer by email
lands in the same live-chat conversation."""

import asyncio
import re
import time
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlsplit

import pytest
from channels.db import database_sync_to_async

from channels_email.addresses import conversation_address
from crm.models import Contact
from inbox.models import Message
from inbox.replies import reply_send
from livechat import presence, sessions
from livechat.selectors import visitor_history, widget_config
from tests.factories import make_inbox, make_user
from tests.livechat.conftest import ORIGIN, say, visitor_session

from .helpers import deliver, mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def livechat(email_inbox):
    return make_inbox(
        "livechat",
        name="Shop chat",
        config={"allowed_origins": [ORIGIN], "email_inbox_id": email_inbox.pk, "email_after_minutes": 10},
    )


def _visitor_writes(inbox, *, email="visitor@example.net"):
    async def scenario():
        ws, session = await visitor_session(inbox, page="https://shop.example/cart?item=7")
        profile = {"email": email} if email else None
        ack = await say(ws, "c-1", "Is the blue mug back in stock?", **({"profile": profile} if profile else {}))
        assert ack["type"] == "ack", ack
        await ws.disconnect()
        return session

    return asyncio.run(scenario())


def _left_minutes_ago(inbox, conversation, minutes):
    presence.presence_touch(inbox.pk, conversation.identity.external_id, at=time.time() - minutes * 60)


def test_a_reply_to_a_visitor_who_left_arrives_by_email_and_their_answer_lands_in_the_chat(livechat, smtp_server):
    session = _visitor_writes(livechat)
    conversation = Message.objects.get().conversation
    agent = make_user("anna", inboxes=[livechat])
    agent.first_name = "Anna"
    agent.save()
    _left_minutes_ago(livechat, conversation, 11)

    reply = reply_send(conversation=conversation, author=agent, text="Yes, since this morning <b>again</b>.")

    [received] = smtp_server.received
    sent = received["message"]
    assert received["to"] == ["visitor@example.net"]
    assert sent["From"] == "Anna from Acme <support@acme.test>"
    email_inbox = conversation.inbox.__class__.objects.get(kind="email")
    assert sent["Reply-To"] == conversation_address(email_inbox, conversation.pk)
    text = sent.get_body(preferencelist=("plain",)).get_content()
    assert "Yes, since this morning <b>again</b>." in text
    html = sent.get_body(preferencelist=("html",)).get_content()
    assert "&lt;b&gt;again&lt;/b&gt;" in html and "<b>again" not in html
    [link] = re.findall(r"https://shop\.example/cart\?item=7#webcare_resume=\S+", text)
    resume = link.split("webcare_resume=", 1)[1]
    # The link resumes this visitor's session (and no one else's: it is signed for this inbox).
    visitor = sessions.visitor_from_resume(livechat, resume)
    assert visitor == sessions.visitor_from_token(livechat, session["token"])
    assert sessions.visitor_from_resume(livechat, resume[:-2] + "xx") is None
    reply.refresh_from_db()
    assert reply.content["email_follow_up"]["status"] == "sent"
    assert reply.content["email_follow_up"]["message_id"] == sent["Message-ID"]

    # The visitor answers from their mail client (threading headers only, no plus-address).
    row, outcome = deliver(
        email_inbox,
        mail(
            sender="Vera <visitor@example.net>",
            to="support@acme.test",
            subject=f"Re: {sent['Subject']}",
            text="Great, I'll come by on Saturday.\n\nOn Monday, Acme wrote:\n> Yes, since this morning",
            in_reply_to=sent["Message-ID"],
            references=sent["Message-ID"],
        ),
    )
    assert outcome == "message"
    answer = Message.objects.get(external_id=row.message_id)
    assert answer.conversation_id == conversation.pk and answer.inbox_id == livechat.pk
    assert answer.direction == "in" and answer.text.startswith("Great, I'll come by on Saturday.")
    assert not Message.objects.filter(inbox=email_inbox).exists()
    # The typed address reaches the visitor but vouches for nothing: still one contact.
    assert Contact.objects.count() == 1


def test_a_plus_address_answer_without_headers_also_threads_back(livechat, email_inbox, smtp_server):
    _visitor_writes(livechat)
    conversation = Message.objects.get().conversation
    _left_minutes_ago(livechat, conversation, 30)
    reply_send(conversation=conversation, author=make_user("anna", inboxes=[livechat]), text="We have it.")
    assert len(smtp_server.received) == 1

    _row, outcome = deliver(
        email_inbox,
        mail(sender="visitor@example.net", to=conversation_address(email_inbox, conversation.pk), text="Thanks!"),
    )
    assert outcome == "message"
    assert Message.objects.filter(conversation=conversation, text="Thanks!").exists()


def test_no_email_while_the_widget_is_open_or_only_just_closed(livechat, smtp_server):
    _visitor_writes(livechat)
    conversation = Message.objects.get().conversation
    agent = make_user("anna", inboxes=[livechat])
    reply_send(conversation=conversation, author=agent, text="Just closed: no email.")
    _left_minutes_ago(livechat, conversation, 9)
    reply_send(conversation=conversation, author=agent, text="Nine minutes: no email yet.")
    assert smtp_server.received == []
    _left_minutes_ago(livechat, conversation, 10.5)
    reply_send(conversation=conversation, author=agent, text="Ten minutes: by email.")
    assert [r["message"]["Subject"] for r in smtp_server.received] == ["Your chat with Acme"]


def test_no_email_without_an_address_or_without_an_email_inbox(livechat, smtp_server):
    _visitor_writes(livechat, email="")
    conversation = Message.objects.get().conversation
    _left_minutes_ago(livechat, conversation, 60)
    reply_send(conversation=conversation, author=make_user("anna", inboxes=[livechat]), text="No address.")
    assert smtp_server.received == []


def test_only_with_an_email_inbox_does_the_widget_promise_an_answer_by_email(livechat):
    assert widget_config(livechat)["byEmail"] is True
    livechat.config = {**livechat.config, "email_inbox_id": None}
    livechat.save()
    assert widget_config(livechat)["byEmail"] is False


def _answer_with_a_file(sent, *, text="Here is the receipt.") -> bytes:
    answer = EmailMessage()
    answer["From"] = "Vera <visitor@example.net>"
    answer["To"] = "support@acme.test"
    answer["Subject"] = f"Re: {sent['Subject']}"
    answer["Message-ID"] = make_msgid(domain="example.net")
    answer["In-Reply-To"] = answer["References"] = sent["Message-ID"]
    answer.set_content(text)
    answer.add_attachment(PDF, maintype="application", subtype="pdf", filename="receipt 88.pdf")
    return answer.as_bytes()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _replied_by_email(livechat, smtp_server):
    session = _visitor_writes(livechat)
    conversation = Message.objects.get().conversation
    agent = make_user("anna", inboxes=[livechat])
    _left_minutes_ago(livechat, conversation, 11)
    reply_send(conversation=conversation, author=agent, text="Could you send the receipt?")
    [received] = smtp_server.received
    return session, conversation, agent, received["message"]


def test_the_files_of_the_visitors_email_answer_reach_the_agent_and_the_widget_history(
    client, livechat, email_inbox, smtp_server
):
    session, conversation, agent, sent = _replied_by_email(livechat, smtp_server)

    row, outcome = deliver(email_inbox, _answer_with_a_file(sent))

    assert outcome == "message"
    answer = Message.objects.get(external_id=row.message_id)
    assert answer.conversation_id == conversation.pk
    [attachment] = answer.attachments.all()
    assert (attachment.status, attachment.mime_type, attachment.filename, attachment.kind) == (
        "stored",
        "application/pdf",
        "receipt 88.pdf",
        "document",
    )
    assert attachment.file.read() == PDF
    client.force_login(agent)
    pane = client.get(f"/inbox/conversations/{conversation.pk}/").content.decode()
    assert "receipt 88.pdf" in pane
    visitor = sessions.visitor_from_token(livechat, session["token"])
    [shown] = [m for m in visitor_history(inbox=livechat, identity_key=visitor.identity_key) if m["id"] == answer.pk]
    [file] = shown["attachments"]
    assert file["name"] == "receipt 88.pdf" and file["url"].startswith("http")
    downloaded = client.get(urlsplit(file["url"]).path)
    assert b"".join(downloaded.streaming_content if downloaded.streaming else [downloaded.content]) == PDF


def test_the_visitors_email_answer_appears_live_in_the_open_widget_with_its_file(livechat, email_inbox, smtp_server):
    session, conversation, _agent, sent = _replied_by_email(livechat, smtp_server)

    async def scenario():
        ws, opened = await visitor_session(livechat, token=session["token"])
        assert opened["type"] == "session"
        await database_sync_to_async(deliver)(email_inbox, _answer_with_a_file(sent, text="Here you go."))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        shown = None
        while shown is None or not [a for a in shown["attachments"] if a["url"]]:
            frame = await ws.receive_json_from(timeout=max(deadline - loop.time(), 0.01))
            if frame.get("type") == "message" and frame["message"]["text"].startswith("Here you go."):
                shown = frame["message"]
        await ws.disconnect()
        return shown

    shown = asyncio.run(scenario())
    assert shown["direction"] == "in" and shown["conversation_id"] == conversation.pk
    assert [a["name"] for a in shown["attachments"]] == ["receipt 88.pdf"]
