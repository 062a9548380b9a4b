"""The webhook views both Meta channels use: verification handshake (GET) and events (POST).

Two kinds of callback URL, with the same checks:
- an inbox's own URL, `/webhooks/<kind>/<inbox key>/` (`meta_webhook_view`), verified with the
  inbox's app secret and verify token;
- a Meta app's URL, `/webhooks/meta/<app key>/` (`app_webhook`): the one URL of the app's
  dashboard for all its Pages and numbers, verified with the app's secret and verify token; the
  body's `object` says the channel.

POST: the signature over the raw bytes (`inbox.webhooks.signature_valid`), the platform's
envelope, then each entry routed to the inbox of its Page id / phone number id among the
inboxes whose app secret verifies the body, entries for no inbox kept
(`inbox.webhook_routing`); the raw body stored per inbox in committed rows and processed before
the answer (`inbox.webhook_groups`).
"""

import hmac
from collections.abc import Callable

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from inbox import channel_registry
from inbox.models import Inbox
from inbox.webhook_groups import webhook_arriving, webhook_receive
from inbox.webhook_routing import webhook_route
from inbox.webhooks import payload_loads, signature_valid

from .meta_apps import meta_app_verified
from .models import MetaApp

SIGNATURE_HEADER = "X-Hub-Signature-256"


def meta_webhook_view(*, kind: str, payload_shape_valid: Callable[[object], bool], shape_name: str):
    """A view for `/webhooks/<kind>/<key>/`; `shape_name` says what a refused body is not."""

    @csrf_exempt  # Meta cannot send a CSRF token: the HMAC signature authenticates the POST
    @require_http_methods(["GET", "POST"])
    def webhook(request, key: str):
        if request.method == "GET":
            inbox = get_object_or_404(Inbox, kind=kind, public_key=key, is_active=True)
            if not _handshake_valid(request, inbox.credentials.get("verify_token", "")):
                return HttpResponseForbidden("verification failed")
            Inbox.objects.filter(pk=inbox.pk).update(webhook_verified_at=timezone.now())
            return _challenge(request)
        with webhook_arriving() as arrival:
            return _receive(request, key, arrival)

    def _receive(request, key: str, arrival) -> HttpResponse:
        inbox = get_object_or_404(Inbox, kind=kind, public_key=key, is_active=True)
        secret = inbox.credentials.get("app_secret", "")
        if not _signed_with(request, secret):
            return HttpResponseForbidden("invalid signature")
        try:
            payload = payload_loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return HttpResponseBadRequest("body is not JSON")
        if not payload_shape_valid(payload):
            return HttpResponseBadRequest(f"not a {shape_name} webhook")
        return _store(request, kind=kind, payload=payload, secret=secret, via_inbox=inbox, arrival=arrival)

    return webhook


@csrf_exempt  # Meta cannot send a CSRF token: the HMAC signature authenticates the POST
@require_http_methods(["GET", "POST"])
def app_webhook(request, key: str):
    """`/webhooks/meta/<app key>/`: one Meta app's events for all its Pages and numbers."""
    if request.method == "GET":
        app = get_object_or_404(MetaApp, public_key=key, is_active=True)
        if not _handshake_valid(request, app.credentials.get("verify_token", "")):
            return HttpResponseForbidden("verification failed")
        meta_app_verified(app)
        return _challenge(request)
    with webhook_arriving() as arrival:
        app = get_object_or_404(MetaApp, public_key=key, is_active=True)
        secret = app.credentials.get("app_secret", "")
        if not _signed_with(request, secret):
            return HttpResponseForbidden("invalid signature")
        try:
            payload = payload_loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return HttpResponseBadRequest("body is not JSON")
        if not _envelope_valid(payload):
            return HttpResponseBadRequest("not a Meta webhook")
        channel = channel_registry.for_webhook_object(payload["object"])
        # An object no channel takes (an Instagram subscription on the same app, say) is
        # signed and Meta's: its entries are kept, not refused, so nothing verified is lost.
        kind = channel.kind if channel is not None else ""
        return _store(request, kind=kind, payload=payload, secret=secret, via_app=app.public_key, arrival=arrival)


def _signed_with(request, secret: str) -> bool:
    return signature_valid(body=request.body, header_value=request.headers.get(SIGNATURE_HEADER, ""), secret=secret)


def _envelope_valid(payload) -> bool:
    return (
        isinstance(payload, dict) and isinstance(payload.get("object"), str) and isinstance(payload.get("entry"), list)
    )


def _store(request, *, kind: str, payload: dict, secret: str, arrival, via_inbox=None, via_app: str = ""):
    routing = webhook_route(
        kind=kind,
        payload=payload,
        body=request.body,
        signature=request.headers.get(SIGNATURE_HEADER, ""),
        secret=secret,
        via_inbox=via_inbox,
        via_app=via_app,
    )
    # Stored in committed rows (one per inbox, plus the entries no inbox takes, in one
    # transaction), then processed before we answer: the message reaches the agent within this
    # request (no broker on the inbound path, so Redis being down delays nothing). Deliveries
    # arriving at the same moment are written together (`webhook_groups`). A processing failure
    # leaves the row `failed` for the re-processing task and Meta still gets its 200, because we
    # hold the event; a failure to store raises, and Meta, refused, retries.
    webhook_receive(
        inboxes=routing.inboxes,
        unrouted=routing.unrouted,
        channel=kind,
        body=request.body,
        headers=request.headers,
        arrival=arrival,
    )
    return HttpResponse("OK", content_type="text/plain")


def _handshake_valid(request, expected: str) -> bool:
    token = request.GET.get("hub.verify_token", "")
    return (
        request.GET.get("hub.mode") == "subscribe"
        and bool(expected)
        and hmac.compare_digest(token.encode(), expected.encode())
    )


def _challenge(request) -> HttpResponse:
    return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
