"""Downloading customer media: GET /{media-id}, the file with the token, limits, SHA-256, retries."""

import hashlib
import json

import pytest

from channels_whatsapp import media
from channels_whatsapp.tasks import media_download_sweep_task
from inbox.models import Attachment
from tests.channels_whatsapp.fakes import (
    ACCESS_TOKEN,
    PHONE_NUMBER_ID,
    Answer,
    error_answer,
    fixture_bytes,
    post_webhook,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"fake jpeg bytes " * 64


@pytest.mark.smoke
def test_an_image_is_downloaded_with_the_token_and_stored_with_type_size_and_sha(graph, deliver, client):
    graph.media("1001", JPEG, mime_type="image/jpeg")
    deliver("image")  # the download is enqueued after the ingest commits (in-process here)

    attachment = Attachment.objects.get()
    assert attachment.status == "stored", attachment.error
    assert attachment.size == len(JPEG) and attachment.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert attachment.mime_type == "image/jpeg" and attachment.file.name.endswith(".jpg")
    lookup = next(r for r in graph.requests if r.path == "/1001")
    assert lookup.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert lookup.query["phone_number_id"] == PHONE_NUMBER_ID
    # agents fetch it through the permission-checked view, never a public URL
    inbox = attachment.message.inbox
    client.force_login(make_user(inboxes=[inbox]))
    response = client.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == JPEG
    client.force_login(make_user())
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404


def test_a_document_keeps_its_filename(graph, deliver):
    graph.media("1004", b"%PDF-1.7 factuur", mime_type="application/pdf")
    deliver("document")
    attachment = Attachment.objects.get()
    assert attachment.status == "stored" and attachment.file.name.endswith("factuur-2026-001.pdf")


def test_a_file_over_whatsapps_limit_is_not_downloaded_and_says_so(graph, deliver):
    graph.media("1001", JPEG, size=6 * 1024 * 1024)  # declared 6 MB: images may be 5 MB
    deliver("image")
    attachment = Attachment.objects.get()
    assert attachment.status == "failed" and "5 MB" in attachment.error
    assert not any(r.path.startswith("/files/") for r in graph.requests)


def test_a_download_that_grows_past_the_limit_is_cut_off(graph, deliver, monkeypatch):
    monkeypatch.setitem(media.SIZE_LIMITS, "image", 100)
    graph.media("1001", JPEG, size=50)  # the metadata understates it
    deliver("image")
    attachment = Attachment.objects.get()
    assert attachment.status == "failed" and "limit" in attachment.error


def test_a_sha256_mismatch_is_retried_then_stored_when_the_file_is_right(graph, deliver):
    graph.media("1001", JPEG, sha256="0" * 64)
    deliver("image")
    attachment = Attachment.objects.get()
    assert attachment.status == "pending" and "SHA-256" in attachment.error

    graph.scripted.clear()
    graph.media("1001", JPEG)
    assert media.media_fetch(attachment.pk) == "stored"


def test_a_failure_is_retried_by_the_sweeper_and_then_succeeds(graph, deliver):
    graph.script("GET", "/1001", error_answer(131016, "Service unavailable", http=503))
    deliver("image")
    attachment = Attachment.objects.get()
    assert attachment.status == "pending" and attachment.attempts == 1

    # when: Meta recovers and the periodic sweeper picks the download up again
    graph.scripted.clear()
    graph.media("1001", JPEG)
    Attachment.objects.filter(pk=attachment.pk).update(created_at=attachment.created_at.replace(year=2020))
    assert media_download_sweep_task() == 1
    attachment.refresh_from_db()
    assert attachment.status == "stored" and attachment.attempts == 2


def test_after_the_last_attempt_the_download_fails_with_a_reason(graph, deliver):
    graph.script("GET", "/1001", Answer(status=500, body=b"oops"))
    deliver("image")
    attachment = Attachment.objects.get()
    for _ in range(media.MAX_ATTEMPTS - 1):
        media.media_fetch(attachment.pk)
    attachment.refresh_from_db()
    assert attachment.status == "failed" and attachment.error.startswith("Gave up after 5 attempts")
    assert media.media_fetch(attachment.pk) == "skipped"


def test_an_expired_media_id_fails_at_once(graph, deliver):
    graph.script("GET", "/1001", error_answer(100, "Unsupported get request", http=400))
    deliver("image")
    attachment = Attachment.objects.get()
    assert attachment.status == "failed" and "no longer available" in attachment.error


@pytest.mark.parametrize(
    ("expected", "matches"),
    [
        (hashlib.sha256(b"x").hexdigest(), True),
        (hashlib.sha256(b"x").hexdigest().upper(), True),
        ("LQ7ocaJSp1R0a9yHF/kvGlbhzAtnT0z3wTWnH7qQBdk=", True),  # the same digest in base64
        ("0" * 64, False),
    ],
)
def test_sha256_is_accepted_as_hex_or_base64(expected, matches):
    import base64

    if expected.endswith("="):
        expected = base64.b64encode(hashlib.sha256(b"x").digest()).decode()
    assert media.sha256_matches(b"x", expected) is matches


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>document.title="pwned"</script></svg>'


def test_an_image_whose_graph_type_says_svg_is_stored_as_an_opaque_file(graph, deliver, client):
    graph.media("1001", SVG, mime_type="image/svg+xml")
    deliver("image")
    attachment = Attachment.objects.get()
    assert attachment.status == "stored", attachment.error
    assert attachment.mime_type == "application/octet-stream" and not attachment.file.name.endswith(".svg")
    client.force_login(make_user(role="lead", inboxes=[attachment.message.inbox]))
    served = client.get(f"/attachments/{attachment.pk}/")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_an_image_whose_graph_type_is_wrong_is_stored_with_the_type_of_its_bytes(graph, deliver):
    graph.media("1001", JPEG, mime_type="image/png")
    deliver("image")
    assert Attachment.objects.get().mime_type == "image/jpeg"


@pytest.mark.parametrize("filename", ["../../../etc/cron.d/factuur.pdf", "..", "fac\x00tuur\r\n.pdf", "x" * 400])
def test_a_document_named_with_a_path_or_control_characters_is_stored_under_a_plain_name(
    graph, client, wa_inbox, django_capture_on_commit_callbacks, filename
):
    graph.media("1004", b"%PDF-1.7 factuur", mime_type="application/pdf")
    body = fixture_bytes("document").replace(b'"factuur-2026-001.pdf"', json.dumps(filename).encode())
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, wa_inbox, body).status_code == 200
    attachment = Attachment.objects.get()
    assert attachment.status == "stored", attachment.error
    assert "/" not in attachment.filename and "\x00" not in attachment.filename and ".." not in attachment.filename
    assert 0 < len(attachment.filename) <= 120
    assert attachment.file.name.startswith("attachments/") and ".." not in attachment.file.name
