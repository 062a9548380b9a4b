"""The outbox: replies are committed before any network call and delivered at least once."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from inbox import channel_registry, outbox
from inbox.channel_registry import Channel, PermanentSendError, RetryableSendError, SendResult, WindowState
from inbox.ingest import message_ingest, status_update_apply
from inbox.models import ConversationEvent, Message, ParkedStatusUpdate
from inbox.normalized import StatusUpdate
from inbox.replies import ReplyRefused, reply_send
from inbox.tasks import outbox_sweep_task
from tests.factories import inbound, make_inbox, make_message, make_user

pytestmark = pytest.mark.django_db


class FakePlatform:
    """Stands in for the platform's API behind the Sender boundary: scripted answers."""

    def __init__(self):
        self.answers = []  # exceptions to raise, in order; then success
        self.sent = []
        self.window = WindowState(open=True)
        self.lock = threading.Lock()

    def send(self, message):
        with self.lock:
            self.sent.append(message.pk)
            if self.answers:
                raise self.answers.pop(0)
        return SendResult(external_id=f"wamid.out.{message.pk}.{len(self.sent)}")


@pytest.fixture
def platform():
    fake = FakePlatform()
    original = channel_registry.get("whatsapp")
    channel_registry.register(Channel(kind="whatsapp", send=fake.send, window=lambda conversation: fake.window))
    yield fake
    channel_registry.register(original)


@pytest.fixture
def conversation():
    inbox = make_inbox("whatsapp")
    return message_ingest(inbox=inbox, inbound=inbound("wamid.in.1")).message.conversation


@pytest.fixture
def agent(conversation):
    return make_user("anna", inboxes=[conversation.inbox])


