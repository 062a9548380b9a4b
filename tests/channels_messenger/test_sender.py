"""The Messenger Sender, echoes and watermarks against the local fake Graph API."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from channels_messenger import errors
from inbox.models import Attachment, Conversation, Inbox, Message
from inbox.outbox import message_deliver
from inbox.replies import ReplyRefused, reply_send
from tests.channels_messenger.fakes import ACCESS_TOKEN, MESSAGES, PSID, Answer, error_answer
from tests.factories import make_message, make_user

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
def test_a_reply_inside_24_hours_is_a_response_with_our_reference(graph, send):
    message = send(text="Uw pakket komt morgen 📦")
    request = graph.sent()[-1]
    assert request.path == MESSAGES
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.json == {
        "recipient": {"id": PSID},
        "messaging_type": "RESPONSE",
        "message": {"text": "Uw pakket komt morgen 📦", "metadata": f"webcare:{message.pk}"},
    }
    assert message.status == "sent" and message.external_id.startswith("m_SENT_")


def test_between_24_hours_and_7_days_a_human_agent_reply_carries_the_tag_when_enabled(graph, conversation, send):
    _customer_wrote(conversation, timedelta(days=3))
    with pytest.raises(ReplyRefused) as refused:
        send(text="Nog een vraag?")
    assert refused.value.reason == errors.HUMAN_AGENT_DISABLED_REASON and graph.requests_without_profile() == []

    Inbox.objects.filter(pk=conversation.inbox_id).update(config={"human_agent": True})
    conversation.inbox.refresh_from_db()
    send(text="Nog een vraag?")
    body = graph.sent()[-1].json
    assert body["messaging_type"] == "MESSAGE_TAG" and body["tag"] == "HUMAN_AGENT"


def test_after_7_days_nothing_is_sent_even_with_the_tag(graph, conversation, send):
    Inbox.objects.filter(pk=conversation.inbox_id).update(config={"human_agent": True})
    conversation.inbox.refresh_from_db()
    _customer_wrote(conversation, timedelta(days=8))
    with pytest.raises(ReplyRefused) as refused:
        send(text="Hallo?")
    assert refused.value.reason == errors.HUMAN_AGENT_CLOSED_REASON and graph.sent() == []


def test_a_reply_waiting_in_the_outbox_past_the_window_fails_before_any_call(graph, conversation):
    message = make_message(conversation, direction="out", status="pending", text="Te laat")
    _customer_wrote(conversation, timedelta(hours=25))
    assert message_deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.error == errors.HUMAN_AGENT_DISABLED_REASON and graph.sent() == []


def test_a_bot_gets_no_human_agent_tag(graph, conversation):
    Inbox.objects.filter(pk=conversation.inbox_id).update(config={"human_agent": True})
    _customer_wrote(conversation, timedelta(hours=30))
    message = make_message(conversation, direction="out", status="pending", sender_type="bot", text="Bot")
    assert message_deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.error == errors.HUMAN_AGENT_ONLY_REASON and graph.sent() == []


def test_an_agents_file_is_uploaded_with_the_message_then_the_text_follows(graph, conversation, send):
    message = send(text="Hier is uw retourlabel", private=True)
    Message.objects.filter(pk=message.pk).update(private=False, status="pending", kind="document")
    attachment = Attachment(message=message, kind="document", mime_type="application/pdf", filename="label.pdf")
    attachment.file.save("label.pdf", ContentFile(b"%PDF-1.4 label"), save=True)

    assert message_deliver(message.pk) == "sent"

    upload, text = graph.send_bodies()[-2:]
    assert graph.sent()[-2].headers["content-type"].startswith("multipart/form-data")
    assert upload["recipient"] == {"id": PSID} and upload["messaging_type"] == "RESPONSE"
    assert upload["message"] == {
        "attachment": {"type": "file", "payload": {"is_reusable": False}},
        "metadata": f"webcare:{message.pk}",
    }
    assert upload["filedata"] == {"filename": "label.pdf", "data": b"%PDF-1.4 label"}
    assert text["message"]["text"] == "Hier is uw retourlabel"


def test_the_composer_sends_an_image_with_its_caption_and_refuses_files_over_25_mb(
    graph, conversation, agent, client, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(agent)
    photo = SimpleUploadedFile("kapot.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/inbox/conversations/{conversation.pk}/reply/", {"text": "Zo?", "file": photo})
    assert response.status_code == 200
    upload, text = graph.send_bodies()[-2:]
    assert upload["message"]["attachment"]["type"] == "image" and upload["filedata"]["filename"] == "kapot.png"
    assert text["message"]["text"] == "Zo?"
    assert Message.objects.get(direction="out").status == "sent"

    huge = SimpleUploadedFile("film.mp4", b"0" * (25 * 1024 * 1024 + 1), content_type="video/mp4")
    refused = client.post(f"/inbox/conversations/{conversation.pk}/reply/", {"file": huge})
    assert refused.status_code == 422 and "25 MB" in refused.content.decode()
    assert Message.objects.filter(direction="out").count() == 1


def test_text_over_2000_characters_is_refused_by_messenger_rules(graph, conversation):
    message = make_message(conversation, direction="out", status="pending", text="x" * 2001)
    assert message_deliver(message.pk) == "failed"
    assert graph.sent() == []


def _deliver_pending(conversation) -> tuple[str, Message]:
    message = make_message(conversation, direction="out", status="pending", text="Hallo")
    outcome = message_deliver(message.pk)
    message.refresh_from_db()
    return outcome, message


@pytest.mark.parametrize(("code", "subcode"), [(613, None), (4, None), (2, None), (1200, None), (1, None)])
def test_rate_limits_and_temporary_errors_back_off(graph, conversation, code, subcode):
    graph.script("POST", MESSAGES, error_answer(code, "temporary", subcode=subcode))
    outcome, message = _deliver_pending(conversation)
    assert outcome == "retry" and message.status == "pending" and message.next_attempt_at is not None


@pytest.mark.parametrize(
    ("code", "subcode", "reason"),
    [
        (10, 2018278, errors.WINDOW_CLOSED_REASON),
        (10, 2534022, errors.WINDOW_CLOSED_REASON),
        (551, 1545041, errors.USER_UNAVAILABLE_REASON),
        (551, None, errors.USER_UNAVAILABLE_REASON),
        (100, 2018001, None),
        (100, None, None),
        (230, None, None),
    ],
)
def test_window_unavailable_user_and_invalid_requests_fail_with_the_reason(graph, conversation, code, subcode, reason):
    graph.script("POST", MESSAGES, error_answer(code, "nope", subcode=subcode))
    outcome, message = _deliver_pending(conversation)
    assert outcome == "failed" and message.status == "failed" and message.error
    assert message.error_code == str(subcode or code)
    if reason:
        assert message.error == reason


def test_a_server_error_is_retried_and_an_expired_token_flags_the_inbox(graph, conversation):
    graph.script("POST", MESSAGES, Answer(status=502, body=b"<html>Bad gateway</html>"))
    assert _deliver_pending(conversation)[0] == "retry"
    graph.scripted.clear()
    graph.script("POST", MESSAGES, error_answer(190, "Error validating access token", http=401))
    outcome, message = _deliver_pending(conversation)
    assert outcome == "failed" and message.error == errors.REAUTH_REASON
    assert Inbox.objects.get(pk=conversation.inbox_id).needs_reauth is True


def test_an_agents_reaction_is_the_react_sender_action(graph, send):
    target = Message.objects.get(direction="in")
    send(text="", kind="reaction", content={"emoji": "❤️"}, reply_to=target)
    assert graph.sent()[-1].json == {
        "recipient": {"id": PSID},
        "sender_action": "react",
        "payload": {"message_id": "m_text_1", "reaction": "❤️"},
    }


# --- Echoes ------------------------------------------------------------------------------------


def test_the_echo_of_our_own_reply_is_matched_by_message_id_and_never_duplicated(graph, deliver, send):
    graph.script("POST", MESSAGES, Answer(json={"recipient_id": PSID, "message_id": "m_webcare_reply_1"}))
    message = send(text="Uw pakket komt morgen.")
    deliver("echo_own")
    deliver("echo_own")
    assert Message.objects.filter(direction="out").get() == message


def test_an_echo_that_outruns_the_send_answer_is_recognised_by_our_reference(graph, deliver, conversation):
    message = make_message(conversation, direction="out", status="pending", text="Uw pakket komt morgen.")
    deliver("echo_own_reference", replace={"MESSAGE_PK": str(message.pk)})
    assert Message.objects.filter(direction="out").count() == 1


def test_a_reply_sent_from_the_pages_own_inbox_is_stored_as_sent_outside_webcare(graph, deliver, client, conversation):
    deliver("echo_foreign")
    deliver("echo_foreign")
    echo = Message.objects.get(external_id="m_page_inbox_1")
    assert echo.direction == "out" and echo.sender_type == "agent" and echo.author is None
    assert echo.status == "sent" and echo.content["sent_outside_webcare"] is True
    assert echo.content["app_id"] == "263902037430900"
    assert echo.conversation == conversation
    conversation.refresh_from_db()
    assert conversation.first_response_at is None  # not a Webcare agent's reply
    assert conversation.last_message_preview.startswith("Hi Sanne")

    client.force_login(make_user(inboxes=[conversation.inbox]))
    page = client.get(f"/inbox/conversations/{conversation.pk}/messages/").content.decode()
    assert "Sent outside Webcare" in page


def test_a_foreign_echo_with_an_image_downloads_it(graph, deliver, conversation):
    graph.cdn("v/t1.15752-9/label.jpg", b"\xff\xd8 label")
    deliver("echo_foreign_image")
    echo = Message.objects.get(external_id="m_page_inbox_2")
    assert echo.kind == "image" and echo.attachments.get().status == "stored"


# --- Delivery and read watermarks --------------------------------------------------------------


def test_delivery_and_read_watermarks_move_every_earlier_reply_forward(graph, deliver, conversation):
    from datetime import UTC, datetime

    at = datetime.fromtimestamp(1795000004, tz=UTC)  # sent before the watermarks (ms 1795000005000 / 6000)
    earlier = make_message(conversation, direction="out", status="sent", status_at=at, external_id="m_a")
    later = make_message(conversation, direction="out", status="sent", status_at=at + timedelta(seconds=5))
    pending = make_message(conversation, direction="out", status="pending")
    failed = make_message(conversation, direction="out", status="failed", status_at=at)

    deliver("delivery_watermark_only")
    assert [_status(m) for m in (earlier, later, pending, failed)] == ["delivered", "sent", "pending", "failed"]
    deliver("read")
    assert [_status(m) for m in (earlier, later, pending, failed)] == ["read", "sent", "pending", "failed"]
    # a late delivery never moves read back
    deliver("delivery_watermark_only")
    assert _status(earlier) == "read"


def test_a_delivery_naming_a_message_we_do_not_know_yet_is_applied_when_it_is(graph, deliver, conversation):
    deliver("delivery")  # names m_webcare_reply_1 before our send call stored it
    graph.script("POST", MESSAGES, Answer(json={"recipient_id": PSID, "message_id": "m_webcare_reply_1"}))
    message = make_message(conversation, direction="out", status="pending", text="Uw pakket komt morgen.")
    assert message_deliver(message.pk) == "sent"
    assert _status(message) == "delivered"


def _status(message) -> str:
    message.refresh_from_db()
    return message.status
