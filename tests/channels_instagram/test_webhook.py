"""The Instagram webhook URL: Meta's handshake, the signature over the raw bytes, bad bodies,
routing by entry id through one Meta app URL, and `create_inbox instagram`."""

import io
import json

import pytest
from django.core.management import call_command

from inbox.models import Inbox, Message, WebhookEvent
from meta_platform.meta_apps import meta_app_create
from tests.channels_instagram.fakes import APP_SECRET, VERIFY_TOKEN, fixture_bytes, post_webhook, sign
from tests.factories import make_inbox

pytestmark = pytest.mark.django_db


def test_the_handshake_echoes_the_challenge_and_a_wrong_token_is_forbidden(client, ig_inbox):
    url = f"/webhooks/instagram/{ig_inbox.public_key}/"
    ok = client.get(url, {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.content == b"1158201444"
    wrong = client.get(url, {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"})
    assert wrong.status_code == 403


@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "sha1=abc"])
def test_a_missing_or_wrong_signature_is_403_and_nothing_is_stored(client, ig_inbox, signature):
    response = post_webhook(client, ig_inbox, fixture_bytes("text"), signature=signature)
    assert response.status_code == 403
    assert not WebhookEvent.objects.exists() and not Message.objects.exists()


@pytest.mark.parametrize("body", [b"not json", b'{"object": "instagram"}', b"[1, 2]"])
def test_a_signed_body_that_is_not_a_meta_envelope_is_400_and_nothing_is_stored(client, ig_inbox, body):
    assert post_webhook(client, ig_inbox, body).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_the_signature_covers_the_bytes_meta_sent_with_their_escapes(client, ig_inbox, graph):
    body = fixture_bytes("text")
    assert b"\\ud83d\\ude0a" in body  # the emoji as Meta escapes it
    reserialized = json.dumps(json.loads(body), ensure_ascii=False).encode()
    assert post_webhook(client, ig_inbox, body, signature=sign(reserialized)).status_code == 403
    assert post_webhook(client, ig_inbox, body).status_code == 200


def test_a_page_body_on_the_instagram_url_is_acknowledged_and_ignored(client, ig_inbox, graph):
    assert post_webhook(client, ig_inbox, fixture_bytes("other_object")).status_code == 200
    assert WebhookEvent.objects.get().status == "processed" and not Message.objects.exists()


def test_one_meta_app_url_routes_each_account_to_its_own_inbox_by_entry_id(client, graph, settings):
    app = meta_app_create(name="Modehuis app", app_secret=APP_SECRET)
    first = make_inbox("instagram", external_id="17841400000000001", credentials={"app_secret": APP_SECRET})
    second = make_inbox("instagram", external_id="17841400000000002", credentials={"app_secret": APP_SECRET})
    body = fixture_bytes("text").replace(b'"time"', b'"time"', 1)
    other = fixture_bytes("quick_reply").replace(b"17841400000000001", b"17841400000000002")
    for payload in (body, other):
        response = client.post(
            app.webhook_path, data=payload, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=sign(payload)
        )
        assert response.status_code == 200
    assert Message.objects.get(external_id="aWdfZAG1faXRlbToxOklH01").inbox == first
    assert Message.objects.get(external_id="aWdfQUICK01").inbox == second


def test_create_inbox_instagram_prints_the_webhook_url():
    out = io.StringIO()
    call_command(
        "create_inbox",
        "instagram",
        "--name",
        "Instagram",
        "--account-id",
        "17841400000000009",
        "--page-id",
        "108123456789099",
        "--access-token",
        "T",
        "--app-secret",
        "S",
        "--verify-token",
        "V",
        stdout=out,
    )
    printed = json.loads(out.getvalue().strip().splitlines()[-1])
    inbox = Inbox.objects.get(pk=printed["id"])
    assert printed["kind"] == "instagram" and printed["webhook_url"] == f"/webhooks/instagram/{inbox.public_key}/"
    assert inbox.external_id == "17841400000000009"
    assert inbox.config == {"login": "facebook", "page_id": "108123456789099"}
