"""Settings: inboxes. The list's health and counts, "Add inbox" per channel with the
connection test against the fake Graph API, editing with write-only credentials, members,
service levels and survey, deactivation, and who may do what (agents 404; credentials and
deactivation admins only). Every change is in the audit log, secrets redacted."""

import pytest
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from channels_whatsapp.models import MessageTemplate
from inbox.health import inboxes_with_health
from inbox.models import Inbox, WebhookEvent
from reporting.models import SurveySetting
from tests.channels_messenger.fakes import MessengerGraph, messenger_default
from tests.channels_whatsapp.fakes import WhatsappGraph, whatsapp_default
from tests.factories import make_conversation, make_inbox, make_message, make_user
from tests.meta_graph import Answer, error_answer, serve

pytestmark = pytest.mark.django_db

PHONE_ID = "106540352242922"
WABA = "102290129340398"
TOKEN = "EAAG-settings-token-SECRET"
APP_SECRET = "app-secret-SECRET"
PHONE = {"display_phone_number": "+31 20 123 4567", "verified_name": "Webshop BV", "quality_rating": "GREEN"}


@pytest.fixture
def wa_graph(settings):
    yield from serve(WhatsappGraph(whatsapp_default), settings)


@pytest.fixture
def admin(db):
    return make_user("ada", role="admin")


@pytest.fixture
def lead(db):
    return make_user("lena", role="lead")


@pytest.fixture
def wa(db):
    return make_inbox(
        "whatsapp",
        name="Klantenservice",
        external_id=PHONE_ID,
        credentials={"access_token": TOKEN, "app_secret": APP_SECRET, "verify_token": "vt-SECRET"},
        config={"waba_id": WABA, "team_note": "kept"},
    )


def _wa_form(**overrides) -> dict:
    return {
        "name": "Support NL",
        "phone_number_id": PHONE_ID,
        "waba_id": WABA,
        "access_token": TOKEN,
        "app_secret": APP_SECRET,
        **overrides,
    }


# --- who may ----------------------------------------------------------------------------------


def test_agents_get_404_on_every_inbox_settings_page(client, wa):
    client.force_login(make_user(role="agent", inboxes=[wa]))
    for url in ["/settings/inboxes/", "/settings/inboxes/new/", "/settings/inboxes/new/livechat/",
                f"/settings/inboxes/{wa.pk}/", f"/settings/inboxes/{wa.pk}/members/",
                f"/settings/inboxes/{wa.pk}/service/"]:  # fmt: skip
        assert client.get(url).status_code == 404, url
    for url in [
        f"/settings/inboxes/{wa.pk}/",
        f"/settings/inboxes/{wa.pk}/test/",
        f"/settings/inboxes/{wa.pk}/active/",
    ]:
        assert client.post(url, {"active": "0", "name": "x"}).status_code == 404, url
    wa.refresh_from_db()
    assert wa.is_active and wa.name == "Klantenservice"


def test_a_lead_sees_no_credential_fields_and_cannot_connect_a_meta_channel(client, lead, wa):
    client.force_login(lead)
    page = client.get(f"/settings/inboxes/{wa.pk}/").content.decode()
    assert 'name="access_token"' not in page and 'name="app_secret"' not in page
    assert "vt-SECRET" not in page and TOKEN not in page
    assert "Only admins see the verify token" in page
    assert client.get("/settings/inboxes/new/whatsapp/").status_code == 404
    assert client.get("/settings/inboxes/new/livechat/").status_code == 200
    assert "An admin connects this channel" in client.get("/settings/inboxes/new/").content.decode()


def test_a_lead_edits_the_name_but_a_posted_token_is_ignored(client, lead, wa):
    client.force_login(lead)
    response = client.post(
        f"/settings/inboxes/{wa.pk}/",
        {"name": "Renamed", "phone_number_id": PHONE_ID, "waba_id": WABA, "access_token": "evil"},
    )
    assert response.status_code == 302
    wa.refresh_from_db()
    assert wa.name == "Renamed" and wa.credentials["access_token"] == TOKEN
    assert wa.config["team_note"] == "kept"  # keys the form does not manage are kept


