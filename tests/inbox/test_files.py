"""Stored files: their type comes from their bytes, only passive formats are served inline, every
answer of the file views is sandboxed, and names are plain file names."""

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from inbox.files import safe_filename, sniff, stored_type
from inbox.models import Attachment, Message
from livechat.selectors import attachment_public
from tests.factories import make_conversation, make_inbox, make_message, make_user

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>document.title="pwned"</script></svg>'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FILE_POLICY = "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (PNG, "image/png"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"BM" + b"\x00" * 12 + b"\x28\x00\x00\x00", "image/bmp"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", "video/mp4"),
        (b"\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00", "audio/mp4"),
        (b"\x00\x00\x00\x14ftyp3gp4\x00\x00\x00\x00", "video/3gpp"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"OpusHead", "audio/ogg"),
        (b"ID3\x04\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64", "audio/mpeg"),
        (b"\xff\xf1\x50\x80", "audio/aac"),
        (b"#!AMR\n\x3c", "audio/amr"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
        (b"%PDF-1.7\n", "application/pdf"),
        (SVG, "image/svg+xml"),
        (b"\xef\xbb\xbf  <svg onload=alert(1)>", "image/svg+xml"),
        (b"<!DOCTYPE html><html><script>x</script>", "text/html"),
        (b"<?xml version='1.0'?><x/>", "application/xml"),
        (b"just some words", "application/octet-stream"),
        (b"", "application/octet-stream"),
    ],
)
def test_the_format_is_recognised_by_its_bytes(head, expected):
    assert sniff(head) == expected


@pytest.mark.parametrize(
    ("head", "claimed", "expected"),
    [
        (SVG, "image/svg+xml", "application/octet-stream"),
        (SVG, "image/png", "application/octet-stream"),
        (b"<html><script>x</script>", "text/plain", "application/octet-stream"),
        (b"hello, world", "image/jpeg", "application/octet-stream"),
        (PNG, "image/jpeg", "image/png"),
        (PNG, "", "image/png"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"OpusHead", "audio/ogg; codecs=opus", "audio/ogg; codecs=opus"),
        (b"\x00\x00\x00\x18ftypisom", "audio/mp4", "audio/mp4"),
        (
            b"PK\x03\x04",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),  # fmt: skip
        (b"PK\x03\x04", "text/html", "application/zip"),
        (b"Bestelnummer 5531\n", "text/plain", "text/plain"),
        (b"%PDF-1.4", "text/html; charset=<x>", "application/pdf"),
    ],
)
def test_the_stored_type_is_what_the_bytes_are(head, claimed, expected):
    assert stored_type(head, claimed) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("..", "file"),
        ("", "file"),
        ("factuur\x00.pdf", "factuur.pdf"),
        ("rechnung\u202efdp.exe", "rechnungfdp.exe"),
        ("line\r\nbreak.txt", "linebreak.txt"),
        (".htaccess", "htaccess"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
        ("Foto van Sanne.jpg", "Foto van Sanne.jpg"),
    ],
)
def test_a_file_name_is_one_plain_name(name, expected):
    assert safe_filename(name) == expected


@pytest.fixture
def lead_and_conversation(db):
    inbox = make_inbox("whatsapp")
    return make_user(role="lead", inboxes=[inbox]), make_conversation(inbox)


def _stored(conversation, data: bytes, *, mime_type: str, filename: str, kind: str = "image") -> Attachment:
    """A row that holds whatever type the sender claimed, unchecked."""
    message = make_message(conversation, kind=kind)
    attachment = Attachment(message=message, kind=kind, mime_type=mime_type, filename=filename, size=len(data))
    attachment.file.save(filename, ContentFile(data), save=True)
    return attachment


def _assert_sandboxed(response):
    assert response["Content-Security-Policy"] == FILE_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_agents_svg_note_is_stored_as_an_opaque_file_and_served_as_a_download(client, lead_and_conversation):
    lead, conversation = lead_and_conversation
    agent = make_user(inboxes=[conversation.inbox])
    client.force_login(agent)
    upload = SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml")
    response = client.post(
        f"/inbox/conversations/{conversation.pk}/reply/", {"text": "", "private": "1", "file": upload}
    )
    assert response.status_code == 200
    attachment = Attachment.objects.get(message__private=True)
    assert attachment.mime_type == "application/octet-stream" and attachment.kind == "document"

    client.force_login(lead)
    served = client.get(f"/attachments/{attachment.pk}/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == SVG
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment;")
    _assert_sandboxed(served)


def test_a_row_stored_as_svg_before_is_served_as_a_download_all_the_same(client, lead_and_conversation):
    lead, conversation = lead_and_conversation
    attachment = _stored(conversation, SVG, mime_type="image/svg+xml", filename="foto.svg")
    client.force_login(lead)
    served = client.get(f"/attachments/{attachment.pk}/")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment;")
    _assert_sandboxed(served)


def test_html_stored_as_an_image_is_never_served_as_an_image(client, lead_and_conversation):
    lead, conversation = lead_and_conversation
    attachment = _stored(conversation, b"<html><script>x()</script>", mime_type="image/png", filename="x.png")
    client.force_login(lead)
    served = client.get(f"/attachments/{attachment.pk}/")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment;")


def test_a_real_image_is_shown_inline_with_the_type_of_its_bytes(client, lead_and_conversation):
    lead, conversation = lead_and_conversation
    attachment = _stored(conversation, PNG, mime_type="image/jpeg", filename="foto.jpg")
    client.force_login(lead)
    served = client.get(f"/attachments/{attachment.pk}/")
    assert served["Content-Type"] == "image/png"
    assert served["Content-Disposition"].startswith("inline;")
    _assert_sandboxed(served)


def test_every_answer_of_the_file_views_is_sandboxed(client, lead_and_conversation):
    lead, _conversation = lead_and_conversation
    _assert_sandboxed(client.get("/attachments/1/"))  # to the login page
    _assert_sandboxed(client.get("/livechat/files/not-signed/"))  # 404
    client.force_login(lead)
    _assert_sandboxed(client.get("/attachments/999999/"))  # 404


def test_a_visitor_file_link_serves_an_svg_as_a_sandboxed_download(client, db):
    inbox = make_inbox("livechat")
    conversation = make_conversation(inbox)
    message = make_message(conversation, direction="out", kind="image")
    attachment = Attachment(message=message, kind="image", mime_type="image/svg+xml", filename="x.svg")
    attachment.file.save("x.svg", ContentFile(SVG), save=True)
    url = attachment_public(attachment, message=attachment.message)["url"]  # the link the visitor's history hands out
    served = client.get(url.removeprefix(settings.PUBLIC_URL))
    assert served.status_code == 200
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment;")
    _assert_sandboxed(served)


def test_an_agents_upload_named_with_a_path_is_stored_under_a_plain_name(client, lead_and_conversation):
    _lead, conversation = lead_and_conversation
    client.force_login(make_user(inboxes=[conversation.inbox]))
    upload = SimpleUploadedFile("../../evil\x00.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    client.post(f"/inbox/conversations/{conversation.pk}/reply/", {"private": "1", "file": upload})
    attachment = Attachment.objects.get()
    assert attachment.filename == "evil.pdf" and attachment.mime_type == "application/pdf"
    assert ".." not in attachment.file.name and Message.objects.filter(private=True).count() == 1
