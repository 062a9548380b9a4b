import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from inbox import hooks
from inbox.ingest import message_ingest, status_update_apply
from inbox.models import Conversation, ConversationEvent, Message, ParkedStatusUpdate
from inbox.normalized import InboundAttachment, StatusUpdate
from inbox.services import conversation_update
from tests.factories import inbound, make_inbox, make_message

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_a_customer_message_creates_contact_conversation_message_and_events():
    inbox = make_inbox("whatsapp")

    result = message_ingest(inbox=inbox, inbound=inbound("wamid.A1", sender_id="31612345678", phone="31612345678"))

    message = result.message
    assert result.created
    assert message.direction == "in" and message.sender_type == "contact"
    assert message.conversation.contact.phone == "+31612345678"
    assert message.conversation.status == "open"
    assert message.conversation.last_message_preview.startswith("Hallo")
    kinds = list(ConversationEvent.objects.filter(conversation=message.conversation).values_list("kind", flat=True))
    assert kinds == ["created", "message_in"]


@pytest.mark.smoke
def test_redelivered_message_is_stored_once():
    inbox = make_inbox("whatsapp")
    message_ingest(inbox=inbox, inbound=inbound("wamid.SAME"))

    again = message_ingest(inbox=inbox, inbound=inbound("wamid.SAME"))

    assert not again.created
    assert Message.objects.filter(external_id="wamid.SAME").count() == 1
    assert ConversationEvent.objects.filter(kind="message_in").count() == 1


def test_the_same_external_id_in_two_inboxes_is_two_messages():
    message_ingest(inbox=make_inbox("whatsapp"), inbound=inbound("wamid.X"))
    message_ingest(inbox=make_inbox("whatsapp"), inbound=inbound("wamid.X"))
    assert Message.objects.filter(external_id="wamid.X").count() == 2


@pytest.mark.smoke
def test_next_messages_join_the_open_conversation():
    inbox = make_inbox("whatsapp")
    first = message_ingest(inbox=inbox, inbound=inbound("wamid.1")).message
    second = message_ingest(inbox=inbox, inbound=inbound("wamid.2")).message
    assert first.conversation_id == second.conversation_id


def test_several_customers_in_one_batch_get_their_own_conversations():
    inbox = make_inbox("whatsapp")
    a = message_ingest(inbox=inbox, inbound=inbound("wamid.a", sender_id="31611111111", phone="31611111111")).message
    b = message_ingest(
        inbox=inbox, inbound=inbound("wamid.b", sender_id="4915123456789", phone="4915123456789")
    ).message
    assert a.conversation_id != b.conversation_id
    assert a.conversation.contact_id != b.conversation.contact_id


@pytest.mark.smoke
def test_a_message_after_resolved_reopens_the_conversation():
    inbox = make_inbox("whatsapp")
    conversation = message_ingest(inbox=inbox, inbound=inbound("wamid.1")).message.conversation
    conversation_update(conversation=conversation, actor=None, status="resolved")

    later = message_ingest(inbox=inbox, inbound=inbound("wamid.2")).message

    conversation.refresh_from_db()
    assert later.conversation_id == conversation.pk
    assert conversation.status == "open"
    assert ConversationEvent.objects.filter(conversation=conversation, kind="reopened").count() == 1


@pytest.mark.parametrize("status", ["pending", "snoozed"])
def test_a_customer_message_wakes_a_waiting_conversation(status):
    inbox = make_inbox("livechat")
    conversation = message_ingest(inbox=inbox, inbound=inbound("m1", sender_id="v1")).message.conversation
    conversation_update(
        conversation=conversation, actor=None, status=status, snoozed_until=timezone.now() + timedelta(days=1)
    )

    message_ingest(inbox=inbox, inbound=inbound("m2", sender_id="v1"))

    conversation.refresh_from_db()
    assert conversation.status == "open" and conversation.snoozed_until is None


@pytest.mark.smoke
def test_a_message_after_closed_starts_a_new_conversation_on_the_same_contact():
    inbox = make_inbox("whatsapp")
    old = message_ingest(inbox=inbox, inbound=inbound("wamid.1")).message.conversation
    conversation_update(conversation=old, actor=None, status="closed")

    new = message_ingest(inbox=inbox, inbound=inbound("wamid.2")).message.conversation

    assert new.pk != old.pk
    assert new.contact_id == old.contact_id
    assert new.status == "open"
    old.refresh_from_db()
    assert old.status == "closed"


def test_a_late_older_message_does_not_rewind_the_conversation_clock():
    inbox = make_inbox("whatsapp")
    now = timezone.now()
    message_ingest(inbox=inbox, inbound=inbound("wamid.new", text="newest", at=now))
    message_ingest(inbox=inbox, inbound=inbound("wamid.old", text="older", at=now - timedelta(minutes=5)))

    conversation = Conversation.objects.get()
    assert conversation.last_message_at == now
    assert conversation.last_customer_message_at == now
    assert conversation.last_message_preview == "newest"
    texts = list(conversation.messages.order_by("sent_at").values_list("text", flat=True))
    assert texts == ["older", "newest"]


