"""The WhatsApp webhook view: handshake, signature over raw bytes, shape, store-then-process."""

import json

import pytest

from inbox.models import Message, UnroutedWebhookEntry, WebhookEvent
from tests.channels_whatsapp.fakes import VERIFY_TOKEN, fixture_bytes, post_webhook, sign
from tests.factories import make_inbox

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_the_verification_handshake_echoes_the_challenge_as_plain_text(client, wa_inbox):
    response = client.get(
        wa_inbox.webhook_path,
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"},
    )
    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.smoke
@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
)
def test_a_wrong_verify_token_or_mode_is_forbidden(client, wa_inbox, params):
    assert client.get(wa_inbox.webhook_path, params).status_code == 403


@pytest.mark.smoke
def test_an_unknown_key_or_another_channels_key_is_404(client, wa_inbox):
    body = fixture_bytes("text")
    assert client.post("/webhooks/whatsapp/nope/", data=body, content_type="application/json").status_code == 404
    messenger = make_inbox("messenger")
    assert client.get(f"/webhooks/whatsapp/{messenger.public_key}/").status_code == 404


@pytest.mark.smoke
@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "sha1=abc"])
def test_a_missing_or_wrong_signature_is_403_and_nothing_is_stored(client, wa_inbox, signature):
    response = post_webhook(client, wa_inbox, fixture_bytes("text"), signature=signature)
    assert response.status_code == 403
    assert WebhookEvent.objects.count() == 0 and Message.objects.count() == 0


def test_a_signature_made_with_another_inboxs_secret_is_refused(client, wa_inbox):
    body = fixture_bytes("text")
    response = post_webhook(client, wa_inbox, body, signature=sign(body, "someone-elses-secret"))
    assert response.status_code == 403 and WebhookEvent.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"\xff\xfe", b'{"object":"page","entry":[]}', b'{"object":"whatsapp_business_account"}', b"[]"],
)
def test_a_signed_body_that_is_not_a_whatsapp_payload_is_400_and_nothing_is_stored(client, wa_inbox, body):
    assert post_webhook(client, wa_inbox, body).status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_the_signature_is_checked_over_the_bytes_meta_sent_not_reserialized_json(client, wa_inbox):
    # given: Meta's body escapes umlauts, emoji (surrogate pairs) and "/" ...
    raw = fixture_bytes("unicode")
    assert b"\\u00fc" in raw and b"\\ud83d\\ude0a" in raw and b"\\/" in raw and b"@" in raw
    # ... so the same JSON re-serialized is other bytes with another signature
    reserialized = json.dumps(json.loads(raw), ensure_ascii=False).encode()
    assert sign(reserialized) != sign(raw)

    # when / then: the raw bytes with their signature pass ...
    assert post_webhook(client, wa_inbox, raw).status_code == 200
    # ... and the re-serialized body under the original signature does not
    assert post_webhook(client, wa_inbox, reserialized, signature=sign(raw)).status_code == 403
    assert WebhookEvent.objects.count() == 1


def test_the_raw_event_is_stored_and_processed_in_the_request(deliver, wa_inbox):
    deliver("text")
    event = WebhookEvent.objects.get()
    assert event.status == "processed" and event.inbox == wa_inbox and event.channel == "whatsapp"
    assert event.body.encode() == fixture_bytes("text")
    assert event.headers["x-hub-signature-256"].startswith("sha256=")
    assert Message.objects.get().text == "Hallo, waar blijft mijn bestelling?"


def test_a_processing_failure_keeps_the_event_failed_and_still_answers_200(
    client, wa_inbox, monkeypatch, django_capture_on_commit_callbacks
):
    # given: a bug in processing (fault injected at the parser boundary)
    from channels_whatsapp import processor

    def broken(*args, **kwargs):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(processor, "payload_parse", broken)
    response = post_webhook(client, wa_inbox, fixture_bytes("text"))
    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.status == "failed" and "parser bug" in event.error

    # when: the bug is fixed and the periodic re-processing runs
    monkeypatch.undo()
    from inbox.webhooks import webhook_events_reprocess

    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_events_reprocess(older_than_seconds=0)["processed"] == 1
    assert Message.objects.get().external_id.endswith("TEXT")


def test_a_batch_that_fails_halfway_leaves_nothing_half_written(
    client, wa_inbox, monkeypatch, django_capture_on_commit_callbacks
):
    # given: the second message of a batch hits a bug after the first was stored
    from inbox import ingest

    real_apply, calls = ingest._inbound_apply, []

    def second_fails(conversation, message, inbound, **kwargs):
        calls.append(inbound.external_id)
        if len(calls) == 2:
            raise RuntimeError("bug on the second message")
        return real_apply(conversation, message, inbound, **kwargs)

    monkeypatch.setattr(ingest, "_inbound_apply", second_fails)
    assert post_webhook(client, wa_inbox, fixture_bytes("batch")).status_code == 200
    # then: the event is failed and none of its messages exist (not just the first)
    assert WebhookEvent.objects.get().status == "failed"
    assert Message.objects.count() == 0

    # and the re-processing stores the whole batch once the bug is gone
    monkeypatch.undo()
    from inbox.webhooks import webhook_events_reprocess

    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_events_reprocess(older_than_seconds=0)["processed"] == 1
    assert Message.objects.count() == 4  # every message of tests/fixtures/whatsapp/batch.json


def test_a_redelivered_payload_creates_nothing_twice(deliver):
    deliver("batch")
    deliver("batch")
    assert WebhookEvent.objects.count() == 2
    assert Message.objects.count() == 4
    assert Message.objects.values("external_id").distinct().count() == 4


def test_value_errors_are_kept_on_the_event_not_as_messages(deliver):
    deliver("value_errors")
    event = WebhookEvent.objects.get()
    assert event.status == "processed"
    assert event.platform_errors[0]["code"] == 130429
    assert "throughput" in event.platform_errors[0]["details"]
    assert Message.objects.count() == 0


def test_a_change_for_a_phone_number_id_no_inbox_has_is_kept_not_shown_in_this_inbox(deliver):
    deliver("other_phone_number")
    assert Message.objects.count() == 0
    kept = UnroutedWebhookEntry.objects.get()
    assert (kept.channel, kept.account_id, kept.reason) == ("whatsapp", "999999999999", "unknown_account")