def test_only_admins_deactivate(client, lead, admin, wa):
    client.force_login(lead)
    assert client.post(f"/settings/inboxes/{wa.pk}/active/", {"active": "0"}).status_code == 404
    client.force_login(admin)
    assert client.post(f"/settings/inboxes/{wa.pk}/active/", {"active": "0"}).status_code == 302
    wa.refresh_from_db()
    assert wa.is_active is False and Inbox.objects.filter(pk=wa.pk).exists()
    entry = AuditEntry.objects.get(action=AuditAction.INBOX_DEACTIVATED)
    assert entry.data == {"before": {"is_active": True}, "after": {"is_active": False}}
    client.post(f"/settings/inboxes/{wa.pk}/active/", {"active": "1"})
    wa.refresh_from_db()
    assert wa.is_active


# --- the list -----------------------------------------------------------------------------------


def test_the_list_shows_channel_health_and_counts(client, lead, wa):
    make_user("bob", inboxes=[wa])
    wa.needs_reauth = True
    wa.save()
    make_conversation(wa)
    make_conversation(wa, status="resolved")
    conversation = make_conversation(wa)
    make_message(
        conversation,
        direction="out",
        status="failed",
        error="The customer stopped marketing messages.",
        status_at=timezone.now(),
    )
    WebhookEvent.objects.create(inbox=wa, channel="whatsapp", body="{}", received_at=timezone.now())
    quiet = make_inbox("livechat", name="Website")
    client.force_login(lead)
    page = client.get("/settings/inboxes/").content.decode()
    assert "Klantenservice" in page and "Website" in page and "WhatsApp" in page and "Live chat" in page
    assert 'data-testid="needs-reauth"' in page and 'data-testid="last-webhook"' in page
    assert "The customer stopped marketing messages." in page
    rows = {inbox.pk: inbox for inbox in inboxes_with_health()}
    assert rows[wa.pk].open_count == 2 and rows[wa.pk].member_count == 1
    assert rows[quiet.pk].open_count == 0 and rows[quiet.pk].last_webhook_at is None


# --- WhatsApp -------------------------------------------------------------------------------------


def test_an_admin_connects_whatsapp_and_sees_the_callback_url_and_verify_token(client, admin, settings):
    settings.PUBLIC_URL = "https://webcare.example"
    client.force_login(admin)
    response = client.post("/settings/inboxes/new/whatsapp/", _wa_form())
    inbox = Inbox.objects.get(name="Support NL")
    assert response.status_code == 302 and response["Location"] == f"/settings/inboxes/{inbox.pk}/"
    assert inbox.kind == "whatsapp" and inbox.external_id == PHONE_ID and inbox.config == {"waba_id": WABA}
    assert inbox.credentials["access_token"] == TOKEN and inbox.credentials["app_secret"] == APP_SECRET
    verify_token = inbox.credentials["verify_token"]
    assert len(verify_token) >= 24
    page = client.get(response["Location"]).content.decode()
    assert f"https://webcare.example/webhooks/whatsapp/{inbox.public_key}/" in page
    assert verify_token in page
    assert TOKEN not in page and APP_SECRET not in page  # write-only
    assert AuditEntry.objects.filter(action=AuditAction.INBOX_CREATED, target_id=str(inbox.pk)).exists()


def test_the_whatsapp_form_says_what_is_wrong(client, admin):
    client.force_login(admin)
    page = client.post(
        "/settings/inboxes/new/whatsapp/", _wa_form(phone_number_id="+31 6 1234", access_token="")
    ).content.decode()
    assert "Meta&#x27;s ids are digits only" in page or "Meta's ids are digits only" in page
    assert "This field is required." in page
    assert not Inbox.objects.exists()


def test_test_connection_shows_the_display_number_and_syncs_templates(client, admin, wa, wa_graph):
    wa.needs_reauth = True
    wa.save()
    wa_graph.script("GET", f"/{PHONE_ID}", Answer(json={**PHONE, "id": PHONE_ID}))
    template = {"id": "1", "name": "order_update", "language": "nl", "status": "APPROVED", "category": "UTILITY",
                "components": [{"type": "BODY", "text": "Hallo {{1}}"}]}  # fmt: skip
    wa_graph.script("GET", f"/{WABA}/message_templates", Answer(json={"data": [template], "paging": {}}))
    client.force_login(admin)
    page = client.post(f"/settings/inboxes/{wa.pk}/test/").content.decode()
    assert 'data-ok="true"' in page and "+31 20 123 4567" in page and "GREEN" in page
    assert "1 synced, 1 approved" in page
    asked = [r for r in wa_graph.requests if r.path == f"/{PHONE_ID}"][0]
    assert asked.query["fields"] == "display_phone_number,verified_name,quality_rating"
    assert asked.headers["authorization"] == f"Bearer {TOKEN}"
    wa.refresh_from_db()
    assert wa.needs_reauth is False and MessageTemplate.objects.filter(inbox=wa, name="order_update").exists()


