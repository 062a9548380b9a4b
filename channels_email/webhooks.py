"""Provider webhooks for hosted setups: the inbound parse of Postmark, Mailgun, SendGrid and
Amazon SES through django-anymail's inbound views, landing in the same path as IMAP.

Each inbox has its own URL (`/webhooks/email/<key>/<provider>/`) and its own secrets: the basic
auth user:password the provider is given (`inbound_webhook_secret`), and Mailgun's webhook
signing key (`mailgun_signing_key`). Anymail checks them; a request that fails is 403 with
nothing stored. Mailgun signs only its timestamp and token, not the email: a signed request
seen once (a proxy's log) could carry any email, so a Mailgun request must be fresh
(`MAILGUN_MAX_AGE_SECONDS`) and its token used once, and an inbox without a signing key takes
none. The email is stored raw (committed) before it is processed, so the provider's
retry of a request we failed to answer finds it (by Message-ID) instead of storing it twice.
Amazon SNS's subscription confirmation for the SES webhook is answered by `sns`.
"""

import json
import logging
import time

from anymail.exceptions import AnymailError
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from inbox.models import Inbox

from .models import RawEmailSource
from .services import raw_email_process, raw_email_store
from .sns import SubscriptionRefused, sns_subscription_confirm

logger = logging.getLogger(__name__)

MAILGUN_MAX_AGE_SECONDS = 15 * 60


def _views() -> dict:
    from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView
    from anymail.webhooks.mailgun import MailgunInboundWebhookView
    from anymail.webhooks.postmark import PostmarkInboundWebhookView
    from anymail.webhooks.sendgrid import SendGridInboundWebhookView

    return {
        "postmark": PostmarkInboundWebhookView,
        "mailgun": MailgunInboundWebhookView,
        "sendgrid": SendGridInboundWebhookView,
        "amazon_ses": AmazonSESInboundWebhookView,
    }


@csrf_exempt
@require_POST
def inbound_webhook(request, key: str, provider: str):
    inbox = Inbox.objects.filter(public_key=key, kind="email", is_active=True).first()
    view_class = _views().get(provider)
    if inbox is None or view_class is None:
        raise Http404
    credentials = inbox.credentials or {}
    secret = credentials.get("inbound_webhook_secret", "")
    if not secret:
        return HttpResponseForbidden("No webhook secret is set for this inbox.")
    if provider == "amazon_ses" and not request.META.get("HTTP_AUTHORIZATION"):
        # SNS sends the basic auth of its URL only after a 401 that asks for it.
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Basic realm="Webcare email inbound"'
        return response
    # SNS subscriptions are confirmed below (sns.py), not by anymail (boto3, any topic).
    options = {"webhook_secret": secret, "auto_confirm_sns_subscriptions": False}
    if provider == "mailgun":
        options["webhook_signing_key"] = credentials.get("mailgun_signing_key", "")
        if not options["webhook_signing_key"]:
            return HttpResponseForbidden("No Mailgun signing key is set for this inbox.")
    view = view_class(**options)
    try:
        view.run_validators(request)
    except SuspiciousOperation:
        return HttpResponseForbidden("Bad signature or credentials.")
    except AnymailError:
        return HttpResponse("Not a message of this provider.", status=400)
    if provider == "amazon_ses":
        sns_message = json.loads(request.body)  # the validators have read it as JSON already
        if sns_message.get("Type") == "SubscriptionConfirmation":
            try:
                sns_subscription_confirm(inbox=inbox, message=sns_message)
            except SubscriptionRefused as refused:
                logger.warning("SNS subscription for inbox %s not confirmed: %s", inbox.pk, refused)
                return HttpResponse(str(refused), status=refused.status, content_type="text/plain")
            return HttpResponse("Subscription confirmed.", content_type="text/plain")
    token_key = _mailgun_token_key(inbox, request) if provider == "mailgun" else None
    if provider == "mailgun" and (token_key is None or cache.get(token_key)):
        return HttpResponseForbidden("A stale or replayed signature.")
    try:
        events = view.parse_events(request)
    except Exception:
        logger.info("unreadable %s inbound webhook for inbox %s", provider, inbox.pk, exc_info=True)
        return HttpResponse("Not an inbound email.", status=400)
    rows = []
    for event in events:
        if getattr(event, "message", None) is None:
            continue
        row, _ = raw_email_store(inbox=inbox, raw=event.message.as_bytes(), source=RawEmailSource.WEBHOOK)
        rows.append(row)
    for row in rows:
        row.inbox = inbox
        raw_email_process(row.pk, row=row)  # a failure stays stored for the reprocessing task
    if token_key is not None:  # used once we hold the email: a retry of a failed request still works
        cache.set(token_key, 1, timeout=2 * MAILGUN_MAX_AGE_SECONDS)
    return HttpResponse()


def _mailgun_token_key(inbox, request) -> str | None:
    """The cache key of a fresh Mailgun request's token; None when its timestamp is not fresh."""
    try:
        age = abs(time.time() - int(request.POST.get("timestamp", "")))
    except ValueError:
        return None
    token = request.POST.get("token", "")
    if age > MAILGUN_MAX_AGE_SECONDS or not token:
        return None
    return f"email-mailgun-token:{inbox.pk}:{token[:100]}"
