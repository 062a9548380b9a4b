"""WhatsApp test helpers: a real local HTTP server standing in for Meta's Graph API, fixture
payloads as raw bytes, signed webhook posts and a configured WhatsApp inbox (fixtures in conftest)."""

import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.factories import make_inbox

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "whatsapp"
PHONE_NUMBER_ID = "106540352242922"
WABA_ID = "102290129340398"
APP_SECRET = "wa-app-secret-\u00e9"  # non-ASCII on purpose: the key is UTF-8 encoded
ACCESS_TOKEN = "EAAG-test-token"
VERIFY_TOKEN = "verify-me-123"
VERSION = "/v21.0"


@dataclass
class Recorded:
    method: str
    path: str  # without the version prefix, e.g. /106540352242922/messages
    query: dict
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    json: object = None
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


class FakeGraph:
    """Answers like Meta: scripted answers per (method, path) first, then sensible defaults."""

    def __init__(self):
        self.requests: list[Recorded] = []
        self.scripted: dict[tuple[str, str], list[Answer]] = {}
        self.files: dict[str, bytes] = {}
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        self.base = ""

    def script(self, method: str, path: str, *answers: Answer) -> None:
        self.scripted.setdefault((method, path), []).extend(answers)

    def media(self, media_id: str, data: bytes, *, mime_type: str = "image/jpeg", sha256: str | None = None, size=None):
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

    def sent(self, path_suffix: str = "/messages") -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST" and r.path.endswith(path_suffix)]

    def answer(self, method: str, path: str, recorded: Recorded) -> Answer:
        with self.lock:
            queue = self.scripted.get((method, path))
            if queue:
                return queue.pop(0) if len(queue) > 1 else queue[0]
        if path.startswith("/files/"):
            data = self.files.get(path.removeprefix("/files/"))
            if data is None:
                return Answer(status=404, body=b"not found")
            if recorded.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
                return Answer(status=401, body=b"unauthorized")  # Meta refuses downloads without the token
            return Answer(body=data, headers={"Content-Type": "application/octet-stream"})
        if method == "POST" and path.endswith("/messages"):
            if b'"status": "read"' in recorded.body or b'"status":"read"' in recorded.body:
                return Answer(json={"success": True})
            to = (recorded.json or {}).get("to", "")
            wamid = f"wamid.SENT.{next(self.ids)}"
            return Answer(
                json={
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": to, "wa_id": to}],
                    "messages": [{"id": wamid, "message_status": "accepted"}],
                }
            )
        if method == "POST" and path.endswith("/media"):
            return Answer(json={"id": f"media-{next(self.ids)}"})
        return Answer(status=404, json=meta_error(100, "Unsupported get request.", http=404))


def meta_error(code: int, message: str, *, details: str = "", http: int = 400) -> dict:
    return {
        "error": {
            "message": f"(#{code}) {message}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details or message},
            "fbtrace_id": "AbCdEf123",
        }
    }


def error_answer(code: int, message: str = "error", *, http: int = 400, details: str = "") -> Answer:
    return Answer(status=http, json=meta_error(code, message, details=details, http=http))


def _handler_for(fake: FakeGraph):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            url = urlparse(self.path)
            path = url.path.removeprefix(VERSION)
            recorded = Recorded(
                method=self.command,
                path=path,
                query={k: v[0] for k, v in parse_qs(url.query).items()},
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            if not path.startswith("/files/"):
                fake.requests.append(recorded)
            answer = fake.answer(self.command, path, recorded)
            if answer.delay:
                time.sleep(answer.delay)
            payload = json.dumps(answer.json).encode() if answer.json is not None else answer.body
            self.send_response(answer.status)
            headers = {"Content-Type": "application/json"} if answer.json is not None else {}
            for name, value in {**headers, **answer.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _handle

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def graph(settings):
    fake = FakeGraph()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.META_GRAPH_URL = fake.base + VERSION
    yield fake
    server.shutdown()
    server.server_close()


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
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(client, inbox, body: bytes, *, signature: str | None = None):
    headers = {"HTTP_X_HUB_SIGNATURE_256": sign(body) if signature is None else signature}
    return client.post(inbox.webhook_path, data=body, content_type="application/json", **headers)


@pytest.fixture
def deliver(client, wa_inbox, django_capture_on_commit_callbacks):
    """Post a fixture file, signed, to the inbox's webhook URL; on-commit effects run."""

    def post(name: str):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_webhook(client, wa_inbox, fixture_bytes(name))
        assert response.status_code == 200, response.content
        return response

    return post