def test_test_connection_shows_metas_error_in_words(client, lead, wa, wa_graph):
    wa_graph.script("GET", f"/{PHONE_ID}", error_answer(190, "Error validating access token", http=401))
    client.force_login(lead)  # leads may test: it shows no secret
    page = client.post(f"/settings/inboxes/{wa.pk}/test/").content.decode()
    assert 'data-ok="false"' in page
    assert "WhatsApp rejected the inbox&#x27;s access token" in page


def test_an_empty_credential_keeps_the_stored_one_and_a_new_one_is_audited_redacted(client, admin, wa):
    client.force_login(admin)
    client.post(f"/settings/inboxes/{wa.pk}/", _wa_form(name="Klantenservice", access_token="", app_secret=""))
    wa.refresh_from_db()
    assert wa.credentials["access_token"] == TOKEN and wa.credentials["verify_token"] == "vt-SECRET"
    assert not AuditEntry.objects.filter(action=AuditAction.INBOX_CREDENTIALS_CHANGED).exists()
    client.post(
        f"/settings/inboxes/{wa.pk}/", _wa_form(name="Klantenservice", access_token="EAAG-new-token", app_secret="")
    )
    wa.refresh_from_db()
    assert wa.credentials["access_token"] == "EAAG-new-token" and wa.credentials["verify_token"] == "vt-SECRET"
    updated = AuditEntry.objects.get(action=AuditAction.INBOX_UPDATED)
    assert updated.data["changes"] == {"credentials.access_token": {"before": "[redacted]", "after": "[redacted]"}}
    assert AuditEntry.objects.get(action=AuditAction.INBOX_CREDENTIALS_CHANGED).data == {"secrets": ["access_token"]}
    assert "EAAG-new-token" not in str(list(AuditEntry.objects.values_list("data", flat=True)))


# --- Messenger ------------------------------------------------------------------------------------


def test_messenger_test_connection_shows_the_page_name(client, admin, settings):
    fake = MessengerGraph(messenger_default)
    graph = serve(fake, settings)
    next(graph)
    try:
        client.force_login(admin)
        client.post(
            "/settings/inboxes/new/messenger/",
            {"name": "Facebook", "page_id": "108123456789012", "access_token": "EAAM", "app_secret": "s"},
        )
        inbox = Inbox.objects.get(kind="messenger")
        assert inbox.credentials["verify_token"]
        fake.script("GET", "/108123456789012", Answer(json={"name": "Webshop BV", "id": "108123456789012"}))
        page = client.post(f"/settings/inboxes/{inbox.pk}/test/").content.decode()
        assert 'data-ok="true"' in page and "Webshop BV" in page
        assert [r.query for r in fake.requests if r.path == "/108123456789012"] == [{"fields": "name"}]
    finally:
        next(graph, None)


# --- Live chat ------------------------------------------------------------------------------------


def test_a_lead_sets_up_a_live_chat_with_snippet_and_preview(client, lead):
    client.force_login(lead)
    bad = client.post(
        "/settings/inboxes/new/livechat/",
        {"name": "Website", "allowed_origins": "shop dot example", "color": "#2563eb", "position": "right"},
    )
    assert "is not a website address" in bad.content.decode()
    response = client.post(
        "/settings/inboxes/new/livechat/",
        {
            "name": "Website",
            "allowed_origins": "https://Shop.example/contact\nhttps://shop.example\n\nhttp://localhost:8080",
            "color": "#FF0000",
            "position": "left",
            "greeting_nl": "Hoi! Waarmee kunnen we helpen?",
            "prechat_email": "required",
        },
    )
    inbox = Inbox.objects.get(kind="livechat")
    assert response.status_code == 302
    assert inbox.config == {
        "allowed_origins": ["https://shop.example", "http://localhost:8080"],
        "color": "#ff0000",
        "position": "left",
        "greeting": {"nl": "Hoi! Waarmee kunnen we helpen?"},
        "prechat": {"email": "required"},
        "email_inbox_id": None,  # replies do not continue by email until an email inbox is chosen
        "email_after_minutes": 10,
    }
    page = client.get(f"/settings/inboxes/{inbox.pk}/").content.decode()
    assert f'data-webcare-key="{inbox.public_key}"' in page.replace("&quot;", '"')
    assert "Hoi! Waarmee kunnen we helpen?" in page  # the form shows what is stored
    preview = client.get(f"/settings/inboxes/{inbox.pk}/preview/")
    assert preview.status_code == 200 and f'data-webcare-key="{inbox.public_key}"' in preview.content.decode()
    assert "style-src 'self' 'unsafe-inline'" in preview["Content-Security-Policy"]