def test_attachments_are_kept_pending_until_downloaded():
    inbox = make_inbox("whatsapp")
    item = InboundAttachment(kind="image", mime_type="image/jpeg", remote_id="media-1", sha256="ab" * 32)
    message = message_ingest(
        inbox=inbox, inbound=inbound("wamid.img", kind="image", text="", attachments=(item,))
    ).message

    attachment = message.attachments.get()
    assert attachment.status == "pending" and attachment.remote_id == "media-1"
    assert message.conversation.last_message_preview == "[Image]"


def test_a_reply_to_an_earlier_message_links_to_it():
    inbox = make_inbox("whatsapp")
    first = message_ingest(inbox=inbox, inbound=inbound("wamid.q")).message
    answer = message_ingest(inbox=inbox, inbound=inbound("wamid.r", reply_to_external_id="wamid.q")).message
    assert answer.reply_to_id == first.pk


def test_automation_hook_runs_after_commit_and_a_broken_handler_loses_nothing(django_capture_on_commit_callbacks):
    seen = []

    def broken(message_id):
        raise RuntimeError("rule exploded")

    def recorder(message_id):
        seen.append(message_id)

    hooks.on_message_received(broken)
    hooks.on_message_received(recorder)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            message = message_ingest(inbox=make_inbox("livechat"), inbound=inbound("m1", sender_id="v1")).message
    finally:
        hooks._message_received_handlers[:] = [
            h for h in hooks._message_received_handlers if h not in (broken, recorder)
        ]
    assert seen == [message.pk]
    assert Message.objects.filter(pk=message.pk).exists()


# --- delivery statuses -----------------------------------------------------------------------


def _outbound(external_id="wamid.out1"):
    inbox = make_inbox("whatsapp")
    conversation = message_ingest(inbox=inbox, inbound=inbound("wamid.in1")).message.conversation
    return inbox, make_message(conversation, direction="out", external_id=external_id, status="sent")


def _status(status, external_id="wamid.out1", **fields):
    return StatusUpdate(external_id=external_id, status=status, timestamp=timezone.now(), **fields)


@pytest.mark.smoke
def test_statuses_move_forward_and_never_back():
    inbox, message = _outbound()

    assert status_update_apply(inbox=inbox, update=_status("read"))
    assert not status_update_apply(inbox=inbox, update=_status("delivered"))  # late

    message.refresh_from_db()
    assert message.status == "read"


def test_read_can_arrive_without_delivered():
    inbox, message = _outbound()
    status_update_apply(inbox=inbox, update=_status("read"))
    message.refresh_from_db()
    assert message.status == "read"


def test_failed_status_keeps_the_platform_reason():
    inbox, message = _outbound()
    status_update_apply(inbox=inbox, update=_status("failed", error_code="131047", error="More than 24 hours passed."))
    message.refresh_from_db()
    assert message.status == "failed"
    assert message.error_code == "131047" and "24 hours" in message.error


def test_a_status_for_an_unknown_message_is_parked_not_an_error():
    inbox = make_inbox("whatsapp")
    assert not status_update_apply(inbox=inbox, update=_status("delivered", external_id="wamid.future"))
    assert ParkedStatusUpdate.objects.filter(external_id="wamid.future", status="delivered").exists()


def test_unknown_status_values_are_ignored():
    inbox, message = _outbound()
    assert not status_update_apply(inbox=inbox, update=_status("exploded"))
    message.refresh_from_db()
    assert message.status == "sent"


# --- concurrency (PostgreSQL) ----------------------------------------------------------------


def _race(target, count):
    barrier = threading.Barrier(count)
    errors = []

    def run():
        try:
            barrier.wait()
            target()
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_redeliveries_store_exactly_one_message(on_postgres):
    # given a first-ever message from a new customer, delivered 8 times at once
    inbox = make_inbox("whatsapp")
    payload = inbound("wamid.RACE", sender_id="31687654321", phone="31687654321")

    errors = _race(lambda: message_ingest(inbox=inbox, inbound=payload), 8)

    assert errors == []
    assert Message.objects.filter(external_id="wamid.RACE").count() == 1
    assert Conversation.objects.filter(inbox=inbox).count() == 1
    from crm.models import Contact, ContactIdentity

    assert ContactIdentity.objects.filter(external_id="31687654321").count() == 1
    assert Contact.objects.count() == 1
    assert ConversationEvent.objects.filter(kind="message_in").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_messages_of_one_customer_share_one_conversation(on_postgres):
    inbox = make_inbox("whatsapp")
    ids = iter(range(100))
    lock = threading.Lock()

    def deliver():
        with lock:
            n = next(ids)
        message_ingest(inbox=inbox, inbound=inbound(f"wamid.{n}", sender_id="31600000001", phone="31600000001"))

    errors = _race(deliver, 6)

    assert errors == []
    assert Message.objects.count() == 6
    assert Conversation.objects.count() == 1
