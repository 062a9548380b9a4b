"""The raw event store and the signature check shared by the Meta channels."""

import hashlib
import hmac
import json

import pytest

from inbox import channel_registry
from inbox.models import WebhookEvent
from inbox.webhooks import signature_valid, webhook_event_process, webhook_event_store, webhook_events_reprocess
from tests.factories import make_inbox

SECRET = "app-secret-123"


def _sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.mark.smoke
def test_the_signature_covers_the_raw_bytes_as_meta_sent_them():
    # Meta signs its own escaped serialization: non-ASCII as \\u escapes, "/" as "\\/".
    raw = b'{"text":"Gr\\u00fc\\u00dfe \\ud83d\\ude0a mail@example.nl a\\/b"}'
    header = _sign(raw)

    assert signature_valid(body=raw, header_value=header, secret=SECRET)
    # the same content re-serialized by us is different bytes: it must not pass
    reserialized = json.dumps(json.loads(raw), ensure_ascii=False).encode()
    assert reserialized != raw
    assert not signature_valid(body=reserialized, header_value=header, secret=SECRET)


@pytest.mark.smoke
@pytest.mark.parametrize("header", ["", "sha1=abc", "sha256=", "sha256=" + "0" * 64, "garbage"])
def test_missing_or_wrong_signatures_are_rejected(header):
    assert not signature_valid(body=b"{}", header_value=header, secret=SECRET)


def test_an_empty_secret_never_validates():
    assert not signature_valid(body=b"{}", header_value=_sign(b"{}", ""), secret="")


def test_uppercase_hex_is_accepted():
    header = _sign(b"{}").upper().replace("SHA256=", "sha256=")
    assert signature_valid(body=b"{}", header_value=header, secret=SECRET)


@pytest.fixture
def flaky_processor():
    """A messenger processor that fails on the first run (a bug, a database hiccup)."""
    calls = []

    def process(event):
        calls.append(event.pk)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")

    original = channel_registry.get("messenger")
    channel_registry.register(
        channel_registry.Channel(kind="messenger", send=original.send, process_webhook_event=process)
    )
    yield calls
    channel_registry.register(original)


@pytest.mark.django_db
def test_a_stored_event_that_failed_is_kept_and_processed_again(flaky_processor):
    inbox = make_inbox("messenger")
    event = webhook_event_store(
        inbox=inbox,
        channel="messenger",
        body=b'{"object":"page"}',
        headers={"Content-Type": "application/json", "Authorization": "secret", "X-Hub-Signature-256": "sha256=ab"},
    )
    assert event.headers == {"content-type": "application/json", "x-hub-signature-256": "sha256=ab"}

    assert webhook_event_process(event.pk) == "failed"
    event.refresh_from_db()
    assert event.status == "failed" and "database hiccup" in event.error

    assert webhook_events_reprocess(older_than_seconds=0) == {"events": 1, "processed": 1}
    event.refresh_from_db()
    assert event.status == "processed" and event.processed_at is not None and event.attempts == 2
    # processed events are left alone from then on
    assert webhook_events_reprocess(older_than_seconds=0) == {"events": 0}
    assert webhook_event_process(event.pk) == "already processed"
    assert flaky_processor == [event.pk, event.pk]


@pytest.mark.django_db
def test_an_event_of_a_channel_without_processor_stays_failed_not_lost():
    event = webhook_event_store(inbox=None, channel="livechat", body=b"{}", headers={})
    assert webhook_event_process(event.pk) == "failed"
    assert WebhookEvent.objects.get(pk=event.pk).body == "{}"
