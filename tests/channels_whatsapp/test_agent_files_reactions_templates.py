"""What an agent sends beyond text on WhatsApp: files from their computer (API and composer),
reactions, templates with media headers and URL buttons; the templates API; and replacing a
rejected access token in the admin."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from channels_whatsapp.models import MessageTemplate
from inbox.models import Attachment, Conversation, Inbox, Message
from tests.channels_whatsapp.fakes import ACCESS_TOKEN, PHONE_NUMBER_ID, WABA_ID, Answer
from tests.factories import make_inbox, make_token, make_user

pytestmark = pytest.mark.django_db

MESSAGES = f"/{PHONE_NUMBER_ID}/messages"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048


@pytest.fixture
def conversation(deliver):
    deliver("text")
    conversation = Conversation.objects.select_related("inbox").get()
    Conversation.objects.filter(pk=conversation.pk).update(last_customer_message_at=timezone.now())
    conversation.refresh_from_db()
    return conversation


@pytest.fixture
def agent(conversation):
    return make_user("anna", inboxes=[conversation.inbox])


@pytest.fixture
def api(api_client, agent):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(agent)}")
    return api_client


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def api_post(api, conversation, payload, capture, *, fmt="multipart"):
    with capture(execute=True):
        return api.post(f"/api/v1/conversations/{conversation.pk}/messages/", payload, format=fmt)


# --- files ------------------------------------------------------------------------------------


@pytest.mark.smoke
def test_an_image_from_the_api_is_uploaded_to_whatsapp_then_sent_with_its_caption(
    graph, api, conversation, django_capture_on_commit_callbacks
):
    response = api_post(
        api,
        conversation,
        {"text": "Zo ziet het eruit", "file": upload("foto.png", PNG, "image/png")},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "image" and body["text"] == "Zo ziet het eruit"
    [attachment] = body["attachments"]
    assert attachment["mime_type"] == "image/png" and attachment["size"] == len(PNG)
    stored = Attachment.objects.get()
    assert stored.sha256 == hashlib.sha256(PNG).hexdigest()
    assert stored.file.read() == PNG

    media = graph.sent("/media")[-1]
    assert media.path == f"/{PHONE_NUMBER_ID}/media"
    assert media.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert PNG in media.body and b'name="messaging_product"' in media.body
    sent = graph.sent(MESSAGES)[-1].json
    assert sent["type"] == "image"
    assert sent["image"]["caption"] == "Zo ziet het eruit"
    assert sent["image"]["id"].startswith("media-")
    assert Message.objects.get(pk=body["id"]).status == "sent"


def test_a_file_over_whatsapps_limit_is_refused_with_the_limit_and_nothing_is_stored(
    graph, api, conversation, django_capture_on_commit_callbacks
):
    before = Message.objects.count()
    big = upload("groot.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024 + 1), "image/jpeg")
    response = api_post(api, conversation, {"file": big}, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "5 MB" in response.content.decode()
    assert Message.objects.count() == before and not Attachment.objects.exists()
    assert graph.sent("/media") == []


def test_an_unknown_file_type_goes_as_a_document_with_its_filename(
    graph, api, conversation, django_capture_on_commit_callbacks
):
    response = api_post(
        api,
        conversation,
        {"file": upload("offerte.docx", b"PK\x03\x04 docx", "application/vnd.openxmlformats")},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 201
    sent = graph.sent(MESSAGES)[-1].json
    assert sent["type"] == "document" and sent["document"]["filename"] == "offerte.docx"
    assert "caption" not in sent["document"]


def test_text_with_a_voice_file_goes_as_its_own_message_first_because_audio_has_no_caption(
    graph, agent, conversation, client, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/inbox/conversations/{conversation.pk}/reply/",
            {
                "text": "Luister even",
                "file": [
                    upload("uitleg.ogg", b"OggS" + b"1" * 500, "audio/ogg"),
                    upload("bon.pdf", b"%PDF-1.4 ...", "application/pdf"),
                ],
            },
        )
    assert response.status_code == 200
    sent = [r.json for r in graph.sent(MESSAGES)]
    assert [s["type"] for s in sent] == ["text", "audio", "document"]
    assert sent[0]["text"]["body"] == "Luister even"
    assert "caption" not in sent[1]["audio"] and "caption" not in sent[2]["document"]
    # and the agent sees all three in the timeline, files downloadable
    html = response.content.decode()
    assert "Luister even" in html and "bon.pdf" in html and "<audio" in html
    out = Message.objects.filter(direction="out").order_by("id")
    assert [m.kind for m in out] == ["text", "audio", "document"]
    conversation.refresh_from_db()
    assert conversation.last_message_preview == "Luister even"  # the words, not "a document"


def test_a_file_on_a_private_note_never_leaves_webcare(graph, api, conversation, django_capture_on_commit_callbacks):
    response = api_post(
        api,
        conversation,
        {"text": "Screenshot van de klacht", "private": "true", "file": upload("s.png", PNG, "image/png")},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 201
    assert response.json()["private"] is True
    assert graph.sent("/media") == [] and graph.sent(MESSAGES) == []


def test_files_outside_the_window_are_refused_like_text(graph, api, conversation, django_capture_on_commit_callbacks):
    Conversation.objects.filter(pk=conversation.pk).update(
        last_customer_message_at=timezone.now() - timedelta(hours=25)
    )
    response = api_post(
        api, conversation, {"file": upload("foto.png", PNG, "image/png")}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 400 and "24 hours" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_reply_without_text_or_file_is_400(api, conversation, django_capture_on_commit_callbacks):
    response = api_post(api, conversation, {"text": " "}, django_capture_on_commit_callbacks)
    assert response.status_code == 400


# --- reactions --------------------------------------------------------------------------------


def test_an_agent_reaction_goes_to_whatsapp_on_the_customers_message_and_shows_on_it(
    graph, api, conversation, django_capture_on_commit_callbacks
):
    customer_message = Message.objects.get(direction="in")
    response = api_post(
        api,
        conversation,
        {"reaction": {"message": customer_message.pk, "emoji": "👍"}},
        django_capture_on_commit_callbacks,
        fmt="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "reaction"
    sent = graph.sent(MESSAGES)[-1].json
    assert sent["type"] == "reaction"
    assert sent["reaction"] == {"message_id": customer_message.external_id, "emoji": "👍"}
    customer_message.refresh_from_db()
    assert customer_message.reactions["agent"]["emoji"] == "👍"
    # a reaction is not an answer: the first response time stays open
    conversation.refresh_from_db()
    assert conversation.first_response_at is None

    # and taking it back sends an empty emoji
    api_post(
        api,
        conversation,
        {"reaction": {"message": customer_message.pk, "emoji": ""}},
        django_capture_on_commit_callbacks,
        fmt="json",
    )
    assert graph.sent(MESSAGES)[-1].json["reaction"]["emoji"] == ""
    customer_message.refresh_from_db()
    assert customer_message.reactions["agent"]["emoji"] == ""


def test_a_reaction_on_a_message_of_another_conversation_is_400(
    graph, api, conversation, wa_inbox, django_capture_on_commit_callbacks
):
    other = Message.objects.create(
        conversation=Conversation.objects.create(
            inbox=wa_inbox, contact=conversation.contact, identity=conversation.identity, status="closed"
        ),
        inbox=wa_inbox,
        direction="in",
        text="x",
        external_id="wamid.other",
        sent_at=timezone.now(),
    )
    response = api_post(
        api,
        conversation,
        {"reaction": {"message": other.pk, "emoji": "👍"}},
        django_capture_on_commit_callbacks,
        fmt="json",
    )
    assert response.status_code == 400
    assert response.json() == {"reaction": {"message": "No such message in this conversation."}}
    assert not Message.objects.filter(kind="reaction").exists()
    assert graph.sent(MESSAGES) == []


def test_the_composer_reaction_menu_reacts_from_the_timeline(
    graph, agent, conversation, client, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    customer_message = Message.objects.get(direction="in")
    page = client.get(f"/?c={conversation.pk}").content.decode()
    assert f"/inbox/messages/{customer_message.pk}/react/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/inbox/messages/{customer_message.pk}/react/", {"emoji": "🙏"})
    assert response.status_code == 200
    assert 'class="reaction"' in response.content.decode() and "🙏" in response.content.decode()
    assert graph.sent(MESSAGES)[-1].json["reaction"]["emoji"] == "🙏"


def test_reacting_to_a_message_in_an_inbox_the_agent_is_not_in_is_404(client, conversation):
    stranger = make_user("bob", inboxes=[make_inbox("whatsapp", name="Other")])
    client.force_login(stranger)
    message = Message.objects.get(direction="in")
    assert client.post(f"/inbox/messages/{message.pk}/react/", {"emoji": "👍"}).status_code == 404
    message.refresh_from_db()
    assert message.reactions == {}


# --- templates --------------------------------------------------------------------------------

SHIPPING = {
    "id": "901",
    "name": "shipping_label",
    "language": "nl",
    "status": "APPROVED",
    "category": "UTILITY",
    "components": [
        {"type": "HEADER", "format": "DOCUMENT"},
        {"type": "BODY", "text": "Hallo {{1}}, hier is uw verzendlabel."},
        {
            "type": "BUTTONS",
            "buttons": [
                {"type": "QUICK_REPLY", "text": "Bedankt"},
                {"type": "URL", "text": "Volgen", "url": "https://track.example.nl/{{1}}"},
            ],
        },
    ],
}


def test_a_template_with_a_document_header_and_a_url_button_sends_every_parameter(
    graph, api, conversation, django_capture_on_commit_callbacks
):
    graph.script("GET", f"/{WABA_ID}/message_templates", Answer(json={"data": [SHIPPING], "paging": {}}))
    from channels_whatsapp.templates import templates_sync

    templates_sync(inbox=conversation.inbox)
    template = MessageTemplate.objects.get(name="shipping_label")
    assert template.parameter_names == ["header.link", "body.1", "button.1.1"]

    payload = {
        "template": {
            "name": "shipping_label",
            "language": "nl",
            "parameters": ["https://files.example.nl/label.pdf", "Anna", "3SABC123"],
        }
    }
    response = api_post(api, conversation, payload, django_capture_on_commit_callbacks, fmt="json")
    assert response.status_code == 201, response.content
    components = graph.sent(MESSAGES)[-1].json["template"]["components"]
    assert components == [
        {
            "type": "header",
            "parameters": [{"type": "document", "document": {"link": "https://files.example.nl/label.pdf"}}],
        },
        {"type": "body", "parameters": [{"type": "text", "text": "Anna"}]},
        {"type": "button", "sub_type": "url", "index": "1", "parameters": [{"type": "text", "text": "3SABC123"}]},
    ]

    payload["template"]["parameters"][0] = "http://insecure.example.nl/label.pdf"
    refused = api_post(api, conversation, payload, django_capture_on_commit_callbacks, fmt="json")
    assert refused.status_code == 400 and "https://" in refused.content.decode()


def test_the_templates_api_lists_the_inbox_templates_to_its_members_only(
    api, api_client, conversation, graph, wa_inbox
):
    MessageTemplate.objects.create(inbox=wa_inbox, name="hello", language="en", status="APPROVED", parameter_count=0)
    MessageTemplate.objects.create(inbox=wa_inbox, name="promo", language="nl", status="PENDING")
    listed = api.get(f"/api/v1/inboxes/{wa_inbox.pk}/templates/").json()
    assert [(t["name"], t["status"]) for t in listed["results"]] == [("hello", "APPROVED"), ("promo", "PENDING")]
    approved = api.get(f"/api/v1/inboxes/{wa_inbox.pk}/templates/?status=approved").json()
    assert [t["name"] for t in approved["results"]] == ["hello"]

    stranger = make_user("bob", inboxes=[make_inbox("whatsapp", name="Other")])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(stranger)}")
    assert api_client.get(f"/api/v1/inboxes/{wa_inbox.pk}/templates/").status_code == 404
    livechat = make_inbox("livechat", name="Site", members=[stranger])
    assert api_client.get(f"/api/v1/inboxes/{livechat.pk}/templates/").status_code == 404


def test_only_leads_sync_templates_through_the_api(api, api_client, graph, wa_inbox):
    graph.script("GET", f"/{WABA_ID}/message_templates", Answer(json={"data": [SHIPPING], "paging": {}}))
    assert api.post(f"/api/v1/inboxes/{wa_inbox.pk}/templates/sync/").status_code == 403
    lead = make_user("lea", role="lead")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(lead)}")
    response = api_client.post(f"/api/v1/inboxes/{wa_inbox.pk}/templates/sync/")
    assert response.status_code == 200 and response.json()["templates"] == 1
    assert MessageTemplate.objects.filter(inbox=wa_inbox, name="shipping_label").exists()


# --- credentials ------------------------------------------------------------------------------


def test_a_new_access_token_in_the_admin_clears_needs_new_credentials_and_secrets_stay_hidden(client, wa_inbox):
    Inbox.objects.filter(pk=wa_inbox.pk).update(needs_reauth=True)
    admin = make_user("root", role="admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    url = f"/admin/inbox/inbox/{wa_inbox.pk}/change/"
    page = client.get(url).content.decode()
    assert ACCESS_TOKEN not in page and 'name="access_token"' in page

    form = {
        "kind": "whatsapp",
        "name": wa_inbox.name,
        "external_id": wa_inbox.external_id,
        "config": json.dumps({"waba_id": WABA_ID}),
        "time_zone": "Europe/Amsterdam",
        "business_hours": "{}",
        "first_response_target_seconds": "1800",
        "is_active": "on",
        "needs_reauth": "on",
        "access_token": "",
        "app_secret": "",
        "verify_token": "",
    }
    assert client.post(url, form).status_code == 302
    wa_inbox.refresh_from_db()
    assert wa_inbox.credentials["access_token"] == ACCESS_TOKEN  # empty keeps the stored secret
    assert wa_inbox.needs_reauth is True

    assert client.post(url, {**form, "access_token": "EAAG-new-token"}).status_code == 302
    wa_inbox.refresh_from_db()
    assert wa_inbox.credentials["access_token"] == "EAAG-new-token"
    assert wa_inbox.credentials["app_secret"]  # untouched
    assert wa_inbox.needs_reauth is False


def test_the_window_reason_is_in_the_agents_language(client, agent, conversation):
    from inbox.models import AgentProfile

    Conversation.objects.filter(pk=conversation.pk).update(
        last_customer_message_at=timezone.now() - timedelta(hours=30)
    )
    AgentProfile.objects.update_or_create(user=agent, defaults={"language": "nl"})
    client.force_login(agent)
    pane = client.get(f"/inbox/conversations/{conversation.pk}/").content.decode()
    assert "WhatsApp staat alleen een goedgekeurd sjabloonbericht toe" in pane


def test_a_reply_that_fails_to_store_leaves_no_file_behind(agent, conversation, monkeypatch, settings):
    from inbox import replies

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(replies, "_conversation_after_reply", broken)
    with pytest.raises(RuntimeError):
        replies.reply_messages_send(
            conversation=conversation,
            author=agent,
            text="",
            files=[replies.OutgoingFile.from_upload(upload("foto.png", PNG, "image/png"))],
        )
    assert not Attachment.objects.exists()
    media = settings.MEDIA_ROOT
    assert not any(path.is_file() for path in media.rglob("*")) if media.exists() else True
