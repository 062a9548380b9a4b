"""The WhatsApp Sender against a local fake Graph API: bodies, headers, errors, throughput."""

import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from channels_whatsapp import sender
from channels_whatsapp.errors import WINDOW_CLOSED_REASON
from inbox.channel_registry import PermanentSendError, RetryableSendError
from inbox.models import Attachment, Conversation, Inbox, Message
from inbox.outbox import message_deliver
from inbox.replies import reply_send
from tests.channels_whatsapp.fakes import ACCESS_TOKEN, PHONE_NUMBER_ID, Answer, error_answer
from tests.factories import make_message, make_user

pytestmark = pytest.mark.django_db

MESSAGES = f"/{PHONE_NUMBER_ID}/messages"


@pytest.fixture
def conversation(deliver):
    deliver("text")
    conversation = Conversation.objects.select_related("inbox", "identity").get()
    # the customer wrote a minute ago: the window is open
    Conversation.objects.filter(pk=conversation.pk).update(last_customer_message_at=timezone.now())
    conversation.refresh_from_db()
    return conversation


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
def test_a_text_reply_goes_to_the_wa_id_with_the_bearer_token_and_no_link_preview(graph, send):
    message = send(text="Uw pakket komt morgen: https://example.nl/track")
    request = graph.sent()[-1]
    assert request.path == MESSAGES
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.json == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "31612345678",
        "type": "text",
        "text": {"body": "Uw pakket komt morgen: https://example.nl/track", "preview_url": False},
    }
    assert message.status == "sent" and message.external_id.startswith("wamid.SENT.")


def test_a_reply_to_a_customer_message_carries_its_context(graph, send):
    quoted = Message.objects.get(direction="in")
    send(text="Dat zoek ik uit", reply_to=quoted)
    assert graph.sent()[-1].json["context"] == {"message_id": quoted.external_id}


def test_a_reaction_names_the_message_and_emoji_without_context(graph, send):
    target = Message.objects.get(direction="in")
    send(text="", kind="reaction", content={"emoji": "❤️"}, reply_to=target)
    body = graph.sent()[-1].json
    assert body["type"] == "reaction" and "context" not in body
    assert body["reaction"] == {"message_id": target.external_id, "emoji": "❤️"}


def test_media_from_an_agent_upload_is_uploaded_first_then_sent_by_id(graph, conversation, agent, send):
    # given: the agent's upload is stored on a pending outbound message
    message = send(text="Hier is de retourlabel", private=True)  # a stored row to attach to
    Message.objects.filter(pk=message.pk).update(private=False, status="pending", kind="document")
    attachment = Attachment(message=message, kind="document", mime_type="application/pdf", filename="label.pdf")
    attachment.file.save("label.pdf", ContentFile(b"%PDF-1.4 label"), save=True)

    # when
    assert message_deliver(message.pk) == "sent"

    # then: POST /media (multipart) then POST /messages with the media id
    upload, sent = graph.sent("/media")[-1], graph.sent()[-1]
    assert upload.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert b"%PDF-1.4 label" in upload.body and b'name="messaging_product"' in upload.body
    assert sent.json["type"] == "document"
    assert sent.json["document"]["id"].startswith("media-")
    assert sent.json["document"]["caption"] == "Hier is de retourlabel"
    assert sent.json["document"]["filename"] == "label.pdf"


def test_outside_the_window_a_text_is_refused_before_any_call(graph, conversation, send):
    Conversation.objects.filter(pk=conversation.pk).update(
        last_customer_message_at=timezone.now() - timedelta(hours=25)
    )
    conversation.refresh_from_db()
    from inbox.replies import ReplyRefused

    with pytest.raises(ReplyRefused) as refused:
        send(text="Nog een vraag?")
    assert refused.value.reason == WINDOW_CLOSED_REASON
    assert graph.requests == []


def _deliver_pending(conversation) -> tuple[str, Message]:
    message = make_message(conversation, direction="out", status="pending", text="Hallo")
    outcome = message_deliver(message.pk)
    message.refresh_from_db()
    return outcome, message


