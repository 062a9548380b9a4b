"""HTTP side of the live chat: the widget script and its size budget, uploads and files, the
snippet, the demo page and the agents' snippet page."""

import gzip
import json
import time

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from bench.widget_size import widget_gzipped_size
from inbox.models import Attachment, Message
from livechat import sessions
from livechat.snippet import snippet_for
from livechat.widget import BUDGET_GZIPPED_BYTES
from tests.factories import make_conversation, make_inbox, make_message, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

ORIGIN = "https://shop.example"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def inbox():
    return make_inbox("livechat", name="Shop", config={"allowed_origins": [ORIGIN], "color": "#0f766e"})


def test_the_widget_stays_within_its_gzipped_budget():
    size = widget_gzipped_size()
    assert 0 < size <= BUDGET_GZIPPED_BYTES, f"widget is {size:,} bytes gzipped, budget {BUDGET_GZIPPED_BYTES:,}"


def test_the_widget_script_carries_the_inbox_settings_and_is_gzipped_and_cacheable(client, inbox):
    response = client.get(f"/widget/{inbox.public_key}.js", secure=True, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Content-Encoding"] == "gzip" and "max-age" in response["Cache-Control"]
    body = gzip.decompress(response.content).decode()
    assert "__WEBCARE_CONFIG__" not in body and '"color":"#0f766e"' in body and inbox.public_key in body
    again = client.get(f"/widget/{inbox.public_key}.js", secure=True, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_inbox_names_cannot_break_out_of_the_script(client):
    inbox = make_inbox("livechat", name="</script><script>alert(1)</script>")
    body = client.get(f"/widget/{inbox.public_key}.js", secure=True).content.decode()
    assert "</script>" not in body and "\\u003c/script\\u003e" in body


def test_unknown_widget_keys_are_404(client):
    assert client.get("/widget/nope.js", secure=True).status_code == 404


def test_the_snippet_is_one_async_script_tag_on_the_public_url(inbox, settings):
    settings.PUBLIC_URL = "https://chat.example.com"
    assert snippet_for(inbox) == (
        f'<script async src="https://chat.example.com/widget/{inbox.public_key}.js" '
        f'data-webcare-key="{inbox.public_key}"></script>'
    )


def _upload(client, inbox, token, *, name="photo.png", content=PNG, client_id="f1", origin=ORIGIN, **extra):
    return client.post(
        f"/livechat/{inbox.public_key}/upload/",
        {"token": token, "client_id": client_id, "file": SimpleUploadedFile(name, content), **extra},
        secure=True,
        HTTP_ORIGIN=origin,
    )


def test_a_visitor_uploads_an_image_and_gets_a_link_only_they_are_handed(client, inbox):
    _, token = sessions.visitor_new(inbox)
    response = _upload(client, inbox, token)
    assert response.status_code == 201, response.content
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    message = response.json()["message"]
    assert message["kind"] == "image" and message["client_id"] == "f1"
    attachment = Attachment.objects.get()
    assert attachment.status == "stored" and attachment.mime_type == "image/png" and attachment.size == len(PNG)
    url = message["attachments"][0]["url"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    file_response = client.get("/" + path, secure=True)
    assert file_response.status_code == 200 and b"".join(file_response.streaming_content) == PNG
    # Idempotent like text: the same client id is one message.
    assert _upload(client, inbox, token).json()["message"]["id"] == message["id"]
    assert Message.objects.count() == 1
    assert client.get("/livechat/files/forged:value/", secure=True).status_code == 404


def test_uploads_are_checked_for_token_type_size_and_origin(client, inbox, settings):
    settings.LIVECHAT_ATTACHMENT_MAX_BYTES = 1000
    _, token = sessions.visitor_new(inbox)
    assert _upload(client, inbox, "tampered").status_code == 403
    refused_type = _upload(client, inbox, token, name="page.html", content=b"<script>alert(1)</script>")
    assert refused_type.status_code == 400 and refused_type.json()["error"]["code"] == "file_type_not_allowed"
    disguised = _upload(client, inbox, token, name="fake.png", content=b"<html>not an image</html>")
    assert disguised.status_code == 400
    too_big = _upload(client, inbox, token, name="big.pdf", content=b"%PDF" + b"0" * 2000)
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "file_too_large"
    assert _upload(client, inbox, token, origin="https://evil.example").status_code == 404
    assert not Message.objects.exists()


def test_agents_attachments_and_private_notes_in_history(inbox):
    from django.core.files.base import ContentFile

    from livechat.selectors import visitor_history

    conversation = make_conversation(inbox)
    reply = make_message(conversation, direction="out", text="Here is the invoice", kind="document")
    attachment = Attachment(message=reply, kind="document", mime_type="application/pdf", filename="invoice.pdf", size=4)
    attachment.file.save("invoice.pdf", ContentFile(b"%PDF"), save=True)
    make_message(conversation, direction="out", text="secret note", private=True)
    history = visitor_history(inbox=inbox, identity_key=conversation.identity.external_id)
    assert [m["text"] for m in history] == ["Here is the invoice"]
    assert history[0]["attachments"][0]["name"] == "invoice.pdf"
    assert history[0]["attachments"][0]["url"].startswith("http")


def test_an_agent_sends_a_file_from_the_composer_and_the_visitor_can_fetch_it(
    client, inbox, django_capture_on_commit_callbacks
):
    from livechat.selectors import visitor_history

    conversation = make_conversation(inbox)
    make_message(conversation, text="Heeft u een handleiding?")
    client.force_login(make_user("anna", inboxes=[inbox]))
    manual = SimpleUploadedFile("handleiding.pdf", b"%PDF-1.4 manual", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/inbox/conversations/{conversation.pk}/reply/", {"text": "Alstublieft", "file": manual}
        )
    assert response.status_code == 200
    reply = Message.objects.get(direction="out")
    assert reply.status == "sent" and reply.text == "Alstublieft" and reply.kind == "document"
    [item] = [
        m for m in visitor_history(inbox=inbox, identity_key=conversation.identity.external_id) if m["attachments"]
    ]
    link = item["attachments"][0]["url"]
    assert item["attachments"][0]["name"] == "handleiding.pdf"
    fetched = client.get(link.removeprefix(settings_public_url()))
    assert fetched.status_code == 200 and b"".join(fetched.streaming_content) == b"%PDF-1.4 manual"

    too_big = SimpleUploadedFile("film.mp4", b"0" * (10 * 1024 * 1024 + 1), content_type="video/mp4")
    refused = client.post(f"/inbox/conversations/{conversation.pk}/reply/", {"file": too_big})
    assert refused.status_code == 422 and "10 MB" in refused.content.decode()
    assert Message.objects.filter(direction="out").count() == 1


def _file(conversation, *, content=b"%PDF-1.4", private=False) -> Attachment:
    from django.core.files.base import ContentFile

    message = make_message(conversation, direction="out", kind="document", private=private)
    attachment = Attachment(message=message, kind="document", mime_type="application/pdf", filename="a.pdf", size=8)
    attachment.file.save("a.pdf", ContentFile(content), save=True)
    return attachment


def _fetch(client, signed: str):
    return client.get(f"/livechat/files/{signed}/", secure=True)


def _link(inbox, conversation) -> str:
    """The signed part of the file link the visitor's history hands out."""
    from livechat.selectors import visitor_history

    history = visitor_history(inbox=inbox, identity_key=conversation.identity.external_id)
    [url] = [a["url"] for m in history for a in m["attachments"]]
    return url.rstrip("/").rsplit("/", 1)[1]


def test_a_file_link_opens_only_the_file_of_the_conversation_it_was_issued_for(client, inbox):
    from livechat.selectors import FILE_SALT

    alice, bob = make_conversation(inbox), make_conversation(inbox)
    alices_file, bobs_file = _file(alice, content=b"%PDF alice"), _file(bob, content=b"%PDF bob")
    whatsapp_file = _file(make_conversation(make_inbox("whatsapp")), content=b"%PDF whatsapp")
    # A signed attachment id alone opens nothing, whichever file it names.
    for other in (bobs_file, whatsapp_file, alices_file):
        assert _fetch(client, signing.dumps(other.pk, salt=FILE_SALT)).status_code == 404
    link = _link(inbox, alice)
    fetched = _fetch(client, link)
    assert fetched.status_code == 200 and b"".join(fetched.streaming_content) == b"%PDF alice"

    # The attachment id inside a link cannot be changed: the signature covers it.
    payload, rest = link.split(":", 1)
    named = json.loads(signing.b64_decode(payload.encode()))
    altered = signing.b64_encode(json.dumps({**named, "a": bobs_file.pk}, separators=(",", ":")).encode()).decode()
    assert _fetch(client, f"{altered}:{rest}").status_code == 404
    # Signed, but Bob's file paired with Alice's conversation and identity: refused.
    mixed = signing.dumps({"a": bobs_file.pk, "c": alice.pk, "i": alice.identity_id}, salt=FILE_SALT)
    assert _fetch(client, mixed).status_code == 404
    # Another inbox's (WhatsApp) files are never served to the widget, even with a well-formed link.
    foreign = whatsapp_file.message.conversation
    well_formed = signing.dumps({"a": whatsapp_file.pk, "c": foreign.pk, "i": foreign.identity_id}, salt=FILE_SALT)
    assert _fetch(client, well_formed).status_code == 404
    # Files of private notes never, even for their own conversation.
    note_file = _file(alice, private=True)
    private = signing.dumps({"a": note_file.pk, "c": alice.pk, "i": alice.identity_id}, salt=FILE_SALT)
    assert _fetch(client, private).status_code == 404


def test_file_links_lapse_after_a_week(client, inbox, monkeypatch):
    from livechat.selectors import FILE_URL_MAX_AGE

    conversation = make_conversation(inbox)
    _file(conversation)
    issued = int(time.time()) - FILE_URL_MAX_AGE - 60
    with monkeypatch.context() as patch:
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(issued))
        old_link = _link(inbox, conversation)
    assert _fetch(client, old_link).status_code == 404
    assert _fetch(client, _link(inbox, conversation)).status_code == 200


def settings_public_url() -> str:
    from django.conf import settings

    return settings.PUBLIC_URL


def test_the_demo_page_needs_debug_or_demo_mode_and_then_shows_only_demo_inboxes(client, inbox, settings):
    settings.DEBUG = False
    settings.WEBCARE_DEMO_PAGE = False
    inbox.demo = True
    inbox.save()
    other = make_inbox("livechat", name="Not a demo")
    assert client.get("/livechat/demo/", secure=True).status_code == 404  # demo data alone is not enough

    settings.WEBCARE_DEMO_PAGE = True
    page = client.get("/livechat/demo/", secure=True)
    assert page.status_code == 200 and f'data-webcare-key="{inbox.public_key}"' in page.content.decode()
    assert client.get(f"/livechat/demo/?key={other.public_key}", secure=True).status_code == 404

    settings.DEBUG, settings.WEBCARE_DEMO_PAGE = True, False
    assert client.get(f"/livechat/demo/?key={other.public_key}", secure=True).status_code == 200


def test_the_demo_page_allows_only_the_widget_its_socket_and_its_files(client, inbox, settings):
    settings.DEBUG = True
    settings.PUBLIC_URL = "https://chat.example:8443"
    page = client.get("/livechat/demo/", secure=True)
    policy = dict(part.strip().split(" ", 1) for part in page["Content-Security-Policy"].split(";"))
    assert policy == {
        "default-src": "'none'",
        "script-src": "https://chat.example:8443/widget/",
        "connect-src": "https://chat.example:8443 wss://chat.example:8443",
        "img-src": "https://chat.example:8443 data:",
        "style-src": "'unsafe-inline'",
        "base-uri": "'none'",
        "form-action": "'none'",
        "frame-ancestors": "'none'",
    }
    assert 'src="https://chat.example:8443/widget/' in page.content.decode()


def test_agents_see_the_snippets_of_their_livechat_inboxes_and_only_leads_see_the_secret(client, inbox):
    other = make_inbox("livechat", name="Other site")
    agent = make_user("anna", inboxes=[inbox])
    client.force_login(agent)
    page = client.get("/livechat/inboxes/", secure=True).content.decode()
    assert inbox.public_key in page and other.public_key not in page
    assert 'data-testid="livechat-secret"' not in page
    client.force_login(make_user("lea", role="lead"))
    page = client.get("/livechat/inboxes/", secure=True).content.decode()
    assert other.public_key in page and 'data-testid="livechat-secret"' in page


def test_widget_config_holds_nothing_secret(inbox):
    from livechat.selectors import widget_config

    sessions.user_hash(inbox, "1")  # creates the identity secret
    inbox.refresh_from_db()
    assert inbox.credentials["identity_secret"] not in json.dumps(widget_config(inbox))


@pytest.mark.parametrize("language", ["en", "nl", "de"])
def test_the_snippet_help_names_the_end_of_body_tag_in_every_language(client, inbox, language):
    client.force_login(make_user("anna", inboxes=[inbox]))
    page = client.get("/livechat/inboxes/", secure=True, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    help_line = page.split('data-testid="snippet-help">', 1)[1].split("</p>", 1)[0]
    assert "&lt;/body&gt;" in help_line  # shown as text, not swallowed as markup
