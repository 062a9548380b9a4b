"""One Meta app, many Pages and numbers: every entry of a signed body reaches the inbox of its
Page id / phone number id (among inboxes whose app secret verifies it), through an inbox's URL
or the app's URL; entries for no inbox are kept and listed, never dropped."""

import json

import pytest
from django.core.management import call_command

from inbox.health import inbox_health, unrouted_entries
from inbox.models import Inbox, Message, UnroutedWebhookEntry, WebhookEvent
from inbox.webhook_routing import unrouted_entries_reroute
from meta_platform.meta_apps import meta_app_create, meta_app_secret_change
from meta_platform.models import MetaApp
from tests.channels_messenger.fakes import graph  # noqa: F401  (profile lookups of new customers)
from tests.factories import make_inbox
from tests.meta_graph import sign

pytestmark = pytest.mark.django_db

SECRET = "shared-app-secret-\u00e9"  # UTF-8 key, as Meta's secrets may be typed
OTHER_SECRET = "another-app-secret"
PAGE_A, PAGE_B, PAGE_C, PAGE_UNKNOWN = "1001", "1002", "1003", "1999"
NUMBER_A, NUMBER_B, NUMBER_UNKNOWN = "2001", "2002", "2999"


def page_entry(page_id: str, mid: str, text: str) -> dict:
    return {
        "id": page_id,
        "time": 1795000000100,
        "messaging": [
            {
                "sender": {"id": f"psid-{mid}"},
                "recipient": {"id": page_id},
                "timestamp": 1795000000000,
                "message": {"mid": mid, "text": text},
            }
        ],
    }


def page_body(*entries: dict) -> bytes:
    # Meta's escaping (umlauts as \u00fc) is kept: the signature covers exactly these bytes.
    return json.dumps({"object": "page", "entry": list(entries)}).encode()


def number_change(number_id: str, wamid: str, text: str) -> dict:
    sender = "316" + wamid[-8:].rjust(8, "0")
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "3120" + number_id, "phone_number_id": number_id},
        "contacts": [{"profile": {"name": "Klant"}, "wa_id": sender}],
        "messages": [{"from": sender, "id": wamid, "timestamp": "1767261600", "type": "text", "text": {"body": text}}],
    }
    return {"field": "messages", "value": value}


def whatsapp_body(*changes: dict, waba: str = "waba-1") -> bytes:
    return json.dumps(
        {"object": "whatsapp_business_account", "entry": [{"id": waba, "changes": list(changes)}]}
    ).encode()


def meta_inbox(kind: str, external_id: str, secret: str = SECRET, **fields) -> Inbox:
    credentials = {"access_token": "token", "app_secret": secret, "verify_token": f"verify-{external_id}"}
    return make_inbox(kind, external_id=external_id, credentials=credentials, **fields)


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(path: str, body: bytes, *, secret: str = SECRET, signature: str | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                path,
                data=body,
                content_type="application/json",
                HTTP_X_HUB_SIGNATURE_256=sign(body, secret) if signature is None else signature,
            )

    return send


def texts(inbox: Inbox) -> list[str]:
    return sorted(Message.objects.filter(inbox=inbox).values_list("text", flat=True))


# --- Through an inbox's own URL -------------------------------------------------------------------


def test_a_body_for_two_pages_stores_every_entry_in_its_own_inbox(post, graph):  # noqa: F811
    page_a, page_b = meta_inbox("messenger", PAGE_A), meta_inbox("messenger", PAGE_B)
    body = page_body(page_entry(PAGE_A, "m_a", "voor A \u00fc"), page_entry(PAGE_B, "m_b", "voor B"))

    assert post(page_a.webhook_path, body).status_code == 200

    assert texts(page_a) == ["voor A \u00fc"] and texts(page_b) == ["voor B"]
    assert set(WebhookEvent.objects.values_list("inbox", "status")) == {
        (page_a.pk, "processed"),
        (page_b.pk, "processed"),
    }
    assert all(event.body.encode() == body for event in WebhookEvent.objects.all())  # the raw bytes, each
    assert not UnroutedWebhookEntry.objects.exists()


def test_a_body_for_two_whatsapp_numbers_stores_every_change_in_its_own_inbox(post):
    number_a, number_b = meta_inbox("whatsapp", NUMBER_A), meta_inbox("whatsapp", NUMBER_B)
    # one WABA entry holding both numbers' changes, as Meta batches them
    body = whatsapp_body(
        number_change(NUMBER_A, "wamid.A00000001", "nummer A"), number_change(NUMBER_B, "wamid.B00000002", "nummer B")
    )

    assert post(number_b.webhook_path, body).status_code == 200

    assert texts(number_a) == ["nummer A"] and texts(number_b) == ["nummer B"]


