"""A real local HTTP server standing in for Meta's Graph API, shared by the WhatsApp and
Messenger tests: it records every request, answers scripted answers per (method, path) first,
then the platform's defaults (a function each channel's fakes give), and serves files under
`/files/<name>` (with `file_token` set, only to requests carrying it, as WhatsApp's media URLs)."""

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

VERSION = "/v21.0"
# INSTAGRAM_GRAPH_URL points at the same fake under this prefix, so a test sees which host a
# request went to (`Recorded.host`).
INSTAGRAM_PREFIX = "/graph.instagram.com"


@dataclass
class Recorded:
    method: str
    path: str  # without the version prefix, e.g. /106540352242922/messages
    query: dict
    headers: dict
    body: bytes
    host: str = "facebook"  # "instagram": sent to INSTAGRAM_GRAPH_URL (Instagram Login accounts)

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
    """Answers like Meta: scripted answers per (method, path) first, then the platform's defaults."""

    def __init__(self, default: "Callable[[FakeGraph, str, str, Recorded], Answer | None]", *, file_token=None):
        self.requests: list[Recorded] = []
        self.downloads: list[Recorded] = []
        self.scripted: dict[tuple[str, str], list[Answer]] = {}
        self.files: dict[str, bytes] = {}
        self.file_types: dict[str, str] = {}  # the Content-Type a file is served with (default: bytes)
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        self.base = ""
        self.default = default
        self.file_token = file_token

    def script(self, method: str, path: str, *answers: Answer) -> None:
        self.scripted.setdefault((method, path), []).extend(answers)

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
            if self.file_token and recorded.headers.get("authorization") != f"Bearer {self.file_token}":
                return Answer(status=401, body=b"unauthorized")  # WhatsApp refuses downloads without the token
            content_type = self.file_types.get(path.removeprefix("/files/"), "application/octet-stream")
            return Answer(body=data, headers={"Content-Type": content_type})
        answer = self.default(self, method, path, recorded)
        if answer is not None:
            return answer
        return Answer(status=404, json=meta_error(100, "Unsupported get request.", http=404))


def send_body(recorded: Recorded) -> dict:
    """A Send API request as a dict (multipart fields decoded: recipient, message, filedata)."""
    if recorded.headers.get("content-type", "").startswith("application/json"):
        return recorded.json
    fields, body = {}, recorded.body
    boundary = recorded.headers["content-type"].split("boundary=")[1].encode()
    for part in body.split(b"--" + boundary)[1:-1]:
        head, _, value = part.partition(b"\r\n\r\n")
        name = head.split(b'name="')[1].split(b'"')[0].decode()
        value = value.removesuffix(b"\r\n")
        if b"filename=" in head:
            fields[name] = {"filename": head.split(b'filename="')[1].split(b'"')[0].decode(), "data": value}
        else:
            text = value.decode()
            fields[name] = json.loads(text) if text.startswith("{") else text
    return fields


def meta_error(code: int, message: str, *, details: str = "", http: int = 400, subcode: int | None = None) -> dict:
    error = {
        "message": f"(#{code}) {message}",
        "type": "OAuthException",
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details or message},
        "fbtrace_id": "AbCdEf123",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


def error_answer(code: int, message: str = "error", *, http: int = 400, details: str = "", subcode=None) -> Answer:
    return Answer(status=http, json=meta_error(code, message, details=details, http=http, subcode=subcode))


def _handler_for(fake: FakeGraph):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            url = urlparse(self.path)
            path, host = url.path, "facebook"
            if path.startswith(INSTAGRAM_PREFIX):
                path, host = path.removeprefix(INSTAGRAM_PREFIX), "instagram"
            path = path.removeprefix(VERSION)
            recorded = Recorded(
                host=host,
                method=self.command,
                path=path,
                query={k: v[0] for k, v in parse_qs(url.query).items()},
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            # File downloads are kept apart: `requests` holds the API calls.
            (fake.downloads if path.startswith("/files/") else fake.requests).append(recorded)
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

        do_GET = do_POST = do_DELETE = _handle

        def log_message(self, *args):
            pass

    return Handler


def serve(fake: FakeGraph, settings):
    """Run `fake` on a free local port and point META_GRAPH_URL at it (a fixture's body)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.META_GRAPH_URL = fake.base + VERSION
    settings.INSTAGRAM_GRAPH_URL = fake.base + INSTAGRAM_PREFIX + VERSION
    # The fake stands in for Meta's CDN too: trust its exact origin (and no other local one).
    settings.META_MEDIA_HOSTS = [*getattr(settings, "META_MEDIA_HOSTS", ()), fake.base]
    yield fake
    server.shutdown()
    server.server_close()


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_signed(client, inbox, body: bytes, *, signature: str):
    return client.post(
        inbox.webhook_path, data=body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature
    )
