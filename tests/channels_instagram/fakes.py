"""Instagram test helpers: the shared fake Graph API (`tests.meta_graph`) answering like the
Send API and Instagram's User Profile API (on both hosts: `Recorded.host` says which), Meta's
CDN served by the same server, fixture payloads as raw bytes, signed webhook posts and
Instagram inboxes connected through a Page and with Instagram Login."""

from pathlib import Path

import pytest

from tests.factories import make_inbox
from tests.meta_graph import Answer, FakeGraph, Recorded, error_answer, post_signed, send_body, serve
from tests.meta_graph import sign as _sign

__all__ = ["Answer", "error_answer", "send_body"]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "instagram"
ACCOUNT_ID = "17841400000000001"
PAGE_ID = "108123456789099"
IGSID = "1234567890123456"
APP_SECRET = "ig-app-secret-\u00e9"  # non-ASCII on purpose: the key is UTF-8 encoded
INSTAGRAM_APP_SECRET = "instagram-login-app-secret"
ACCESS_TOKEN = "EAAM-page-token-for-instagram"
INSTAGRAM_TOKEN = "IGAA-instagram-user-token"
VERIFY_TOKEN = "verify-instagram-42"
PAGE_MESSAGES = f"/{PAGE_ID}/messages"
ACCOUNT_MESSAGES = f"/{ACCOUNT_ID}/messages"
CDN_HOST = b"https:\\/\\/lookaside.fbsbx.com"


class InstagramGraph(FakeGraph):
    def cdn(self, path: str, data: bytes) -> None:
        """Serve `data` where a fixture's CDN URL with this path points (`ig_messaging_cdn/photo1.jpg`)."""
        self.files[path] = data

    def profile(self, igsid: str, answer: Answer) -> None:
        self.script("GET", f"/{igsid}", answer)

    def send_bodies(self) -> list[dict]:
        return [send_body(r) for r in self.sent()]


def instagram_default(fake: FakeGraph, method: str, path: str, recorded: Recorded) -> Answer | None:
    if method == "POST" and path.endswith("/messages"):
        if recorded.headers.get("content-type", "").startswith("application/json"):
            body = recorded.json
            if "sender_action" in body:
                return Answer(json={"recipient_id": body["recipient"]["id"]})
        return Answer(json={"recipient_id": IGSID, "message_id": f"m_SENT_{next(fake.ids)}"})
    if method == "POST" and path.endswith("/replies"):
        return Answer(json={"id": f"1795000000000{next(fake.ids):04d}"})
    if method == "GET" and path == f"/{IGSID}":
        return Answer(json={"name": "Sanne de Vries", "username": "sanne.dv", "id": IGSID})
    if method == "GET" and path.lstrip("/").isdigit():
        # A person who only commented gave no consent: what Meta answers then.
        return Answer(status=400, json=error_answer(230, "User consent is required to access user profile").json)
    return None


@pytest.fixture
def graph(settings):
    yield from serve(InstagramGraph(instagram_default), settings)


@pytest.fixture
def ig_inbox(db):
    return make_inbox(
        "instagram",
        name="Instagram @modehuis",
        external_id=ACCOUNT_ID,
        credentials={"access_token": ACCESS_TOKEN, "app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN},
        config={"login": "facebook", "page_id": PAGE_ID},
    )


def fixture_bytes(name: str, *, cdn: str = "") -> bytes:
    raw = (FIXTURES / f"{name}.json").read_bytes()
    if cdn:
        raw = raw.replace(CDN_HOST, cdn.replace("/", "\\/").encode() + b"\\/files")
    return raw


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return _sign(body, secret)


def post_webhook(client, inbox, body: bytes, *, signature: str | None = None, secret: str = APP_SECRET):
    return post_signed(client, inbox, body, signature=sign(body, secret) if signature is None else signature)


@pytest.fixture
def deliver(client, ig_inbox, graph, django_capture_on_commit_callbacks):
    """Post a fixture file (CDN links pointed at the fake), signed, to the inbox's webhook URL;
    on-commit effects (downloads, profile fetches) run in-process."""

    def post(name: str, *, inbox=None, secret: str = APP_SECRET, keep_urls: bool = False):
        body = fixture_bytes(name, cdn="" if keep_urls else graph.base)
        with django_capture_on_commit_callbacks(execute=True):
            response = post_webhook(client, inbox or ig_inbox, body, secret=secret)
        assert response.status_code == 200, response.content
        return response

    return post
