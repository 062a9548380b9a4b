"""Replies by email, received by a real SMTP server (aiosmtpd)."""

import pytest
from django.utils import timezone

from channels_email.addresses import conversation_address
from channels_email.sender import email_compose
from inbox.models import Conversation, Message
from inbox.outbox import message_deliver
from inbox.replies import reply_send
from tests.factories import make_user

from .helpers import deliver, mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(email_inbox):
    deliver(
        email_inbox,
        mail(
            sender="Emily Carter <emily@example.org>",
            subject="Broken mug",
            text="The mug is chipped.",
            message_id="<first@example.org>",
            cc="Tom <tom@example.org>, support@acme.test",
        ),
    )
    return Conversation.objects.get()


@pytest.fixture
def anna(email_inbox):
    agent = make_user("anna", inboxes=[email_inbox])
    agent.first_name, agent.last_name = "Anna", "de Boer"
    agent.save()
    return agent


def test_the_agents_reply_arrives_threaded_from_anna_at_acme_with_the_history_quoted(
    conversation, anna, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_send(conversation=conversation, author=anna, text="A new mug is on its way.")

    reply.refresh_from_db()
    [received] = smtp_server.received
    sent = received["message"]
    assert received["to"] == ["emily@example.org", "tom@example.org"]
    assert sent["From"] == "Anna from Acme <support@acme.test>"
    assert sent["To"] == "emily@example.org" and sent["Cc"] == "tom@example.org"
    assert sent["Subject"] == "Re: Broken mug"
    assert sent["In-Reply-To"] == "<first@example.org>" and sent["References"] == "<first@example.org>"
    assert sent["Reply-To"] == conversation_address(conversation.inbox, conversation.pk)
    assert sent["Message-ID"] == reply.external_id and reply.status == "sent"
    text = sent.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("A new mug is on its way.")
    assert "wrote:\n> The mug is chipped." in text
    html = sent.get_body(preferencelist=("html",)).get_content()
    assert "<blockquote" in html and "A new mug is on its way." in html


def test_a_second_reply_references_the_whole_thread(
    conversation, anna, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = reply_send(conversation=conversation, author=anna, text="One")
    first.refresh_from_db()
    deliver(conversation.inbox, mail(subject="Re: Broken mug", text="Thanks", message_id="<second@example.org>",
                                     in_reply_to=first.external_id))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        reply_send(conversation=conversation, author=anna, text="Two")

    last = smtp_server.received[-1]["message"]
    assert last["In-Reply-To"] == "<second@example.org>"
    assert last["References"].split() == ["<first@example.org>", first.external_id, "<second@example.org>"]


def test_a_resend_carries_the_same_message_id(conversation, anna):
    message = Message.objects.create(
        conversation=conversation, inbox=conversation.inbox, direction="out", sender_type="agent", author=anna,
        text="Hello", sent_at=timezone.now(),
    )  # fmt: skip

    assert email_compose(message).extra_headers["Message-ID"] == email_compose(message).extra_headers["Message-ID"]


def test_a_refused_recipient_fails_the_reply_with_the_servers_words(
    conversation, anna, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse = (550, "5.1.1 No such user here")
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_send(conversation=conversation, author=anna, text="Hello?")

    reply.refresh_from_db()
    assert reply.status == "failed" and "550 5.1.1 No such user here" in reply.error


def test_a_temporary_refusal_or_an_unreachable_server_is_retried(
    conversation, anna, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse = (451, "4.7.1 Try again later")
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_send(conversation=conversation, author=anna, text="Hello?")
    reply.refresh_from_db()
    assert reply.status == "pending" and "451" in reply.error

    smtp_server.refuse = None
    Message.objects.filter(pk=reply.pk).update(next_attempt_at=timezone.now())
    assert message_deliver(reply.pk) == "sent"
    assert len(smtp_server.received) == 1


def test_a_server_that_is_down_means_a_retry_not_a_failure(conversation, anna, django_capture_on_commit_callbacks):
    inbox = conversation.inbox
    inbox.config = {**inbox.config, "smtp_port": 9}
    inbox.save()
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_send(conversation=conversation, author=anna, text="Hello?")

    reply.refresh_from_db()
    assert reply.status == "pending" and "Could not reach the mail server" in reply.error


def test_a_private_note_never_leaves(conversation, anna, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply_send(conversation=conversation, author=anna, text="internal", private=True)

    assert smtp_server.received == []


def test_the_agents_file_goes_out_attached(conversation, anna, smtp_server, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inbox.replies import OutgoingFile

    upload = SimpleUploadedFile("label.pdf", b"%PDF-1.4 return label", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        reply_send(conversation=conversation, author=anna, text="Your label", file=OutgoingFile.from_upload(upload))

    sent = smtp_server.received[-1]["message"]
    [attachment] = list(sent.iter_attachments())
    assert attachment.get_filename() == "label.pdf" and attachment.get_content() == b"%PDF-1.4 return label"


def test_the_demo_inbox_writes_replies_as_files_without_any_server(
    conversation, anna, settings, django_capture_on_commit_callbacks
):
    inbox = conversation.inbox
    inbox.config = {**inbox.config, "smtp_backend": "file"}
    inbox.save()

    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_send(conversation=conversation, author=anna, text="Offline reply")

    reply.refresh_from_db()
    [written] = list((settings.MEDIA_ROOT / "demo-mail").iterdir())
    assert reply.status == "sent" and "Offline reply" in written.read_text()


def test_a_reply_through_an_esp_goes_out_by_anymail_with_the_threading_headers(
    conversation, anna, smtp_server, django_capture_on_commit_callbacks
):
    from django.core import mail as outbox

    inbox = conversation.inbox
    inbox.config = {**inbox.config, "smtp_backend": "esp", "esp_backend": "anymail.backends.test.EmailBackend"}
    inbox.credentials = {**inbox.credentials, "esp_api_key": "esp-key"}
    inbox.save()
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_send(conversation=conversation, author=anna, text="Sent through the ESP.")

    reply.refresh_from_db()
    assert reply.status == "sent" and smtp_server.received == []  # not by the inbox's SMTP server
    [sent] = outbox.outbox
    assert sent.from_email == "Anna from Acme <support@acme.test>" and sent.to == ["emily@example.org"]
    assert sent.extra_headers["Message-ID"] == reply.external_id
    assert sent.extra_headers["In-Reply-To"] == "<first@example.org>"


def test_the_composer_shows_the_subject_and_a_cc_the_agent_can_change(
    client, conversation, anna, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(anna)
    page = client.get(f"/?c={conversation.pk}").content.decode()
    assert 'name="channel_subject" value="Re: Broken mug" readonly' in page
    assert 'name="channel_cc" value="tom@example.org"' in page

    refused = client.post(
        f"/inbox/conversations/{conversation.pk}/reply/", {"text": "Hello", "channel_cc": "tom@, ann@example.org"}
    )
    assert "&#x27;tom@&#x27; is not an email address." in refused.content.decode()
    assert smtp_server.received == [] and not Message.objects.filter(direction="out").exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/inbox/conversations/{conversation.pk}/reply/",
            {"text": "Looping in our warehouse.", "channel_cc": "warehouse@acme-logistics.example; support@acme.test"},
        )
    [received] = smtp_server.received
    assert received["message"]["Cc"] == "warehouse@acme-logistics.example"  # Tom taken off, our own address too
    assert sorted(received["to"]) == ["emily@example.org", "warehouse@acme-logistics.example"]