def test_an_entry_for_an_unknown_id_is_kept_and_listed_not_dropped(post, graph):  # noqa: F811
    page_a = meta_inbox("messenger", PAGE_A)
    body = page_body(page_entry(PAGE_A, "m_a", "bekend"), page_entry(PAGE_UNKNOWN, "m_x", "onbekend"))

    assert post(page_a.webhook_path, body).status_code == 200

    assert texts(page_a) == ["bekend"]
    kept = UnroutedWebhookEntry.objects.get()
    assert (kept.channel, kept.account_id, kept.reason, kept.via_inbox) == (
        "messenger",
        PAGE_UNKNOWN,
        "unknown_account",
        page_a,
    )
    assert kept.entry == page_entry(PAGE_UNKNOWN, "m_x", "onbekend")
    summary = unrouted_entries()
    assert summary.count == 1 and summary.last_ids == [PAGE_UNKNOWN]
    assert summary.entries[0].reason_label and summary.entries[0].via_inbox_id == page_a.pk


def test_a_kept_entry_reaches_the_inbox_created_for_it_later_with_the_same_secret(post, graph):  # noqa: F811
    page_a = meta_inbox("messenger", PAGE_A)
    post(page_a.webhook_path, page_body(page_entry(PAGE_UNKNOWN, "m_late", "te vroeg")))
    # an inbox for that Page with another app's secret does not get it ...
    stranger = meta_inbox("messenger", PAGE_UNKNOWN, secret=OTHER_SECRET)
    assert unrouted_entries_reroute() == {"rerouted": 0, "pending": 1}
    stranger.is_active = False
    stranger.save()

    # ... the one with the secret that verified the entry does
    late = meta_inbox("messenger", PAGE_UNKNOWN)
    call_command("reroute_webhook_entries", stdout=open("/dev/null", "w"))

    assert texts(late) == ["te vroeg"] and texts(stranger) == []
    assert unrouted_entries().count == 0
    assert UnroutedWebhookEntry.objects.get().rerouted_to == late
    assert unrouted_entries_reroute() == {"rerouted": 0, "pending": 0}


def test_entries_go_only_to_inboxes_whose_secret_verifies_the_signature(post, graph):  # noqa: F811
    # given: A and C hold the app's secret; B (another app) has its own
    page_a, page_c = meta_inbox("messenger", PAGE_A), meta_inbox("messenger", PAGE_C)
    page_b = meta_inbox("messenger", PAGE_B, secret=OTHER_SECRET)
    body = page_body(page_entry(PAGE_A, "m_1", "A"), page_entry(PAGE_B, "m_2", "B"), page_entry(PAGE_C, "m_3", "C"))

    # when: the body signed with A's secret arrives at A's URL
    assert post(page_a.webhook_path, body).status_code == 200

    # then: C gets its entry, B does not (its secret does not verify); B's entry is kept
    assert texts(page_a) == ["A"] and texts(page_c) == ["C"] and texts(page_b) == []
    kept = UnroutedWebhookEntry.objects.get()
    assert (kept.account_id, kept.reason) == (PAGE_B, "secret_differs")


def test_a_body_signed_by_another_app_writes_nothing_into_this_apps_inboxes(post):
    number_a = meta_inbox("whatsapp", NUMBER_A)
    intruder = meta_inbox("whatsapp", "2666", secret=OTHER_SECRET)
    body = whatsapp_body(number_change(NUMBER_A, "wamid.X00000001", "ingebroken"))

    assert post(intruder.webhook_path, body, secret=OTHER_SECRET).status_code == 200

    assert texts(number_a) == []
    assert UnroutedWebhookEntry.objects.get().reason == "secret_differs"


def test_a_redelivered_body_stores_nothing_twice(post, graph):  # noqa: F811
    page_a, page_b = meta_inbox("messenger", PAGE_A), meta_inbox("messenger", PAGE_B)
    body = page_body(
        page_entry(PAGE_A, "m_a", "A"), page_entry(PAGE_B, "m_b", "B"), page_entry(PAGE_UNKNOWN, "m_x", "X")
    )
    for _ in range(2):
        assert post(page_a.webhook_path, body).status_code == 200

    assert Message.objects.count() == 2 and texts(page_a) == ["A"] and texts(page_b) == ["B"]
    assert UnroutedWebhookEntry.objects.count() == 1


