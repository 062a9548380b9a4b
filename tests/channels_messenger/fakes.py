"""Messenger test helpers: the shared fake Graph API (`tests.meta_graph`) answering like the
Send API and the User Profile API, Meta's CDN served by the same server, fixture payloads as
raw bytes, signed webhook posts and a configured Messenger inbox (fixtures in conftest)."""

from pathlib import Path

import pytest

from tests.factories import make_inbox
from tests.meta_graph import Answer, FakeGraph, Recorded, error_answer, post_signed, send_body, serve
from tests.meta_graph import sign as _sign

__all__ = ["Answer", "error_answer", "send_body"]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "messenger"
PAGE_ID = "108123456789012"
PSID = "6512345678901234"
PSID2 = "7298765432109876"
APP_SECRET = "msgr-app-secret-\u00e9"  # non-ASCII on purpose: the key is UTF-8 encoded
ACCESS_TOKEN = "EAAM-page-token"
VERIFY_TOKEN = "verify-messenger-42"
MESSAGES = f"/{PAGE_ID}/messages"
# Meta's CDN hosts in the fixtures (escaped as Meta escapes them), served by the fake instead.
CDN_HOSTS = (b"https:\\/\\/scontent.xx.fbcdn.net", b"https:\\/\\/cdn.fbsbx.com")


class MessengerGraph(FakeGraph):
    def cdn(self, path: str, data: bytes, *, content_type: str = "") -> None:
        """Serve `data` where a fixture's CDN URL with this path points (e.g. `v/t1.15752-9/photo1.jpg`),
        with `content_type` as the CDN's Content-Type when given."""
        self.files[path] = data
        if content_type:
            self.file_types[path] = content_type

    def profile(self, psid: str, answer: Answer) -> None:
        self.script("GET", f"/{psid}", answer)

    def requests_without_profile(self) -> list[Recorded]:
        """API calls other than the profile lookup every new customer causes."""
        return [r for r in self.requests if not (r.method == "GET" and r.path.lstrip("/").isdigit())]

    def send_bodies(self) -> list[dict]:
        """Every Send API request as a dict (multipart fields decoded: recipient, message...)."""
        return [send_body(r) for r in self.sent()]


def messenger_default(fake: FakeGraph, method: str, path: str, recorded: Recorded) -> Answer | None:
    if method == "POST" and path == MESSAGES:
        if recorded.headers.get("content-type", "").startswith("application/json"):
            body = recorded.json
            if "sender_action" in body:
                return Answer(json={"recipient_id": body["recipient"]["id"]})
        return Answer(json={"recipient_id": PSID, "message_id": f"m_SENT_{next(fake.ids)}"})
    if method == "GET" and path.lstrip("/").isdigit():
        # No "Business Asset User Profile Access" by default: what Meta answers then.
        return Answer(status=400, json=error_answer(230, "Requires pages_messaging permission").json)
    return None


@pytest.fixture
def graph(settings):
    yield from serve(MessengerGraph(messenger_default), settings)


@pytest.fixture
def page_inbox(db):
    return make_inbox(
        "messenger",
        name="Facebook-pagina",
        external_id=PAGE_ID,
        credentials={"access_token": ACCESS_TOKEN, "app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN},
    )


def fixture_bytes(name: str, *, cdn: str = "") -> bytes:
    raw = (FIXTURES / f"{name}.json").read_bytes()
    if cdn:
        escaped = cdn.replace("/", "\\/").encode() + b"\\/files"
        for host in CDN_HOSTS:
            raw = raw.replace(host, escaped)
    return raw


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return _sign(body, secret)


def post_webhook(client, inbox, body: bytes, *, signature: str | None = None):
    return post_signed(client, inbox, body, signature=sign(body) if signature is None else signature)


@pytest.fixture
def deliver(client, page_inbox, graph, django_capture_on_commit_callbacks):
    """Post a fixture file (CDN links pointed at the fake), signed, to the inbox's webhook URL;
    on-commit effects (downloads, profile fetches) run in-process."""

    def post(name: str, *, replace: dict | None = None):
        body = fixture_bytes(name, cdn=graph.base)
        for old, new in (replace or {}).items():
            body = body.replace(old.encode(), new.encode())
        with django_capture_on_commit_callbacks(execute=True):
            response = post_webhook(client, page_inbox, body)
        assert response.status_code == 200, response.content
        return response

    return post
