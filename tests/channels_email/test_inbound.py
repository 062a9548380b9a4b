"""Emails arriving: one ingest path, threading, loops and noise, files, replays."""

import pytest
from django.utils import timezone

from channels_email.addresses import conversation_address
from channels_email.models import RawEmail
from channels_email.services import raw_emails_reprocess
from inbox.models import Conversation, Message
from inbox.replies import reply_send
from tests.factories import make_user

from .conftest import fixture_bytes
from .helpers import deliver, mail

pytestmark = pytest.mark.django_db


def _reply(conversation, text="We are looking into it.", capture=None):
    agent = make_user("anna", inboxes=[conversation.inbox])
    agent.first_name = "Anna"
    agent.save()
    with capture(execute=True):
        message = reply_send(conversation=conversation, author=agent, text=text)
    message.refresh_from_db()
    return message


def test_an_email_becomes_a_conversation_of_the_sender_with_the_quote_folded_and_cc_kept(email_inbox):
    row, outcome = deliver(email_inbox, fixture_bytes("outlook_nl_cc_latin1.eml"))

    assert outcome == "message" and row.status == "processed"
    message = Message.objects.get()
    conversation = message.conversation
    assert conversation.contact.email == "p.jansen@bedrijf.example"
    assert conversation.contact.name == "Jansen, Pieter"
    assert message.text.startswith("Goedemorgen,") and "In de bijlage" not in message.text
    assert message.content["email"]["quoted"].startswith("________________________________\nVan:")
    assert message.content["email"]["cc"] == ["s.bakker@bedrijf.example"]
    assert message.content["email"]["subject"] == "Factuur 2026-118 klopt niet"


def test_a_redelivered_email_is_stored_and_shown_once(email_inbox):
    raw = fixture_bytes("gmail_forwarded_de.eml")
    deliver(email_inbox, raw)
    again, outcome = deliver(email_inbox, raw, source="webhook")

    assert RawEmail.objects.count() == 1 and Message.objects.count() == 1
    assert again.status == "processed"


def test_the_customers_answer_to_our_reply_threads_by_in_reply_to(
    email_inbox, smtp_server, django_capture_on_commit_callbacks
):
    deliver(email_inbox, mail(subject="Broken mug", text="The mug is chipped."))
    conversation = Conversation.objects.get()
    ours = _reply(conversation, capture=django_capture_on_commit_callbacks)
    assert ours.status == "sent" and ours.external_id.startswith("<webcare.")

    deliver(email_inbox, mail(subject="Totally different words", text="Thanks!", in_reply_to=ours.external_id))

    assert Conversation.objects.count() == 1
    assert list(conversation.messages.values_list("text", flat=True).order_by("id")) == [
        "The mug is chipped.", "We are looking into it.", "Thanks!",
    ]  # fmt: skip


def test_the_conversation_reply_address_threads_mail_without_headers_and_a_forged_one_does_not(email_inbox):
    deliver(email_inbox, mail(subject="Invoice", text="First"))
    conversation = Conversation.objects.get()
    address = conversation_address(email_inbox, conversation.pk)

    deliver(email_inbox, mail(subject="New words", text="Second", to=address))
    forged = address.replace(address.split("-")[1][:8], "aaaaaaaa")
    deliver(email_inbox, mail(subject="Other words", text="Third", to=forged))

    assert conversation.messages.count() == 2
    assert Conversation.objects.count() == 2


def test_the_same_subject_from_the_same_customer_threads_and_a_new_subject_is_a_new_conversation_on_the_contact(
    email_inbox,
):
    deliver(email_inbox, mail(subject="Order 88213", text="Where is it?"))
    deliver(email_inbox, mail(subject="RE: Order 88213", text="Any news?"))
    deliver(email_inbox, mail(subject="Order 88213", text="From someone else", sender="Bob <bob@example.org>"))
    deliver(email_inbox, mail(subject="A new question", text="Do you ship to Belgium?"))

    emily = Conversation.objects.filter(contact__email="emily@example.org").order_by("id")
    assert [c.messages.count() for c in emily] == [2, 1]
    assert emily[0].contact_id == emily[1].contact_id
    assert Conversation.objects.count() == 3


def test_an_out_of_office_reply_is_stored_but_does_not_reopen_or_start_the_clock(
    email_inbox, smtp_server, django_capture_on_commit_callbacks
):
    deliver(email_inbox, mail(subject="Delivery", text="Damaged parcel."))
    conversation = Conversation.objects.get()
    ours = _reply(conversation, capture=django_capture_on_commit_callbacks)
    Conversation.objects.filter(pk=conversation.pk).update(status="resolved", unread_count=0)
    clock = Conversation.objects.get().last_customer_message_at
    sent_before = len(smtp_server.received)

    with django_capture_on_commit_callbacks(execute=True):
        _, outcome = deliver(
            email_inbox,
            mail(subject="Out of office: Re: Delivery", text="I am away until Monday.", in_reply_to=ours.external_id,
                 headers={"Auto-Submitted": "auto-replied"}),
        )  # fmt: skip

    conversation.refresh_from_db()
    assert outcome == "auto_reply"
    automatic = conversation.messages.get(content__email__auto_reply=True)
    assert (automatic.sender_type, automatic.kind) == ("system", "system")
    assert conversation.status == "resolved" and conversation.unread_count == 0
    assert conversation.last_customer_message_at == clock
    assert len(smtp_server.received) == sent_before  # nothing answered it


