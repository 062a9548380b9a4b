"""Request bodies over their route's limit are refused with 413 before they are read: through
the real ASGI application (the one uvicorn serves), whose Django handler would otherwise spool
the whole body to a temporary file before any view could look at it."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync

from webcare.asgi import application

CHUNK = 64 * 1024
GIB = 1024**3


class Body:
    """An ASGI receive callable that hands out a body in chunks and counts what was taken."""

    def __init__(self, *, total: int, chunk: int = CHUNK):
        self.total, self.chunk, self.consumed, self.messages, self.done = total, chunk, 0, 0, False

    async def __call__(self):
        if self.done:  # the client stays connected until the app has answered
            await asyncio.Event().wait()
        self.messages += 1
        size = min(self.chunk, self.total - self.consumed)
        self.consumed += size
        self.done = self.consumed >= self.total
        return {"type": "http.request", "body": b"x" * size, "more_body": self.consumed < self.total}


class Unread:
    """A receive callable for a body that must never be read."""

    messages = 0

    async def __call__(self):
        self.messages += 1
        raise AssertionError("the body was read")


def call(path: str, receive, *, method: str = "POST", headers=(), client=("192.0.2.10", 50000)) -> dict:
    sent = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost"), *headers],
        "client": client,
        "server": ("127.0.0.1", 8000),
    }
    async_to_sync(application)(scope, receive, send)
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    return {"status": start["status"], "headers": dict(start["headers"]), "body": body}


ROUTES = [
    "/webhooks/whatsapp/any-key/",
    "/accounts/login/",
    "/livechat/any-key/upload/",
    "/api/v1/conversations/1/messages/",
]


@pytest.mark.parametrize("path", ROUTES)
def test_a_declared_gigabyte_is_refused_unread(path):
    receive = Unread()

    response = call(path, receive, headers=[(b"content-length", str(GIB).encode())])

    assert response["status"] == 413
    assert receive.messages == 0
    assert response["headers"][b"connection"] == b"close"
    assert json.loads(response["body"])["error"]["code"] == "request_too_large"


def test_a_chunked_webhook_body_is_cut_off_at_the_limit(settings):
    """No Content-Length (chunked transfer): counted as it arrives, refused once past 2.5 MB."""
    body = Body(total=32 * 1024 * 1024)

    response = call("/webhooks/messenger/any-key/", body, headers=[(b"transfer-encoding", b"chunked")])

    assert response["status"] == 413
    assert settings.WEBCARE_WEBHOOK_MAX_BYTES < body.consumed <= settings.WEBCARE_WEBHOOK_MAX_BYTES + CHUNK


def test_a_chunked_upload_is_cut_off_at_the_livechat_limit(settings):
    settings.WEBCARE_LIVECHAT_UPLOAD_MAX_BYTES = 1024 * 1024
    body = Body(total=32 * 1024 * 1024)

    response = call("/livechat/any-key/upload/", body, headers=[(b"content-type", b"multipart/form-data; boundary=x")])

    assert response["status"] == 413
    assert body.consumed <= 1024 * 1024 + CHUNK


@pytest.mark.django_db(transaction=True)
def test_a_body_within_the_limit_reaches_django():
    """A small chunked POST gets Django's own answer (here the CSRF refusal), read to the end."""
    body = Body(total=3 * CHUNK)

    response = call("/accounts/login/", body)

    assert response["status"] == 403
    assert body.consumed == 3 * CHUNK


@pytest.mark.django_db(transaction=True)
def test_an_ordinary_request_is_answered():
    response = call("/healthz", Body(total=0), method="GET")

    assert response["status"] == 200
    assert json.loads(response["body"])["status"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_an_upload_route_takes_more_than_an_ordinary_page(settings):
    """A declared size that the reply route accepts is refused on any other address."""
    size = str(settings.WEBCARE_REQUEST_MAX_BYTES + 1).encode()

    assert call("/inbox/conversations/1/update/", Unread(), headers=[(b"content-length", size)])["status"] == 413
    reply = call("/inbox/conversations/1/reply/", Body(total=0), headers=[(b"content-length", size)])
    assert reply["status"] != 413  # Django's own answer: not signed in


def test_the_test_client_is_held_to_the_same_limits(client, settings):
    """Where no ASGI server is in front (WSGI, the test client) a declared size is checked too."""
    response = client.post(
        "/webhooks/whatsapp/any-key/",
        data=b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(settings.WEBCARE_WEBHOOK_MAX_BYTES + 1),
    )

    assert response.status_code == 413
