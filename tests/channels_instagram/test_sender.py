"""The Instagram Sender, window and sender actions against the local fake Graph API: every
request we send is checked (endpoint, host, token, body)."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from channels_instagram.errors import ERRORS
from inbox.models import Attachment, Conversation, Message
from inbox.outbox import message_deliver
from inbox.replies import ReplyRefused, reaction_send, reply_send
from tests.channels_instagram.fakes import (
    ACCESS_TOKEN,
    ACCOUNT_MESSAGES,
    IGSID,
    INSTAGRAM_TOKEN,
    PAGE_MESSAGES,
    error_answer,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(deliver):
    deliver("text")
    conversation = Conversation.objects.select_related("inbox", "identity").get()
    _customer_wrote(conversation, timedelta(minutes=1))
    return conversation


def _customer_wrote(conversation, ago: timedelta) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(last_customer_message_at=timezone.now() - ago)
    conversation.refresh_from_db()


@pytest.fixture
def agent(conversation):
    return make_user("anna", inboxes=[conversation.inbox])


@pytest.fixture
def send(conversation, agent, django_capture_on_commit_callbacks):
    def send_one(**fields) -> Message:
        with django_capture_on_commit_callbacks(execute=True):
            message = reply_send(conversation=conversation, author=agent, **fields)
        message.refresh_from_db()
        return message

    return send_one


@pytest.mark.smoke
def test_a_reply_goes_through_the_linked_page_with_the_page_token(graph, send):
    message = send(text="Ja, in maat M en L 🧥")
    request = graph.sent()[-1]
    assert (request.path, request.host) == (PAGE_MESSAGES, "facebook")
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.json == {
        "recipient": {"id": IGSID},
        "messaging_type": "RESPONSE",
        "message": {"text": "Ja, in maat M en L 🧥"},
    }
    assert message.status == "sent" and message.external_id.startswith("m_SENT_")


def test_an_instagram_login_account_sends_through_its_own_id_on_the_instagram_host(graph, conversation, send):
    inbox = conversation.inbox
    inbox.config = {"login": "instagram"}
    inbox.credentials = {**inbox.credentials, "access_token": INSTAGRAM_TOKEN}
    inbox.save()
    send(text="Hallo!")
    request = graph.sent()[-1]
    assert (request.path, request.host) == (ACCOUNT_MESSAGES, "instagram")
    assert request.headers["authorization"] == f"Bearer {INSTAGRAM_TOKEN}"


def test_between_24_hours_and_7_days_a_human_agent_reply_carries_the_tag_when_enabled(graph, conversation, send):
    _customer_wrote(conversation, timedelta(days=3))
    with pytest.raises(ReplyRefused) as refused:
        send(text="Nog even over uw vraag")
    assert str(refused.value) == str(ERRORS.reasons.human_agent_disabled)
    assert graph.sent() == []
    conversation.inbox.config = {**conversation.inbox.config, "human_agent": True}
    conversation.inbox.save()
    sent = send(text="Nog even over uw vraag")
    assert sent.status == "sent"
    assert graph.sent()[-1].json["messaging_type"] == "MESSAGE_TAG" and graph.sent()[-1].json["tag"] == "HUMAN_AGENT"


def test_after_7_days_nothing_is_sent(graph, conversation, send):
    _customer_wrote(conversation, timedelta(days=8))
    with pytest.raises(ReplyRefused) as refused:
        send(text="Te laat")
    assert "Instagram allows no reply" in str(refused.value)
    assert graph.sent() == []


def test_text_over_1000_characters_is_refused_by_instagrams_rules(graph, send):
    message = send(text="x" * 1001)
    assert message.status == "failed" and "1,000 characters" in message.error
    assert graph.sent() == []


def test_quick_replies_go_out_as_instagram_quick_replies(graph, send):
    send(
        text="Welke maat?",
        kind="interactive",
        content={"choices": [{"id": "m", "title": "M"}, {"id": "l", "title": "L"}]},
    )
    assert graph.sent()[-1].json["message"]["quick_replies"] == [
        {"content_type": "text", "title": "M", "payload": "m"},
        {"content_type": "text", "title": "L", "payload": "l"},
    ]


def test_an_agents_image_and_file_are_uploaded_with_the_message(graph, conversation, send):
    message = send(text="Hier is de bon", private=True)
    Message.objects.filter(pk=message.pk).update(private=False, status="pending", kind="image")
    photo = Attachment(message=message, kind="image", mime_type="image/jpeg", filename="jas.jpg")
    photo.file.save("jas.jpg", ContentFile(b"\xff\xd8 jas"), save=True)
    bon = Attachment(message=message, kind="document", mime_type="application/pdf", filename="bon.pdf")
    bon.file.save("bon.pdf", ContentFile(b"%PDF bon"), save=True)

    assert message_deliver(message.pk) == "sent"

    image, document, text = graph.send_bodies()[-3:]
    assert all(r.path == PAGE_MESSAGES for r in graph.sent()[-3:])
    assert image["message"] == {"attachment": {"type": "image", "payload": {"is_reusable": False}}}
    assert image["filedata"] == {"filename": "jas.jpg", "data": b"\xff\xd8 jas"}
    assert document["message"]["attachment"]["type"] == "file"
    assert text["message"] == {"text": "Hier is de bon"}


def test_images_over_8_mb_are_refused_before_sending(graph, conversation, agent, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(agent)
    big = SimpleUploadedFile("groot.png", b"\x89PNG\r\n\x1a\n" + b"0" * (8 * 1024 * 1024 + 1), content_type="image/png")
    refused = client.post(f"/inbox/conversations/{conversation.pk}/reply/", {"file": big})
    assert refused.status_code == 422 and "8 MB" in refused.content.decode()
    assert graph.sent() == []


def test_an_agents_reaction_is_instagrams_heart_and_can_be_taken_back(
    graph, conversation, agent, django_capture_on_commit_callbacks
):
    target = Message.objects.get(direction="in")
    with django_capture_on_commit_callbacks(execute=True):
        reaction_send(conversation=conversation, author=agent, target=target, emoji="👍")
    with django_capture_on_commit_callbacks(execute=True):
        reaction_send(conversation=conversation, author=agent, target=target, emoji="")
    react, unreact = [r.json for r in graph.sent()[-2:]]
    assert react == {
        "recipient": {"id": IGSID},
        "sender_action": "react",
        "payload": {"message_id": target.external_id, "reaction": "love"},
    }
    assert unreact == {
        "recipient": {"id": IGSID},
        "sender_action": "unreact",
        "payload": {"message_id": target.external_id},
    }


def test_opening_the_conversation_marks_it_seen_and_typing_shows_typing(graph, conversation):
    from channels_instagram.sender_actions import sender_action_send

    assert sender_action_send(conversation, "mark_seen") is True
    assert sender_action_send(conversation, "typing_on") is True
    bodies = [r.json for r in graph.sent()[-2:]]
    assert bodies == [
        {"recipient": {"id": IGSID}, "sender_action": "mark_seen"},
        {"recipient": {"id": IGSID}, "sender_action": "typing_on"},
    ]
    _customer_wrote(conversation, timedelta(days=2))
    assert sender_action_send(conversation, "mark_seen") is False  # never outside the window


def test_a_blocked_user_fails_with_the_reason_and_a_rate_limit_retries(graph, send):
    graph.script("POST", PAGE_MESSAGES, error_answer(551, "This person isn't available right now", subcode=1545041))
    blocked = send(text="Hallo?")
    assert blocked.status == "failed" and "isn't available on Instagram" in blocked.error
    graph.scripted.clear()
    graph.script("POST", PAGE_MESSAGES, error_answer(613, "Calls to this API have exceeded the rate limit"))
    limited = send(text="Nog eens")
    assert limited.status == "pending" and limited.attempts == 1


def test_a_rejected_token_flags_the_inbox_for_new_credentials(graph, conversation, send):
    graph.script("POST", PAGE_MESSAGES, error_answer(190, "Error validating access token", http=401))
    message = send(text="Hallo")
    assert message.status == "failed" and "Instagram rejected the inbox's access token" in message.error
    conversation.inbox.refresh_from_db()
    assert conversation.inbox.needs_reauth is True