def test_a_wrong_signature_stores_nothing_for_any_inbox(post):
    number_a, number_b = meta_inbox("whatsapp", NUMBER_A), meta_inbox("whatsapp", NUMBER_B)
    body = whatsapp_body(number_change(NUMBER_A, "wamid.A1", "a"), number_change(NUMBER_UNKNOWN, "wamid.U1", "u"))
    assert post(number_a.webhook_path, body, secret=OTHER_SECRET).status_code == 403
    assert not WebhookEvent.objects.exists() and not UnroutedWebhookEntry.objects.exists()
    assert not Message.objects.exists() and number_b.pk


# --- Through the app's URL ------------------------------------------------------------------------


@pytest.fixture
def app():
    return meta_app_create(name="Acme Meta app", app_secret=SECRET, verify_token="app-verify-token", app_id="4242")


def test_the_app_url_handshake_echoes_the_challenge_and_records_when(client, app):
    page_a, other = meta_inbox("messenger", PAGE_A), meta_inbox("whatsapp", "2777", secret=OTHER_SECRET)
    response = client.get(
        app.webhook_path, {"hub.mode": "subscribe", "hub.verify_token": "app-verify-token", "hub.challenge": "8812"}
    )
    assert response.status_code == 200 and response.content == b"8812"
    assert response["Content-Type"].startswith("text/plain")
    app.refresh_from_db()
    page_a.refresh_from_db()
    other.refresh_from_db()
    assert app.webhook_verified_at is not None
    assert page_a.webhook_verified_at == app.webhook_verified_at  # the app delivers to it
    assert other.webhook_verified_at is None  # another app's inbox


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": "w\u00e9rong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "app-verify-token", "hub.challenge": "1"},
    ],
)
def test_the_app_url_handshake_with_a_wrong_token_is_403(client, app, params):
    assert client.get(app.webhook_path, params).status_code == 403
    app.refresh_from_db()
    assert app.webhook_verified_at is None


def test_an_unknown_app_key_is_404(client):
    assert client.get("/webhooks/meta/nope/", {"hub.mode": "subscribe"}).status_code == 404
    assert client.post("/webhooks/meta/nope/", data=b"{}", content_type="application/json").status_code == 404


def test_the_app_url_routes_messenger_and_whatsapp_bodies_by_their_object(post, app, graph):  # noqa: F811
    page_a, page_b = meta_inbox("messenger", PAGE_A), meta_inbox("messenger", PAGE_B)
    number_a = meta_inbox("whatsapp", NUMBER_A)

    pages = page_body(page_entry(PAGE_A, "m_a", "pagina A"), page_entry(PAGE_B, "m_b", "pagina B"))
    numbers = whatsapp_body(
        number_change(NUMBER_A, "wamid.A00000009", "nummer A"), number_change(NUMBER_UNKNOWN, "wamid.U00000009", "?")
    )
    assert post(app.webhook_path, pages).status_code == 200
    assert post(app.webhook_path, numbers).status_code == 200

    assert texts(page_a) == ["pagina A"] and texts(page_b) == ["pagina B"] and texts(number_a) == ["nummer A"]
    kept = UnroutedWebhookEntry.objects.get()
    assert (kept.channel, kept.account_id, kept.via_app, kept.via_inbox) == (
        "whatsapp",
        NUMBER_UNKNOWN,
        app.public_key,
        None,
    )
    assert kept.entry["changes"] == [number_change(NUMBER_UNKNOWN, "wamid.U00000009", "?")]  # only its own change


def test_the_app_url_keeps_entries_of_an_object_no_channel_takes(post, app):
    body = json.dumps({"object": "permissions", "entry": [{"id": "17841", "changes": []}]}).encode()
    assert post(app.webhook_path, body).status_code == 200
    kept = UnroutedWebhookEntry.objects.get()
    assert (kept.channel, kept.object_type, kept.account_id, kept.reason) == (
        "",
        "permissions",
        "17841",
        "unknown_object",
    )


@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "sha1=abc"])
def test_the_app_url_refuses_a_missing_or_wrong_signature_and_stores_nothing(post, app, signature):
    meta_inbox("messenger", PAGE_A)
    response = post(app.webhook_path, page_body(page_entry(PAGE_A, "m_a", "A")), signature=signature)
    assert response.status_code == 403
    assert not WebhookEvent.objects.exists() and not UnroutedWebhookEntry.objects.exists()