def test_an_automatic_reply_to_nothing_of_ours_is_kept_raw_only(email_inbox):
    _, outcome = deliver(email_inbox, fixture_bytes("auto_reply_out_of_office_de.eml"))

    assert outcome == "unthreaded_auto_reply" and not Conversation.objects.exists()


def test_a_bounce_marks_our_reply_failed_with_the_servers_reason(
    email_inbox, smtp_server, django_capture_on_commit_callbacks
):
    deliver(email_inbox, mail(subject="Invoice", text="Wrong amount"))
    ours = _reply(Conversation.objects.get(), capture=django_capture_on_commit_callbacks)
    bounce = fixture_bytes("bounce_dsn.eml").replace(b"<webcare.77.5e6f7a8b@acme.test>", ours.external_id.encode())

    _, outcome = deliver(email_inbox, bounce)

    ours.refresh_from_db()
    assert outcome == "bounce"
    assert ours.status == "failed" and "User unknown in virtual mailbox table" in ours.error
    assert Message.objects.count() == 2  # the bounce is no customer message


def test_mail_from_our_own_address_is_ignored(email_inbox):
    _, outcome = deliver(email_inbox, mail(sender="Acme <support@acme.test>", text="a loop"))
    _, plus = deliver(email_inbox, mail(sender="support+c12-abcdefgh@acme.test", text="a loop"))

    assert (outcome, plus) == ("own_address", "own_address") and not Message.objects.exists()


def test_attachments_and_inline_images_are_stored_through_the_attachment_rules(
    email_inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(email_inbox, fixture_bytes("thunderbird_nl_latin1_attachment.eml"))
        deliver(email_inbox, fixture_bytes("apple_mail_de_inline_image.eml"))

    pdf = Message.objects.get(external_id__contains="thunderbird").attachments.get()
    image = Message.objects.get(external_id__contains="icloud").attachments.get()
    assert (pdf.status, pdf.mime_type, pdf.filename, pdf.kind) == (
        "stored",
        "application/pdf",
        "pakbon 88213.pdf",
        "document",
    )
    assert pdf.file.read().startswith(b"%PDF-")
    assert (image.status, image.mime_type, image.kind) == ("stored", "image/png", "image")


def test_a_file_that_claims_to_be_an_image_but_is_a_page_is_stored_as_a_download(
    email_inbox, django_capture_on_commit_callbacks
):
    raw = (
        b"From: x@example.org\r\nTo: support@acme.test\r\nSubject: pic\r\nMessage-ID: <evil@example.org>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
        b"see\r\n--b\r\nContent-Type: image/png; name=a.png\r\nContent-Disposition: attachment; filename=a.png\r\n\r\n"
        b"<html><script>alert(1)</script></html>\r\n--b--\r\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        deliver(email_inbox, raw)

    assert Message.objects.get().attachments.get().mime_type == "application/octet-stream"


def test_a_failed_email_stays_stored_and_is_processed_again(email_inbox, monkeypatch):
    from channels_email import processor

    def broken(inbox, parsed):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(processor, "conversation_for", broken)
    row, outcome = deliver(email_inbox, mail(text="Still there?"))
    assert outcome == "failed" and row.status == "failed" and not Message.objects.exists()

    monkeypatch.undo()
    RawEmail.objects.filter(pk=row.pk).update(received_at=timezone.now() - timezone.timedelta(minutes=5))
    assert raw_emails_reprocess() == {"emails": 1, "message": 1}
    assert Message.objects.get().text == "Still there?"


def test_an_email_over_the_size_cap_keeps_its_headers_with_a_note(email_inbox):
    from channels_email.services import raw_email_process, raw_email_store

    headers = mail(subject="Huge photos", text="").split(b"\n\n", 1)[0] + b"\n\n"
    row, _ = raw_email_store(inbox=email_inbox, raw=headers, source="imap", size=31_000_000, truncated=True)
    raw_email_process(row.pk)

    message = Message.objects.get()
    assert message.text == "Huge photos" and message.content["email"]["too_large_bytes"] == 31_000_000


def test_an_email_over_the_size_cap_from_a_webhook_is_cut_to_its_headers(email_inbox):
    raw = mail(subject="Scans", text="x" * (26 * 1024 * 1024))

    row, _ = deliver(email_inbox, raw)

    assert row.truncated and row.size == len(raw) and len(bytes(row.raw)) < 10_000
    assert Message.objects.get().content["email"]["too_large_bytes"] == len(raw)
