"""The webhook view both Meta channels use: verification handshake (GET) and events (POST).

POST: the signature over the raw bytes (`inbox.webhooks.signature_valid`), the platform's
envelope, the raw event stored in its own committed row, then processed before the answer
(`inbox.webhook_groups`). Each channel passes its kind, its envelope check and its name;
nothing else differs.
"""

import hmac
from collections.abc import Callable

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from inbox.models import Inbox
from inbox.webhook_groups import webhook_arriving, webhook_receive
from inbox.webhooks import payload_loads, signature_valid


def meta_webhook_view(*, kind: str, payload_shape_valid: Callable[[object], bool], shape_name: str):
    """A view for `/webhooks/<kind>/<key>/`; `shape_name` says what a refused body is not."""

    @csrf_exempt  # Meta cannot send a CSRF token: the HMAC signature authenticates the POST
    @require_http_methods(["GET", "POST"])
    def webhook(request, key: str):
        if request.method == "GET":
            return _verify(request, get_object_or_404(Inbox, kind=kind, public_key=key, is_active=True))
        with webhook_arriving() as arrival:
            return _receive(request, key, arrival)

    def _receive(request, key: str, arrival) -> HttpResponse:
        inbox = get_object_or_404(Inbox, kind=kind, public_key=key, is_active=True)
        if not signature_valid(
            body=request.body,
            header_value=request.headers.get("X-Hub-Signature-256", ""),
            secret=inbox.credentials.get("app_secret", ""),
        ):
            return HttpResponseForbidden("invalid signature")
        try:
            payload = payload_loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return HttpResponseBadRequest("body is not JSON")
        if not payload_shape_valid(payload):
            return HttpResponseBadRequest(f"not a {shape_name} webhook")
        # Stored in its own committed row, then processed before we answer: the message reaches
        # the agent within this request (no broker on the inbound path, so Redis being down
        # delays nothing). Deliveries arriving at the same moment are written together
        # (`webhook_groups`). A processing failure leaves the row `failed` for the re-processing
        # task and Meta still gets its 200, because we hold the event; a failure to store
        # raises, and Meta, refused, retries.
        webhook_receive(inbox=inbox, channel=kind, body=request.body, headers=request.headers, arrival=arrival)
        return HttpResponse("OK", content_type="text/plain")

    return webhook


def _verify(request, inbox: Inbox) -> HttpResponse:
    expected = inbox.credentials.get("verify_token", "")
    token = request.GET.get("hub.verify_token", "")
    if request.GET.get("hub.mode") == "subscribe" and expected and hmac.compare_digest(token, expected):
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
    return HttpResponseForbidden("verification failed")
