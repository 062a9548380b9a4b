"""Group commit of webhook deliveries (`inbox.webhook_groups`): deliveries that arrive while
another is being written are stored and processed together, each still stored before it is
processed and processed before it is answered."""

import json
import threading
import time

import pytest
from django.db import OperationalError, connections
from django.test import Client

from channels_whatsapp import processor as whatsapp_processor
from inbox import channel_registry, webhook_groups
from inbox.models import Conversation, Message, WebhookEvent
from inbox.webhooks import webhook_events_process, webhook_events_store
from tests.channels_whatsapp.fakes import APP_SECRET, PHONE_NUMBER_ID, post_webhook, sign
from tests.factories import make_inbox


def text_webhook(wamid: str, sender: str, text: str) -> bytes:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "31201234567", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": f"Klant {sender}"}, "wa_id": sender}],
        "messages": [{"from": sender, "id": wamid, "timestamp": "1767261600", "type": "text", "text": {"body": text}}],
    }
    entry = {"id": "waba", "changes": [{"field": "messages", "value": value}]}
    return json.dumps({"object": "whatsapp_business_account", "entry": [entry]}).encode()


def whatsapp_inbox():
    return make_inbox("whatsapp", external_id=PHONE_NUMBER_ID, credentials={"app_secret": APP_SECRET})


@pytest.fixture
def processor_calls():
    """Record how many events each call of the WhatsApp processor gets, and let a test hold the
    first call until others are waiting behind it."""
    calls, first_may_finish = [], threading.Event()
    original = channel_registry.get("whatsapp")

    def one(event):
        return many([event])[0]

    def many(events):
        calls.append(len(events))
        if len(calls) == 1:
            first_may_finish.wait(30)
        return original.process_webhook_events(events)

    channel_registry.register(
        channel_registry.Channel(
            kind="whatsapp", send=original.send, process_webhook_event=one, process_webhook_events=many
        )
    )
    yield calls, first_may_finish
    channel_registry.register(original)


def waiting_count() -> int:
    with webhook_groups._group_commit._lock:
        return len(webhook_groups._group_commit._waiting)


