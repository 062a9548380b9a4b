"""Delivering outbox messages through their channel's Sender, at least once, never in a
transaction, and never twice within our control.

A delivery first claims the message with a conditional UPDATE (pending, not claimed or the
claim expired, due); only the claimant calls the platform. A worker that dies mid-send leaves
an expired claim, and the sweeper hands the message out again: that resend is the one window
where a platform may receive a message twice (we cannot know whether it accepted the first).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from kernel import realtime

from . import channel_registry
from .channel_registry import PermanentSendError, RetryableSendError
from .ingest import parked_statuses_apply
from .models import DeliveryStatus, Direction, Message

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 5
BACKOFF_MAX_SECONDS = 15 * 60


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff: 5 s, 10 s, 20 s ... capped at 15 minutes."""
    return min(BACKOFF_BASE_SECONDS * 2 ** max(attempt - 1, 0), BACKOFF_MAX_SECONDS)


def _deliverable(now):
    return Message.objects.filter(status=DeliveryStatus.PENDING, direction=Direction.OUT, private=False).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
    )


def message_claim(message_id: int) -> bool:
    now = timezone.now()
    lease = now + timedelta(seconds=settings.WEBCARE_OUTBOX_LEASE_SECONDS)
    return bool(_deliverable(now).filter(pk=message_id).update(claimed_until=lease, attempts=F("attempts") + 1))


def message_deliver(message_id: int) -> str:
    """Send one pending message. Returns what happened: sent / retry / failed / skipped.
    On `retry` the caller schedules the next attempt at `next_attempt_at`."""
    if not message_claim(message_id):
        return "skipped"
    message = Message.objects.select_related("conversation__inbox", "conversation__identity").get(pk=message_id)
    try:
        channel = channel_registry.for_inbox(message.conversation.inbox)
        result = channel.send(message)
    except RetryableSendError as error:
        return _attempt_failed(message, error)
    except PermanentSendError as error:
        _message_failed(message, reason=error.reason, code=error.code)
        return "failed"
    except Exception as error:  # a Sender bug: retry a bounded number of times, then fail
        logger.exception("sender crashed for message %s", message_id)
        return _attempt_failed(message, RetryableSendError(f"Unexpected error: {type(error).__name__}"))
    _message_sent(message, external_id=result.external_id, status=result.status)
    if result.recipient_id and message.content.get("private_reply_to"):
        from .public import private_reply_recipient_link  # public imports the ingest this module uses

        try:
            private_reply_recipient_link(message_id=message.pk, recipient_id=result.recipient_id)
        except Exception:  # the reply went out: a failed link must not make it look unsent
            logger.exception("private reply %s: recipient %s not linked", message.pk, result.recipient_id)
    return "sent"


def _message_sent(message: Message, *, external_id: str | None, status: str) -> None:
    with transaction.atomic():
        Message.objects.filter(pk=message.pk, status=DeliveryStatus.PENDING).update(
            status=status,
            status_at=timezone.now(),
            external_id=external_id,
            claimed_until=None,
            next_attempt_at=None,
            error="",
            error_code="",
            updated_at=timezone.now(),
        )
        message.external_id = external_id
        _publish_status(message, status)
    parked_statuses_apply(message)


def _attempt_failed(message: Message, error: RetryableSendError) -> str:
    message.refresh_from_db(fields=["attempts"])
    if message.attempts >= settings.WEBCARE_OUTBOX_MAX_ATTEMPTS:
        _message_failed(message, reason=f"Gave up after {message.attempts} attempts: {error.reason}", code=error.code)
        return "failed"
    delay = error.retry_after if error.retry_after is not None else backoff_seconds(message.attempts)
    Message.objects.filter(pk=message.pk, status=DeliveryStatus.PENDING).update(
        claimed_until=None,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        error=error.reason,
        error_code=error.code,
        updated_at=timezone.now(),
    )
    logger.info("message %s: retry in %.0fs (%s)", message.pk, delay, error.reason)
    return "retry"


def _message_failed(message: Message, *, reason: str, code: str) -> None:
    with transaction.atomic():
        Message.objects.filter(pk=message.pk, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.FAILED,
            status_at=timezone.now(),
            error=reason,
            error_code=code,
            claimed_until=None,
            next_attempt_at=None,
            updated_at=timezone.now(),
        )
        _publish_status(message, DeliveryStatus.FAILED)
    logger.warning("message %s failed permanently: %s", message.pk, reason)


def _publish_status(message: Message, status: str) -> None:
    realtime.conversation_publish(
        inbox_id=message.inbox_id,
        conversation_id=message.conversation_id,
        event="message_status_changed",
        message_id=message.pk,
        status=status,
    )


def outbox_due(*, older_than_seconds: int = 10, limit: int = 500) -> list[int]:
    """Ids of pending messages that nobody is sending now and that are due: the sweeper's
    work list. Fresh messages are left to the task their commit enqueued."""
    now = timezone.now()
    fresh = now - timedelta(seconds=older_than_seconds)
    return list(
        _deliverable(now)
        .filter(Q(next_attempt_at__isnull=False) | Q(created_at__lt=fresh))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
