"""What an agent sees of an email: the new text, the quoted history folded, the original HTML
sanitised in a sandboxed frame, remote images only on request."""

import pytest

from inbox.models import Message
from tests.factories import make_inbox, make_user

from .conftest import fixture_bytes
from .helpers import deliver

pytestmark = pytest.mark.django_db


def test_the_conversation_shows_the_new_text_with_the_quoted_history_folded(client, email_inbox):
    deliver(email_inbox, fixture_bytes("gmail_en_reply.eml"))
    message = Message.objects.get()
    client.force_login(make_user("anna", inboxes=[email_inbox]))

    page = client.get(f"/?c={message.conversation_id}").content.decode()

    assert "the mug is chipped" in page
    assert '<details class="email-quoted"' in page and "Show quoted history" in page
    assert "Re: Your order #10442" in page


def test_the_original_html_is_sanitised_and_remote_images_load_only_when_asked(client, email_inbox):
    deliver(email_inbox, fixture_bytes("html_only_remote_images.eml"))
    message = Message.objects.get()
    client.force_login(make_user("anna", inboxes=[email_inbox]))

    blocked = client.get(f"/email/messages/{message.pk}/html/")
    shown = client.get(f"/email/messages/{message.pk}/html/?images=1")

    body = blocked.content.decode()
    assert blocked.status_code == 200 and "Ik wil mijn jas retourneren" in body
    assert "<script" not in body and "track.example" not in body and "onload" not in body
    assert "img-src 'self' data:;" in blocked["Content-Security-Policy"]
    assert "sandbox" in blocked["Content-Security-Policy"]
    assert "https://track.example/pixel.gif" in shown.content.decode()
    assert "https:" in shown["Content-Security-Policy"]


def test_inline_images_point_at_our_stored_attachment(client, email_inbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(email_inbox, fixture_bytes("apple_mail_de_inline_image.eml"))
    message = Message.objects.get()
    client.force_login(make_user("anna", inboxes=[email_inbox]))

    body = client.get(f"/email/messages/{message.pk}/html/").content.decode()

    assert f'src="/attachments/{message.attachments.get().pk}/"' in body and "cid:" not in body


def test_an_agent_of_another_inbox_gets_404(client, email_inbox):
    deliver(email_inbox, fixture_bytes("html_only_remote_images.eml"))
    client.force_login(make_user("sam", inboxes=[make_inbox("whatsapp")]))

    assert client.get(f"/email/messages/{Message.objects.get().pk}/html/").status_code == 404