def in_threads(target, count: int) -> list:
    results: list = [None] * count

    def run(n):
        try:
            results[n] = target(n)
        except Exception as error:  # surfaced by the caller
            results[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    return threads, results


@pytest.mark.django_db(transaction=True)
def test_deliveries_arriving_during_a_write_are_stored_and_processed_as_one_group(on_postgres, processor_calls):
    # given: a WhatsApp inbox and one webhook being written (held in its processing)
    calls, first_may_finish = processor_calls
    inbox = whatsapp_inbox()
    bodies = [text_webhook(f"wamid.g.{n}", f"3161000000{n}", f"vraag {n}") for n in range(8)]

    def post(n):
        return post_webhook(Client(), inbox, bodies[n]).status_code

    first_thread, first = in_threads(lambda n: post(0), 1)
    while not calls:
        time.sleep(0.01)
    # when: seven more arrive meanwhile
    threads, others = in_threads(lambda n: post(n + 1), 7)
    deadline = time.monotonic() + 20
    while waiting_count() < 7 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert WebhookEvent.objects.count() == 1  # the waiting ones are not stored yet, nor answered
    assert others == [None] * 7
    first_may_finish.set()
    for thread in [*first_thread, *threads]:
        thread.join(30)

    # then: every request got its 200 after its message was stored, the seven in one group
    assert first == [200] and others == [200] * 7
    assert calls == [1, 7]
    assert Message.objects.filter(external_id__startswith="wamid.g.").count() == 8
    events = WebhookEvent.objects.all()
    assert [(e.status, e.attempts) for e in events] == [("processed", 1)] * 8
    assert Conversation.objects.filter(inbox=inbox).count() == 8


@pytest.mark.django_db
def test_a_group_keeps_the_order_of_one_customers_messages(django_capture_on_commit_callbacks):
    inbox = whatsapp_inbox()
    deliveries = [
        {
            "inbox": inbox,
            "channel": "whatsapp",
            "body": text_webhook(f"wamid.o.{n}", "31610000009", text),
            "headers": {},
        }
        for n, text in enumerate(["eerste", "tweede", "derde"])
    ]
    with django_capture_on_commit_callbacks(execute=True):
        webhook_events_process(webhook_events_store(deliveries))

    conversation = Conversation.objects.get(inbox=inbox)
    assert list(conversation.messages.order_by("pk").values_list("text", flat=True)) == ["eerste", "tweede", "derde"]
    assert conversation.last_message_preview == "derde"
    assert conversation.unread_count == 3


@pytest.mark.django_db
def test_one_bad_event_in_a_group_does_not_hold_back_the_others(monkeypatch, django_capture_on_commit_callbacks):
    # given: a parser bug that only one event of the group triggers
    inbox = whatsapp_inbox()
    real_parse = whatsapp_processor.payload_parse

    def parse(payload, **kwargs):
        if "poison" in json.dumps(payload):
            raise RuntimeError("parser bug")
        return real_parse(payload, **kwargs)

    monkeypatch.setattr(whatsapp_processor, "payload_parse", parse)
    texts = ["goed 1", "poison", "goed 2"]
    deliveries = [
        {
            "inbox": inbox,
            "channel": "whatsapp",
            "body": text_webhook(f"wamid.p.{n}", f"3162000000{n}", t),
            "headers": {},
        }
        for n, t in enumerate(texts)
    ]
    # when
    with django_capture_on_commit_callbacks(execute=True):
        webhook_events_process(webhook_events_store(deliveries))

    # then: the good ones are stored and processed, the bad one kept as failed for re-processing
    assert sorted(Message.objects.values_list("text", flat=True)) == ["goed 1", "goed 2"]
    outcome = {e.body.count("poison"): (e.status, e.error) for e in WebhookEvent.objects.all()}
    assert outcome[0] == ("processed", "")
    assert outcome[1][0] == "failed" and "parser bug" in outcome[1][1]


@pytest.mark.django_db
def test_platform_errors_stay_on_their_own_event_in_a_group(django_capture_on_commit_callbacks):
    from tests.channels_whatsapp.fakes import fixture_bytes

    inbox = whatsapp_inbox()
    bodies = [text_webhook("wamid.e.1", "31630000001", "hallo"), fixture_bytes("value_errors")]
    deliveries = [{"inbox": inbox, "channel": "whatsapp", "body": body, "headers": {}} for body in bodies]
    with django_capture_on_commit_callbacks(execute=True):
        webhook_events_process(webhook_events_store(deliveries))

    first, second = WebhookEvent.objects.order_by("pk")
    assert (first.status, first.platform_errors) == ("processed", [])
    assert second.status == "processed" and second.platform_errors[0]["code"] == 130429


@pytest.mark.django_db(transaction=True)
def test_when_storing_fails_no_delivery_of_the_group_is_acknowledged(monkeypatch):
    # given: the database refuses the write (PostgreSQL restarting)
    inbox = whatsapp_inbox()

    def refused(deliveries, **kwargs):
        time.sleep(0.05)  # long enough for the other deliveries to queue behind this write
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(webhook_groups, "webhook_events_store", refused)
    bodies = [text_webhook(f"wamid.f.{n}", f"3164000000{n}", "hallo") for n in range(4)]

    # when: four deliveries arrive at once
    threads, statuses = in_threads(lambda n: post_webhook(Client(), inbox, bodies[n]).status_code, 4)
    for thread in threads:
        thread.join(30)

    # then: every one gets a 503 (Meta retries), none is stored
    assert statuses == [503] * 4
    assert WebhookEvent.objects.count() == 0 and Message.objects.count() == 0


@pytest.mark.smoke
@pytest.mark.django_db
def test_a_lone_delivery_is_a_group_of_one_and_is_answered_after_processing(client):
    inbox = whatsapp_inbox()
    body = text_webhook("wamid.lone", "31650000001", "alleen")
    assert post_webhook(client, inbox, body, signature=sign(body)).status_code == 200
    assert Message.objects.get().text == "alleen"
    assert WebhookEvent.objects.get().status == "processed"


@pytest.mark.django_db(transaction=True)
def test_a_forming_group_waits_for_a_request_still_being_verified(on_postgres, processor_calls, monkeypatch):
    # given: a long gather window, so the test does not depend on the machine's speed
    calls, first_may_finish = processor_calls
    first_may_finish.set()
    monkeypatch.setattr(webhook_groups, "GATHER_MAX_S", 10.0)
    inbox = whatsapp_inbox()
    bodies = [text_webhook(f"wamid.a.{n}", f"3166000000{n}", "hallo") for n in range(2)]
    delivery = {"inbox": inbox, "channel": "whatsapp", "headers": {}}

    # when: one request is still verifying (arrived, not submitted) while another is submitted
    with webhook_groups.webhook_arriving() as arrival:
        threads, results = in_threads(lambda n: webhook_groups.webhook_receive(**delivery, body=bodies[1]).pk, 1)
        time.sleep(0.3)  # the submitted one leads, and waits for the one on its way
        assert calls == [] and Message.objects.count() == 0
        webhook_groups.webhook_receive(**delivery, body=bodies[0], arrival=arrival)
    threads[0].join(30)

    # then: both were written as one group
    assert calls == [2]
    assert Message.objects.count() == 2 and isinstance(results[0], int)


@pytest.mark.django_db
def test_with_nothing_on_its_way_a_delivery_does_not_wait_for_the_gather_window(monkeypatch, client):
    monkeypatch.setattr(webhook_groups, "GATHER_MAX_S", 10.0)
    inbox = whatsapp_inbox()
    body = text_webhook("wamid.quick", "31670000001", "snel")

    started = time.monotonic()
    assert post_webhook(client, inbox, body).status_code == 200
    assert time.monotonic() - started < 5  # it never waited the window

    # and a refused request (bad signature) leaves nothing counted as on its way
    assert post_webhook(client, inbox, body, signature="sha256=" + "0" * 64).status_code == 403
    started = time.monotonic()
    assert post_webhook(client, inbox, text_webhook("wamid.quick2", "31670000001", "weer")).status_code == 200
    assert time.monotonic() - started < 5


@pytest.mark.django_db(transaction=True)
def test_a_delivery_the_database_refuses_does_not_refuse_the_rest_of_its_group(on_postgres):
    # given: two deliveries in one group, one for an inbox deleted a moment ago
    kept, gone = whatsapp_inbox(), make_inbox("whatsapp", external_id="gone-phone")
    gone_pk = gone.pk
    gone.delete()
    gone.pk = gone_pk  # the request still holds the inbox it looked up
    deliveries = [
        webhook_groups._Delivery(
            inboxes=[inbox],
            channel="whatsapp",
            body=text_webhook(f"wamid.r.{n}", f"3168000000{n}", "hallo"),
            headers={},
        )
        for n, inbox in enumerate([gone, kept])
    ]

    # when
    webhook_groups._group_write(deliveries)

    # then: the kept inbox's message is stored and processed; the other is refused (Meta retries)
    refused, stored = deliveries
    assert refused.done and refused.error is not None and refused.event is None
    assert stored.done and stored.error is None
    assert WebhookEvent.objects.get().status == "processed"
    assert Message.objects.get().text == "hallo"
