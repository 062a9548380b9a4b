"""The largest request body each address accepts, enforced before the body is read.

Django's ASGI handler reads a whole body into a temporary file before any Django middleware or
view runs, so a limit checked in a view comes after the disk is already full. `BodyLimit` wraps
the ASGI application instead: a declared Content-Length over the route's limit is answered 413
at once, unread; a body without one (chunked) is counted as it arrives and cut off with 413 the
moment it passes the limit, so Django never holds more than the limit. `BodyLimitMiddleware`
applies the same table to a declared Content-Length under WSGI and Django's test client.
"""

import json
import re

from django.conf import settings
from django.http import JsonResponse

MB = 1024 * 1024


def body_limit_for(path: str) -> int:
    """Bytes the body of a request to `path` may have (multipart overhead included)."""
    for pattern, setting in _ROUTES:
        if pattern.match(path):
            return int(getattr(settings, setting))
    return int(settings.WEBCARE_REQUEST_MAX_BYTES)


# Path patterns and the setting of their limit; anything else gets WEBCARE_REQUEST_MAX_BYTES.
_ROUTES = [
    (re.compile(r"^/webhooks/email/"), "WEBCARE_EMAIL_WEBHOOK_MAX_BYTES"),
    (re.compile(r"^/webhooks/"), "WEBCARE_WEBHOOK_MAX_BYTES"),
    (re.compile(r"^/livechat/[^/]+/upload/$"), "WEBCARE_LIVECHAT_UPLOAD_MAX_BYTES"),
    (re.compile(r"^/inbox/conversations/\d+/reply/$"), "WEBCARE_REPLY_UPLOAD_MAX_BYTES"),
    (re.compile(r"^/api/v1/conversations/\d+/messages/$"), "WEBCARE_REPLY_UPLOAD_MAX_BYTES"),
    (re.compile(r"^/contacts/import/$"), "WEBCARE_IMPORT_UPLOAD_MAX_BYTES"),
]


def _too_large_body(limit: int) -> dict:
    size = f"{limit / MB:.1f} MB" if limit >= MB else f"{limit // 1024} KB"
    return {"error": {"code": "request_too_large", "detail": f"The request body is larger than {size}."}}


class BodyLimit:
    """ASGI middleware: refuse an HTTP request body over its route's limit with 413, reading at
    most the limit (plus one message) of it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = body_limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            return await _send_too_large(send, limit)

        received = 0
        cut_off = False
        response_started = False

        async def limited_receive():
            nonlocal received, cut_off
            if cut_off:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Django treats a disconnect while reading as an aborted request and
                    # answers nothing: the 413 below is the only answer.
                    cut_off = True
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message):
            nonlocal response_started
            if cut_off and not response_started:
                return  # the app may not answer a body it never got whole
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        await self.app(scope, limited_receive, tracked_send)
        if cut_off and not response_started:
            await _send_too_large(send, limit)


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            return int(value) if value.strip().isdigit() else None
    return None


async def _send_too_large(send, limit: int) -> None:
    body = json.dumps(_too_large_body(limit)).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        # The rest of the body may still be on its way: do not read it for a next request.
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """The same limits for a declared Content-Length where no ASGI server is in front (WSGI,
    Django's test client). Under ASGI, `BodyLimit` has refused such a request already."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or ""
        limit = body_limit_for(request.path)
        if declared.isdigit() and int(declared) > limit:
            return JsonResponse(_too_large_body(limit), status=413)
        return self.get_response(request)
