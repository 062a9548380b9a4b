"""WhatsApp test helpers: the shared fake Graph API (`tests.meta_graph`) with WhatsApp's
answers, fixture payloads as raw bytes, signed webhook posts and a configured WhatsApp inbox
(fixtures in conftest)."""

import hashlib
from pathlib import Path

import pytest

from tests.factories import make_inbox
from tests.meta_graph import Answer, FakeGraph, Recorded, error_answer, meta_error, post_signed, serve
from tests.meta_graph import sign as _sign

__all__ = ["Answer", "error_answer", "meta_error"]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "whatsapp"
PHONE_NUMBER_ID = "106540352242922"
WABA_ID = "102290129340398"
APP_SECRET = "wa-app-secret-\u00e9"  # non-ASCII on purpose: the key is UTF-8 encoded
ACCESS_TOKEN = "EAAG-test-token"
VERIFY_TOKEN = "verify-me-123"


class WhatsappGraph(FakeGraph):
    def media(self, media_id: str, data: bytes, *, mime_type="image/jpeg", sha256=None, size=None):
        """Make a media id resolvable: GET /{id} -> URL on this server -> the bytes."""
        self.files[media_id] = data
        digest = sha256 if sha256 is not None else hashlib.sha256(data).hexdigest()
        self.script(
            "GET",
            f"/{media_id}",
            Answer(
                json={
                    "messaging_product": "whatsapp",
                    "url": f"{self.base}/files/{media_id}",
                    "mime_type": mime_type,
                    "sha256": digest,
                    "file_size": len(data) if size is None else size,
                    "id": media_id,
                }
            ),
        )


def whatsapp_default(fake: FakeGraph, method: str, path: str, recorded: Recorded) -> Answer | None:
    if method == "POST" and path.endswith("/messages"):
        if b'"status": "read"' in recorded.body or b'"status":"read"' in recorded.body:
            return Answer(json={"success": True})
        to = (recorded.json or {}).get("to", "")
        wamid = f"wamid.SENT.{next(fake.ids)}"
        return Answer(
            json={
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": wamid, "message_status": "accepted"}],
            }
        )
    if method == "POST" and path.endswith("/media"):
        return Answer(json={"id": f"media-{next(fake.ids)}"})
    return None


@pytest.fixture
def graph(settings):
    yield from serve(WhatsappGraph(whatsapp_default, file_token=ACCESS_TOKEN), settings)


@pytest.fixture
def wa_inbox(db):
    return make_inbox(
        "whatsapp",
        name="Klantenservice",
        external_id=PHONE_NUMBER_ID,
        credentials={"access_token": ACCESS_TOKEN, "app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN},
        config={"waba_id": WABA_ID},
    )


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return _sign(body, secret)


def post_webhook(client, inbox, body: bytes, *, signature: str | None = None):
    return post_signed(client, inbox, body, signature=sign(body) if signature is None else signature)


@pytest.fixture
def deliver(client, wa_inbox, django_capture_on_commit_callbacks):
    """Post a fixture file, signed, to the inbox's webhook URL; on-commit effects run."""

    def post(name: str):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_webhook(client, wa_inbox, fixture_bytes(name))
        assert response.status_code == 200, response.content
        return response

    return post