def test_the_app_url_refuses_a_body_signed_with_an_inboxs_other_secret(post, app):
    meta_inbox("messenger", PAGE_B, secret=OTHER_SECRET)
    response = post(app.webhook_path, page_body(page_entry(PAGE_B, "m_b", "B")), secret=OTHER_SECRET)
    assert response.status_code == 403 and not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "body", [b"{not json", b"\xff\xfe", b"[]", b'{"object":"page"}', b'{"entry":[]}', b'{"object":"page","entry":{}}']
)
def test_the_app_url_refuses_a_signed_body_that_is_not_a_meta_webhook_with_400(post, app, body):
    assert post(app.webhook_path, body).status_code == 400
    assert not WebhookEvent.objects.exists() and not UnroutedWebhookEntry.objects.exists()


def test_the_app_url_redelivery_stores_nothing_twice(post, app, graph):  # noqa: F811
    page_a = meta_inbox("messenger", PAGE_A)
    body = page_body(page_entry(PAGE_A, "m_a", "A"), page_entry(PAGE_UNKNOWN, "m_x", "X"))
    for _ in range(3):
        assert post(app.webhook_path, body).status_code == 200
    assert texts(page_a) == ["A"] and UnroutedWebhookEntry.objects.count() == 1


def test_the_per_inbox_urls_keep_working_next_to_the_app_url(post, client, app, graph):  # noqa: F811
    page_a = meta_inbox("messenger", PAGE_A)
    handshake = {"hub.mode": "subscribe", "hub.verify_token": f"verify-{PAGE_A}", "hub.challenge": "77"}
    assert client.get(page_a.webhook_path, handshake).content == b"77"
    assert post(page_a.webhook_path, page_body(page_entry(PAGE_A, "m_a", "A"))).status_code == 200
    assert texts(page_a) == ["A"]


# --- Setting up an app, and the health view ---------------------------------------------------------


def test_create_meta_app_prints_the_url_and_a_generated_verify_token(capsys):
    page_a = meta_inbox("messenger", PAGE_A)
    call_command("create_meta_app", "--name", "Acme", "--app-secret", SECRET)
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    app = MetaApp.objects.get()
    assert printed["webhook_url"] == f"/webhooks/meta/{app.public_key}/" == app.webhook_path
    assert len(printed["verify_token"]) >= 20 and printed["inboxes"] == [page_a.pk]
    assert SECRET not in json.dumps(printed)


def test_changing_the_app_secret_changes_it_on_every_inbox_of_the_app(app):
    page_a, number_a = meta_inbox("messenger", PAGE_A), meta_inbox("whatsapp", NUMBER_A)
    elsewhere = meta_inbox("messenger", PAGE_B, secret=OTHER_SECRET)
    assert {i.pk for i in meta_app_secret_change(app=app, app_secret="new-secret")} == {page_a.pk, number_a.pk}
    for inbox in (page_a, number_a, elsewhere):
        inbox.refresh_from_db()
    assert page_a.credentials["app_secret"] == number_a.credentials["app_secret"] == "new-secret"
    assert elsewhere.credentials["app_secret"] == OTHER_SECRET


def test_inbox_health_says_when_webhooks_came_and_what_failed(post, client, graph):  # noqa: F811
    page_a = meta_inbox("messenger", PAGE_A)
    empty = inbox_health(page_a)
    assert (empty.last_webhook_at, empty.webhook_verified_at, empty.last_delivery_error) == (None, None, "")

    client.get(
        page_a.webhook_path, {"hub.mode": "subscribe", "hub.verify_token": f"verify-{PAGE_A}", "hub.challenge": "1"}
    )
    post(page_a.webhook_path, page_body(page_entry(PAGE_A, "m_a", "A")))
    message = Message.objects.get()
    Message.objects.create(
        conversation=message.conversation,
        inbox=page_a,
        direction="out",
        sender_type="agent",
        text="antwoord",
        sent_at=message.sent_at,
        status="failed",
        error="This person isn't available right now.",
        error_code="551",
    )
    Inbox.objects.filter(pk=page_a.pk).update(needs_reauth=True)

    health = inbox_health(page_a)
    assert health.last_webhook_at == WebhookEvent.objects.get().received_at
    assert health.webhook_verified_at is not None
    assert (health.last_delivery_error, health.last_delivery_error_code) == (
        "This person isn't available right now.",
        "551",
    )
    assert health.needs_reauth is True and health.failed_webhook_events == 0


def test_another_products_body_on_a_page_inbox_url_is_logged_there_not_kept_as_unrouted(post):
    page_a = meta_inbox("messenger", PAGE_A)
    body = json.dumps({"object": "instagram", "entry": [{"id": "17841", "messaging": []}]}).encode()
    assert post(page_a.webhook_path, body).status_code == 200
    assert WebhookEvent.objects.get().inbox == page_a and not UnroutedWebhookEntry.objects.exists()
