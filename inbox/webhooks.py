"""The raw webhook event store and the signature check every Meta channel shares.

A webhook view verifies the signature over the raw bytes, stores the body as its own
committed row (`webhook_events_store`, through `webhook_groups`), processes it and answers 200;
a failure leaves the row `failed` with the error, and `webhook_events_reprocess` (a periodic
task and the management command `reprocess_webhook_events`) tries again. Processing is
idempotent, so running an event twice changes nothing.
"""

import hashlib
import hmac
import logging
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from kernel.json_text import json_loads

from . import channel_registry
from .models import Inbox, UnroutedWebhookEntry, WebhookEvent, WebhookEventStatus

logger = logging.getLogger(__name__)

# Headers worth keeping with a raw event (never auth headers or cookies).
KEPT_HEADERS = ("content-type", "user-agent", "x-hub-signature-256", "x-forwarded-for")
REPROCESS_MAX_ATTEMPTS = 10


def signature_valid(*, body: bytes, header_value: str, secret: str) -> bool:
    """`X-Hub-Signature-256: sha256=<hex>`: HMAC-SHA256 of the raw body with the app secret.

    Always over the bytes as received: Meta signs its escaped serialization, which
    re-serialized JSON would not reproduce. Constant-time comparison."""
    if not secret or not header_value or not header_value.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header_value.removeprefix("sha256=").strip().lower())


def webhook_event_store(*, inbox: Inbox | None, channel: str, body: bytes, headers: dict) -> WebhookEvent:
    """Store one raw body, to be processed later (no attempt counted yet)."""
    delivery = {"inbox": inbox, "channel": channel, "body": body, "headers": headers}
    return webhook_events_store([delivery], attempts=0)[0]


def webhook_events_store(deliveries: list[dict], *, attempts: int = 1, unrouted: list[dict] = ()) -> list[WebhookEvent]:
    """Store raw bodies (`inbox`, `channel`, `body`, `headers` each) in one committed
    transaction, before any processing, each as its own row. `attempts=1`: the caller processes
    them right away (`webhook_events_process`), so that first attempt is counted in this write.
    `unrouted`: the entries no inbox takes (`webhook_routing`), kept in the same transaction (a
    redelivered entry is already there and is not stored twice)."""
    received_at = timezone.now()
    events = [
        WebhookEvent(
            inbox=delivery["inbox"],
            channel=delivery["channel"],
            body=delivery["body"].decode("utf-8", errors="replace"),
            headers=_headers_kept(delivery["headers"]),
            received_at=received_at,
            attempts=attempts,
        )
        for delivery in deliveries
    ]
    with transaction.atomic():
        if unrouted:
            UnroutedWebhookEntry.objects.bulk_create(
                [UnroutedWebhookEntry(**row) for row in unrouted], ignore_conflicts=True
            )
        if connection.features.can_return_rows_from_bulk_insert:
            return WebhookEvent.objects.bulk_create(events)
        for event in events:
            event.save(force_insert=True)
    return events


def webhook_events_process(events: list[WebhookEvent]) -> None:
    """Process events `webhook_events_store` just stored. Those of one inbox go to the channel
    together, in one transaction, as if they were one webhook: concurrent single-message
    webhooks then cost what one batch does. If that fails, each is processed on its own, so
    one bad event cannot hold back the others; a failure is recorded on its row as always."""
    runs: dict[tuple, list[WebhookEvent]] = {}
    for event in events:
        runs.setdefault((event.channel, event.inbox_id), []).append(event)
    for run in runs.values():
        processor = channel_registry.get(run[0].channel).process_webhook_events
        if len(run) > 1 and processor is not None:
            try:
                with transaction.atomic():
                    _processed_mark(run, processor(run))
                continue
            except Exception:
                logger.warning("%d webhook events failed together; processing them one by one", len(run), exc_info=True)
        for event in run:
            try:
                webhook_event_process(event.pk, stored=event)
            except Exception:  # recording the failure failed too (database gone): the row stays unprocessed
                logger.exception("processing webhook event %s failed; it stays stored", event.pk)


def _processed_mark(events: list[WebhookEvent], platform_errors: list[list]) -> None:
    processed_at = timezone.now()
    clean = [event.pk for event, errors in zip(events, platform_errors, strict=True) if not errors]
    done = {"status": WebhookEventStatus.PROCESSED, "processed_at": processed_at, "error": ""}
    WebhookEvent.objects.filter(pk__in=clean).update(**done, platform_errors=[])
    for event, errors in zip(events, platform_errors, strict=True):
        if errors:
            WebhookEvent.objects.filter(pk=event.pk).update(**done, platform_errors=errors)


def _headers_kept(headers) -> dict:
    return {name: value for name, value in ((k.lower(), v) for k, v in headers.items()) if name in KEPT_HEADERS}


def webhook_event_process(event_id: int, *, stored: WebhookEvent | None = None) -> str:
    """Run the channel's processor on a stored event; record the outcome on the row.

    `stored`: an event `webhook_events_store` just returned with its attempt already counted;
    it saves reading the row back and counting (two round trips of a webhook request that does
    a dozen)."""
    if stored is not None:
        event = stored
    else:
        event = WebhookEvent.objects.select_related("inbox").get(pk=event_id)
        if event.status == WebhookEventStatus.PROCESSED:
            return "already processed"
        WebhookEvent.objects.filter(pk=event.pk).update(attempts=F("attempts") + 1)
    try:
        processor = channel_registry.get(event.channel).process_webhook_event
        if processor is None:
            raise RuntimeError(f"No webhook processor registered for {event.channel}.")
        # One transaction for the whole event: everything in it (a batch of up to 1,000
        # messages and statuses) commits together with the "processed" mark, or nothing does
        # and the event stays for the re-processing task. One commit per event instead of one
        # per message is also what makes batches fast. Each message still has its own
        # savepoint, so a redelivered one (unique constraint) costs nothing else.
        with transaction.atomic():
            # A processor may return the errors the platform reported inside the event (not
            # messages, not our failure): they are kept on the raw event for whoever looks.
            _processed_mark([event], [processor(event) or []])
    except Exception as error:
        logger.exception("webhook event %s failed", event.pk)
        WebhookEvent.objects.filter(pk=event.pk).update(
            status=WebhookEventStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        return "failed"
    return "processed"


def webhook_events_reprocess(*, older_than_seconds: int = 30, limit: int = 1000) -> dict:
    """Process again what failed or was never processed (the process died after storing)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        WebhookEvent.objects.exclude(status=WebhookEventStatus.PROCESSED)
        .filter(received_at__lt=cutoff, attempts__lt=REPROCESS_MAX_ATTEMPTS)
        .order_by("received_at")
        .values_list("id", flat=True)[:limit]
    )
    outcomes: dict[str, int] = {}
    for event_id in ids:
        outcome = webhook_event_process(event_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return {"events": len(ids), **outcomes}


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def payload_loads(body: bytes):
    """A webhook body as JSON, strictly: NaN and Infinity are refused (not JSON, and no database
    column takes them), and NUL characters are dropped from every string (PostgreSQL text cannot
    hold them). Raises ValueError or UnicodeDecodeError for anything that is not JSON, or that
    nests deeper than any platform's payload (`kernel.json_text.MAX_DEPTH`)."""
    return _without_nul(json_loads(body, parse_constant=_no_constant))


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    return value