# --- Members, service levels, survey -------------------------------------------------------------


def test_members_are_picked_and_audited(client, lead, wa):
    anna = make_user("anna")
    make_user("bob", inboxes=[wa])
    client.force_login(lead)
    page = client.get(f"/settings/inboxes/{wa.pk}/members/").content.decode()
    assert 'data-testid="member-search"' in page and "anna" in page
    client.post(f"/settings/inboxes/{wa.pk}/members/", {"members": [anna.pk]})
    assert list(wa.members.all()) == [anna]
    entry = AuditEntry.objects.get(action=AuditAction.INBOX_MEMBERS_CHANGED)
    assert entry.data == {"before": ["bob"], "after": ["anna"]}


def test_service_levels_in_hours_and_minutes_and_the_survey(client, lead, wa):
    client.force_login(lead)
    form = {
        "first_response": "2",
        "first_response_unit": "hours",
        "next_response": "15",
        "next_response_unit": "minutes",
        "survey": "csat",
    }
    assert client.post(f"/settings/inboxes/{wa.pk}/service/", form).status_code == 302
    wa.refresh_from_db()
    assert (wa.first_response_target_seconds, wa.next_response_target_seconds) == (7200, 900)
    assert SurveySetting.objects.get(inbox=wa).survey == "csat"
    levels = AuditEntry.objects.get(action=AuditAction.INBOX_SERVICE_LEVELS_CHANGED)
    assert levels.data["changes"]["first_response_target_seconds"] == {
        "before": wa.first_response_target_seconds and 1800,
        "after": 7200,
    }
    assert AuditEntry.objects.get(action=AuditAction.INBOX_SURVEY_CHANGED).data == {
        "before": {"survey": "off", "questions": {}},
        "after": {"survey": "csat", "questions": {}},
    }
    page = client.get(f"/settings/inboxes/{wa.pk}/service/").content.decode()
    assert 'value="2"' in page and 'data-testid="business-hours-link"' in page
    too_long = client.post(f"/settings/inboxes/{wa.pk}/service/", {**form, "first_response": "200"})
    assert "At most one week (168 hours)." in too_long.content.decode()
    assert client.post(f"/settings/inboxes/{wa.pk}/service/", {**form, "first_response": "0"}).status_code == 200


def test_the_survey_question_in_the_inboxs_own_words_reaches_the_customer_in_their_language(client, lead):
    # given: a lead words the question in Dutch only
    from reporting.surveys import survey_send

    chat = make_inbox("livechat", name="Website")
    client.force_login(lead)
    form = {"first_response": "2", "first_response_unit": "minutes", "next_response_unit": "minutes"}
    question = "Hoe tevreden ben je over ons? Kies een cijfer van 1 tot 5."
    client.post(f"/settings/inboxes/{chat.pk}/service/", {**form, "survey": "csat", "question_nl": question})
    assert SurveySetting.objects.get(inbox=chat).questions == {"nl": question}
    dutch, english = (make_conversation(chat, status="resolved") for _ in range(2))
    dutch.contact.locale = "nl"
    dutch.contact.save()
    dutch.last_customer_message_at = english.last_customer_message_at = timezone.now()

    # when: both conversations are resolved and surveyed
    for conversation in (dutch, english):
        survey_send(conversation.pk)

    # then: the Dutch customer reads the lead's words, the English one the standard question
    assert dutch.messages.get(sender_type="bot").text == question
    assert english.messages.get(sender_type="bot").text.startswith("Thank you for contacting us!")


def test_business_hours_page_links_back_to_the_inbox_settings(client, lead, wa):
    client.force_login(lead)
    page = client.get(f"/automation/inboxes/{wa.pk}/").content.decode()
    assert f"/settings/inboxes/{wa.pk}/service/" in page
