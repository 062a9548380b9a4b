"""The Messenger webhook view: handshake, signature over raw bytes, shape, store-then-process."""

import json

import pytest

from inbox.models import Message, WebhookEvent
from tests.channels_messenger.fakes import VERIFY_TOKEN, fixture_bytes, post_webhook, sign
from tests.factories import make_inbox

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_the_verification_handshake_echoes_the_challenge_as_plain_text(client, page_inbox):
    response = client.get(
        page_inbox.webhook_path, {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "9876"}
    )
    assert response.status_code == 200 and response.content == b"9876"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
    ],
)
def test_a_wrong_verify_token_or_mode_is_forbidden(client, page_inbox, params):
    assert client.get(page_inbox.webhook_path, params).status_code == 403


def test_the_webhook_url_is_the_contracts_and_other_channels_keys_are_404(client, page_inbox):
    assert page_inbox.webhook_path == f"/webhooks/messenger/{page_inbox.public_key}/"
    whatsapp = make_inbox("whatsapp")
    assert client.get(f"/webhooks/messenger/{whatsapp.public_key}/").status_code == 404
    assert client.get(f"/webhooks/whatsapp/{page_inbox.public_key}/").status_code == 404


@pytest.mark.smoke
@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "sha1=abc"])
def test_a_missing_or_wrong_signature_is_403_and_nothing_is_stored(client, page_inbox, signature):
    response = post_webhook(client, page_inbox, fixture_bytes("text"), signature=signature)
    assert response.status_code == 403
    assert WebhookEvent.objects.count() == 0 and Message.objects.count() == 0


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b'{"object":"page"}', b'{"entry":[]}', b"[]"])
def test_a_signed_body_that_is_not_a_meta_envelope_is_400_and_nothing_is_stored(client, page_inbox, body):
    assert post_webhook(client, page_inbox, body).status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_the_signature_is_checked_over_the_bytes_meta_sent_not_reserialized_json(client, page_inbox, graph):
    raw = fixture_bytes("unicode")
    assert b"\\u00fc" in raw and b"\\ud83d\\ude0a" in raw and b"\\/" in raw and b"@" in raw
    reserialized = json.dumps(json.loads(raw), ensure_ascii=False).encode()
    assert post_webhook(client, page_inbox, raw).status_code == 200
    assert post_webhook(client, page_inbox, reserialized, signature=sign(raw)).status_code == 403
    message = Message.objects.get()
    assert message.text == "Grüße 😊 — prijs €45 / maat M @ winkel <b>niet vet</b> 100%"


def test_another_object_such_as_instagram_is_acknowledged_stored_and_ignored(client, page_inbox, graph):
    response = post_webhook(client, page_inbox, fixture_bytes("other_object"))
    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.status == "processed" and event.channel == "messenger"
    assert Message.objects.count() == 0


def test_unknown_event_kinds_are_stored_raw_and_logged_never_a_500(client, page_inbox, graph, caplog):
    response = post_webhook(client, page_inbox, fixture_bytes("unknown_event"))
    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.status == "processed" and "game_play" in event.body
    assert "game_play" in caplog.text and "pass_thread_control" in caplog.text
    assert Message.objects.count() == 0


def test_a_processing_failure_keeps_the_event_for_reprocessing_and_still_answers_200(
    client, page_inbox, graph, monkeypatch
):
    monkeypatch.setattr("meta_platform.messaging_processor.messages_ingest", _boom)
    assert post_webhook(client, page_inbox, fixture_bytes("text")).status_code == 200
    event = WebhookEvent.objects.get()
    assert event.status == "failed" and "boom" in event.error

    monkeypatch.undo()
    from inbox.webhooks import webhook_event_process

    assert webhook_event_process(event.pk) == "processed"
    assert Message.objects.get().external_id == "m_text_1"


def _boom(**kwargs):
    raise RuntimeError("boom")