@pytest.mark.smoke
def test_a_reply_is_stored_pending_and_sent_after_commit(
    platform, conversation, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = reply_send(conversation=conversation, author=agent, text="Uw pakket komt morgen.")
        # given the transaction has not committed yet: nothing went out
        assert Message.objects.get(pk=message.pk).status == "pending"
        assert platform.sent == []
    for callback in callbacks:
        callback()

    message.refresh_from_db()
    assert platform.sent == [message.pk]
    assert message.status == "sent"
    assert message.external_id == f"wamid.out.{message.pk}.1"
    assert message.attempts == 1


@pytest.mark.smoke
def test_the_first_human_reply_is_recorded_once(platform, conversation, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply_send(conversation=conversation, author=None, text="Bot: we are closed.", sender_type="bot")
        first = reply_send(conversation=conversation, author=agent, text="Hi, Anna here.")
        reply_send(conversation=conversation, author=agent, text="Anything else?")

    conversation.refresh_from_db()
    assert conversation.first_response_at == first.sent_at
    assert ConversationEvent.objects.filter(conversation=conversation, kind="first_response").count() == 1


@pytest.mark.smoke
def test_private_notes_never_leave(platform, conversation, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        note = reply_send(conversation=conversation, author=agent, text="Customer is a VIP", private=True)
    outbox_sweep_task()

    note.refresh_from_db()
    assert platform.sent == []
    assert note.private and note.attempts == 0
    conversation.refresh_from_db()
    assert conversation.first_response_at is None


def test_a_retryable_error_backs_off_then_the_sweeper_delivers(
    platform, conversation, agent, django_capture_on_commit_callbacks
):
    platform.answers = [RetryableSendError("Rate limit hit", code="130429")]
    with django_capture_on_commit_callbacks(execute=True):
        message = reply_send(conversation=conversation, author=agent, text="Hallo")

    message.refresh_from_db()
    assert message.status == "pending" and message.attempts == 1
    assert message.error_code == "130429"
    assert message.next_attempt_at > timezone.now()
    # not yet due: the sweeper leaves it alone
    assert outbox_sweep_task() == 0

    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert outbox_sweep_task() == 1

    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2 and message.error == ""
    assert platform.sent == [message.pk, message.pk]


def test_retries_are_bounded(platform, conversation, agent, settings, django_capture_on_commit_callbacks):
    settings.WEBCARE_OUTBOX_MAX_ATTEMPTS = 3
    platform.answers = [RetryableSendError("HTTP 503")] * 5
    with django_capture_on_commit_callbacks(execute=True):
        message = reply_send(conversation=conversation, author=agent, text="Hallo")
    for _ in range(3):
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        outbox_sweep_task()

    message.refresh_from_db()
    assert message.status == "failed"
    assert "Gave up after 3 attempts" in message.error
    assert len(platform.sent) == 3


@pytest.mark.smoke
def test_a_permanent_error_fails_the_message_with_the_reason(
    platform, conversation, agent, django_capture_on_commit_callbacks
):
    platform.answers = [PermanentSendError("The customer has blocked this number.", code="131026")]
    with django_capture_on_commit_callbacks(execute=True):
        message = reply_send(conversation=conversation, author=agent, text="Hallo")
    outbox_sweep_task()

    message.refresh_from_db()
    assert message.status == "failed"
    assert message.error == "The customer has blocked this number." and message.error_code == "131026"
    assert len(platform.sent) == 1


def test_a_sender_crash_is_retried_not_lost(platform, conversation, agent, django_capture_on_commit_callbacks):
    platform.answers = [KeyError("bug")]
    with django_capture_on_commit_callbacks(execute=True):
        message = reply_send(conversation=conversation, author=agent, text="Hallo")
    message.refresh_from_db()
    assert message.status == "pending" and "KeyError" in message.error


@pytest.mark.smoke
def test_the_sweeper_sends_replies_whose_task_never_ran(platform, conversation, agent):
    # given a reply committed while the broker was down: its on-commit enqueue never happened
    message = reply_send(conversation=conversation, author=agent, text="Hallo")  # callbacks not executed
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    assert outbox_sweep_task() == 1

    message.refresh_from_db()
    assert message.status == "sent"


def test_a_send_claimed_by_a_worker_that_died_is_retried_after_the_lease(platform, conversation, agent):
    message = reply_send(conversation=conversation, author=agent, text="Hallo")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert outbox.message_claim(message.pk)  # the worker claimed it and died
    assert outbox_sweep_task() == 0  # still leased

    Message.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert outbox_sweep_task() == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2


def test_a_sent_message_is_not_sent_again(platform, conversation, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = reply_send(conversation=conversation, author=agent, text="Hallo")
    assert outbox.message_deliver(message.pk) == "skipped"
    assert platform.sent == [message.pk]


def test_a_closed_window_refuses_the_reply_before_anything_is_stored(platform, conversation, agent):
    platform.window = WindowState(open=False, reason="More than 24 hours since the customer's last message.")
    with pytest.raises(ReplyRefused, match="24 hours"):
        reply_send(conversation=conversation, author=agent, text="Hallo")
    assert not Message.objects.filter(direction="out").exists()
    # a private note is not a message to the customer: always allowed
    reply_send(conversation=conversation, author=agent, text="note", private=True)


def test_a_status_that_outran_our_send_is_applied_once_we_know_the_id(platform, conversation, agent):
    message = reply_send(conversation=conversation, author=agent, text="Hallo")
    expected_id = f"wamid.out.{message.pk}.1"
    # the platform's "delivered" webhook arrives before our send call returned
    status_update_apply(
        inbox=conversation.inbox,
        update=StatusUpdate(external_id=expected_id, status="delivered", timestamp=timezone.now()),
    )
    assert ParkedStatusUpdate.objects.count() == 1

    outbox.message_deliver(message.pk)

    message.refresh_from_db()
    assert message.status == "delivered"
    assert ParkedStatusUpdate.objects.count() == 0


@pytest.mark.smoke
def test_the_placeholder_channel_fails_with_not_configured(conversation, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = reply_send(conversation=conversation, author=agent, text="Hallo")
    message.refresh_from_db()
    assert message.status == "failed" and "not configured" in message.error


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_message_send_it_once(platform, on_postgres):
    inbox = make_inbox("whatsapp")
    conversation = message_ingest(inbox=inbox, inbound=inbound("wamid.in.c")).message.conversation
    # a pending reply whose enqueue was lost, now handed out by the sweeper and its task at once
    message = make_message(conversation, direction="out", status="pending")
    barrier = threading.Barrier(6)
    outcomes = []

    def deliver():
        try:
            barrier.wait()
            outcomes.append(outbox.message_deliver(message.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert platform.sent.count(message.pk) == 1
    assert sorted(outcomes) == ["sent"] + ["skipped"] * 5
