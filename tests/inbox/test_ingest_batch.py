"""`messages_ingest`: a platform's batch stored in a few set-based queries, with the same outcome
as `message_ingest` message for message."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox.ingest import message_ingest, messages_ingest
from inbox.models import Conversation, ConversationEvent, Message
from inbox.normalized import InboundAttachment
from inbox.services import conversation_update
from tests.factories import inbound, make_inbox

pytestmark = pytest.mark.django_db

T0 = timezone.now() - timedelta(hours=1)


def customers(inbox, count: int) -> list[str]:
    """`count` returning customers, each with an open conversation holding one message."""
    wa_ids = [f"3161000{n:04d}" for n in range(count)]
    for n, wa_id in enumerate(wa_ids):
        message_ingest(inbox=inbox, inbound=inbound(f"wamid.first.{n}", sender_id=wa_id, at=T0))
    return wa_ids


def state(conversation: Conversation) -> tuple:
    conversation.refresh_from_db()
    events = list(conversation.events.order_by("pk").values_list("kind", flat=True))
    texts = list(conversation.messages.order_by("pk").values_list("text", flat=True))
    return (conversation.status, conversation.unread_count, conversation.last_message_at,
            conversation.last_message_preview, conversation.last_customer_message_at, conversation.version,
            events, texts)  # fmt: skip


@pytest.mark.smoke
def test_a_batch_leaves_every_conversation_as_single_messages_would():
    # given: two inboxes with the same customers, one resolved conversation among them
    by_batch, one_by_one = make_inbox("whatsapp"), make_inbox("whatsapp")
    wa_ids = customers(by_batch, 4)
    customers(one_by_one, 4)
    for inbox in (by_batch, one_by_one):
        resolved = Conversation.objects.get(inbox=inbox, identity__external_id=wa_ids[1])
        conversation_update(conversation=resolved, actor=None, status="resolved")
    sends = [  # the second customer twice, the last one's messages out of order
        (wa_ids[0], "Waar blijft mijn pakket?", 1),
        (wa_ids[1], "Toch nog een vraag", 2),
        (wa_ids[1], "En nog een", 3),
        (wa_ids[3], "later", 6),
        (wa_ids[3], "earlier, delivered late", 4),
    ]

    # when: the same messages arrive as one batch in one inbox, one by one in the other
    batch = [inbound(f"wamid.b.{n}", sender_id=w, text=t, at=T0 + timedelta(minutes=m)) for n, (w, t, m) in
             enumerate(sends)]  # fmt: skip
    results = messages_ingest(inbox=by_batch, inbounds=batch)
    for n, (wa_id, text, minutes) in enumerate(sends):
        message_ingest(inbox=one_by_one, inbound=inbound(f"wamid.s.{n}", sender_id=wa_id, text=text,
                                                         at=T0 + timedelta(minutes=minutes)))  # fmt: skip

    # then: every message is stored once, in order, and each conversation ends up the same
    assert [r.created for r in results] == [True] * 5
    assert [r.message.text for r in results] == [text for _, text, _ in sends]
    for wa_id in wa_ids:
        ours = Conversation.objects.get(inbox=by_batch, identity__external_id=wa_id)
        theirs = Conversation.objects.get(inbox=one_by_one, identity__external_id=wa_id)
        assert state(ours) == state(theirs)
    reopened = Conversation.objects.get(inbox=by_batch, identity__external_id=wa_ids[1])
    assert reopened.status == "open" and reopened.unread_count == 3
    assert "reopened" in reopened.events.values_list("kind", flat=True)
    late = Conversation.objects.get(inbox=by_batch, identity__external_id=wa_ids[3])
    assert late.last_message_preview == "later"  # a late older message never rewinds the clock


def test_new_customers_duplicates_and_replies_inside_one_batch():
    inbox = make_inbox("whatsapp")
    (known,) = customers(inbox, 1)
    photo = InboundAttachment(kind="image", mime_type="image/jpeg", remote_id="media-1")
    batch = [
        inbound("wamid.n.1", sender_id="31612340099", phone="31612340099", name="Nieuwe Klant", text="Hoi"),
        inbound("wamid.k.1", sender_id=known, text="Vraag"),
        inbound("wamid.k.1", sender_id=known, text="Vraag"),  # the platform repeats itself
        inbound("wamid.k.2", sender_id=known, text="Dit bedoel ik", reply_to_external_id="wamid.k.1"),
        inbound("wamid.k.3", sender_id=known, text="", kind="image", attachments=(photo,)),
        inbound("wamid.n.2", sender_id="31612340099", text="Nog iets"),
    ]

    results = messages_ingest(inbox=inbox, inbounds=batch)

    assert [r.created for r in results] == [True, True, False, True, True, True]
    assert results[2].message.pk == results[1].message.pk
    assert results[3].message.reply_to_id == results[1].message.pk
    assert results[4].message.attachments.get().remote_id == "media-1"
    newcomer = Conversation.objects.get(identity__external_id="31612340099")
    assert newcomer.contact.phone == "+31612340099" and newcomer.messages.count() == 2
    assert list(newcomer.events.order_by("pk").values_list("kind", flat=True)) == [
        "created", "message_in", "message_in"]  # fmt: skip
    assert Message.objects.filter(inbox=inbox).count() == 1 + 5


def test_a_redelivered_batch_changes_nothing():
    inbox = make_inbox("whatsapp")
    wa_ids = customers(inbox, 3)
    batch = [inbound(f"wamid.r.{n}", sender_id=w) for n, w in enumerate(wa_ids)]
    messages_ingest(inbox=inbox, inbounds=batch)
    before = [state(c) for c in Conversation.objects.filter(inbox=inbox).order_by("pk")]

    again = messages_ingest(inbox=inbox, inbounds=batch)

    assert [r.created for r in again] == [False] * 3
    assert [state(c) for c in Conversation.objects.filter(inbox=inbox).order_by("pk")] == before


def test_a_batch_costs_a_few_queries_not_nine_a_message(django_capture_on_commit_callbacks):
    inbox = make_inbox("whatsapp")
    wa_ids = customers(inbox, 50)
    batch = [inbound(f"wamid.q.{n}", sender_id=w) for n, w in enumerate(wa_ids)]

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as callbacks:
        messages_ingest(inbox=inbox, inbounds=batch)

    # identities, conversations (locked), stored ids, messages, attachments, events, and one
    # UPDATE per conversation; the single path needs about 450 for the same 50 messages
    assert len(queries) <= 60 + 2  # + BEGIN/COMMIT or SAVEPOINT/RELEASE
    # one realtime hint per message, one automation task for the whole batch
    assert len(callbacks) == 50 + 1


def test_a_survey_answer_in_a_batch_is_claimed_and_keeps_the_conversation_resolved():
    from reporting.models import SurveyRequest, SurveyResponse

    inbox = make_inbox("whatsapp")
    wa_ids = customers(inbox, 2)
    resolved = Conversation.objects.get(identity__external_id=wa_ids[0])
    conversation_update(conversation=resolved, actor=None, status="resolved")
    unread = Conversation.objects.get(pk=resolved.pk).unread_count
    SurveyRequest.objects.create(
        conversation=resolved, inbox=inbox, kind="csat", language="nl", sent_at=timezone.now() - timedelta(minutes=1)
    )

    messages_ingest(inbox=inbox, inbounds=[inbound("wamid.s.1", sender_id=wa_ids[0], text="5"),
                                           inbound("wamid.s.2", sender_id=wa_ids[1], text="Hallo")])  # fmt: skip

    resolved.refresh_from_db()
    assert resolved.status == "resolved" and resolved.unread_count == unread  # an answer, not a question
    assert SurveyResponse.objects.get(conversation=resolved).score == 5


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_delivered_ten_times_at_once_stores_each_message_once(on_postgres):
    # given: returning customers and one new customer in one batch, delivered 10 times at once
    inbox = make_inbox("whatsapp")
    wa_ids = customers(inbox, 5)
    batch = [inbound(f"wamid.c.{n}", sender_id=w) for n, w in enumerate([*wa_ids, "31688888888"])]
    barrier, errors = threading.Barrier(10), []

    def deliver():
        try:
            barrier.wait()
            with transaction.atomic():  # as the webhook event's transaction
                messages_ingest(inbox=inbox, inbounds=batch)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert Message.objects.filter(external_id__startswith="wamid.c.").count() == 6
    assert Conversation.objects.filter(inbox=inbox).count() == 6
    assert ConversationEvent.objects.filter(kind="message_in").count() == 5 + 6
