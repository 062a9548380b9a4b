"""Delivery statuses from WhatsApp: forward only, failed in plain words, early ones parked."""

import pytest

from channels_whatsapp.rules import window
from inbox.models import Conversation, Message, ParkedStatusUpdate
from inbox.outbox import _message_sent
from tests.factories import make_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def outgoing(deliver):
    deliver("text")
    return make_message(Conversation.objects.get(), direction="out", text="Morgen!", external_id="wamid.OUT.1")


@pytest.mark.smoke
def test_statuses_in_order_end_at_read(deliver, outgoing):
    deliver("statuses_in_order")
    outgoing.refresh_from_db()
    assert outgoing.status == "read"


def test_statuses_out_of_order_never_move_backwards(deliver, outgoing):
    deliver("statuses_out_of_order")
    outgoing.refresh_from_db()
    assert outgoing.status == "read"
    assert outgoing.status_at.timestamp() == 1767261603


def test_a_failed_131047_shows_the_same_reason_as_the_window_check(deliver, outgoing):
    deliver("status_failed")
    outgoing.refresh_from_db()
    assert outgoing.status == "failed" and outgoing.error_code == "131047"
    conversation = outgoing.conversation
    Conversation.objects.filter(pk=conversation.pk).update(last_customer_message_at=None)
    conversation.last_customer_message_at = outgoing.sent_at.replace(year=2020)
    assert outgoing.error == window(conversation).reason


def test_a_failed_status_gives_metas_reason_in_plain_words(deliver, outgoing):
    deliver("status_failed_undeliverable")
    outgoing.refresh_from_db()
    assert outgoing.status == "failed" and outgoing.error_code == "131026"
    assert "could not deliver" in outgoing.error


def test_a_status_for_a_message_not_known_yet_is_parked_then_applied(deliver):
    deliver("status_unknown_message")
    assert ParkedStatusUpdate.objects.get().status == "delivered"

    # when our send call returns and the message gets its WhatsApp id
    deliver("text")
    pending = make_message(Conversation.objects.get(), direction="out", status="pending", text="Hoi")
    _message_sent(pending, external_id="wamid.OUT.NOT.YET.KNOWN", status="sent")

    assert Message.objects.get(pk=pending.pk).status == "delivered"
    assert ParkedStatusUpdate.objects.count() == 0


def test_statuses_in_a_batch_apply_beside_its_messages(deliver):
    deliver("status_unknown_message")  # unrelated parked status, harmless
    deliver("batch")
    assert ParkedStatusUpdate.objects.filter(external_id="wamid.OUTGOING.BATCH").exists()