@pytest.mark.parametrize("code", [130429, 131056, 80007, 4, 131000, 131016, 1, 2, 131057])
def test_retryable_meta_errors_back_off(graph, conversation, code):
    graph.script("POST", MESSAGES, error_answer(code, "temporary", http=400))
    outcome, message = _deliver_pending(conversation)
    assert outcome == "retry" and message.status == "pending"
    assert message.error_code == str(code) and message.next_attempt_at is not None


@pytest.mark.parametrize(
    "code", [131047, 131026, 131051, 100, 131008, 131009, 132000, 132001, 132012, 368, 131031, 131048, 131052]
)
def test_permanent_meta_errors_fail_the_message_with_a_reason(graph, conversation, code):
    graph.script("POST", MESSAGES, error_answer(code, "nope", http=400))
    outcome, message = _deliver_pending(conversation)
    assert outcome == "failed" and message.status == "failed" and message.error_code == str(code)
    assert message.error
    if code == 131047:
        assert message.error == WINDOW_CLOSED_REASON


@pytest.mark.smoke
def test_an_expired_token_fails_the_message_and_flags_the_inbox(graph, conversation):
    graph.script("POST", MESSAGES, error_answer(190, "Error validating access token", http=401))
    outcome, message = _deliver_pending(conversation)
    assert outcome == "failed" and "access token" in message.error
    assert Inbox.objects.get(pk=conversation.inbox_id).needs_reauth is True


def test_http_5xx_without_a_meta_body_is_retried(graph, conversation):
    graph.script("POST", MESSAGES, Answer(status=502, body=b"<html>Bad gateway</html>"))
    assert _deliver_pending(conversation)[0] == "retry"


def test_a_timeout_is_retried(graph, conversation, monkeypatch):
    monkeypatch.setattr("meta_platform.graph.READ_TIMEOUT", 0.2)
    graph.script("POST", MESSAGES, Answer(json={"messages": [{"id": "late"}]}, delay=1.0))
    outcome, message = _deliver_pending(conversation)
    assert outcome == "retry" and "in time" in message.error


def test_a_connection_error_is_retried(conversation, settings):
    settings.META_GRAPH_URL = "http://127.0.0.1:9/v21.0"  # nothing listens there
    outcome, message = _deliver_pending(conversation)
    assert outcome == "retry" and "reach WhatsApp" in message.error


def test_the_pair_rate_limit_waits_four_to_the_attempt_seconds():
    error = sender.GraphError("(#131056) pair rate", code=131056, http_status=400)
    assert sender.graph_failure_record(error, inbox_id=0, attempt=1).retry_after == 1
    assert sender.graph_failure_record(error, inbox_id=0, attempt=3).retry_after == 16
    assert isinstance(sender.graph_failure_record(error, inbox_id=0, attempt=3), RetryableSendError)
    template_error = sender.GraphError("(#132001)", code=132001, http_status=400)
    assert isinstance(sender.graph_failure_record(template_error, inbox_id=0, attempt=1), PermanentSendError)


def test_the_throughput_limit_spreads_a_burst_over_seconds(wa_inbox):
    wa_inbox.config = {"messages_per_second": 3}
    # start at the beginning of a second so the burst is measured cleanly
    time.sleep(1 - (time.time() % 1))
    started = time.monotonic()
    for _ in range(7):
        sender.throughput_wait(wa_inbox)
    # 3 in the first second, 3 in the second, the 7th in the third
    assert time.monotonic() - started >= 1.9


def test_marking_a_conversation_read_sends_the_latest_customer_message_id(graph, conversation):
    from channels_whatsapp.receipts import conversation_mark_read

    assert conversation_mark_read(conversation) is True
    body = graph.sent()[-1].json
    assert body == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": Message.objects.get(direction="in").external_id,
    }
    conversation.inbox.config = {"mark_read": False}
    assert conversation_mark_read(conversation) is False
