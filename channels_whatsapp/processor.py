"""Processing a stored WhatsApp webhook event: parse it, hand each item to the inbox.

Runs through `inbox.webhooks.webhook_event_process`, which records success or failure on the
stored row. Every step is idempotent (message ids, monotonic statuses, timestamped
reactions), so a redelivered or re-processed event changes nothing.
"""

import logging
from dataclasses import asdict, replace

from crm.services import IdChange, identity_external_id_change
from inbox.ingest import messages_ingest, reaction_ingest, status_update_apply
from inbox.normalized import InboundMessage, StatusUpdate, inbound_runs
from inbox.webhooks import payload_loads
from kernel.tasks import enqueue_on_commit

from .parser import IdentityChange, PlatformError, Reaction, payload_parse

logger = logging.getLogger(__name__)


def webhook_event_handle(event) -> list[dict]:
    """Apply one stored event; returns the platform errors it reported (kept on the row)."""
    return webhook_events_handle([event])[0]


def webhook_events_handle(events) -> list[list[dict]]:
    """Apply stored events of one inbox, in the order they came, as if they were one webhook
    (concurrent single-message webhooks are grouped: `inbox.webhook_groups`). Returns the
    platform errors each event reported."""
    inbox = events[0].inbox
    errors_per_event: list[list[dict]] = [[] for _ in events]
    pairs = (
        (index, item)
        for index, event in enumerate(events)
        for item in payload_parse(payload_loads(event.body), phone_number_id=inbox.external_id)
    )
    for index, item in inbound_runs(pairs):
        if index is None:
            _messages(inbox, item)
        elif isinstance(item, StatusUpdate):
            status_update_apply(inbox=inbox, update=item)
        elif isinstance(item, Reaction):
            reaction_ingest(
                inbox=inbox, target_external_id=item.target_external_id, emoji=item.emoji, timestamp=item.timestamp
            )
        elif isinstance(item, IdentityChange):
            _identity_change(inbox, item)
        elif isinstance(item, PlatformError):
            errors_per_event[index].append({k: v for k, v in asdict(item).items() if k != "raw"} | {"raw": item.raw})
    return errors_per_event


def _identity_change(inbox, change: IdentityChange) -> None:
    """Move the identity to its new id, then show the notice in its conversation. A customer
    who never wrote to this inbox is not its to change, and the notice is not shown either: it
    would open a conversation here with another inbox's customer (the raw event stays stored)."""

    def move() -> IdChange:
        return identity_external_id_change(
            inbox_id=inbox.pk,
            channel="whatsapp",
            old_external_id=change.old_external_id,
            new_external_id=change.new_external_id,
            phone=change.new_phone,
        )

    outcome = move()
    if outcome == IdChange.FOREIGN:
        logger.warning("inbox %s: number change for a customer it never spoke with, ignored", inbox.pk)
        return
    message = change.message
    if outcome == IdChange.CHANGED:
        sender = replace(message.sender, external_id=change.new_external_id, phone=change.new_phone)
        message = replace(message, sender=sender)
    _messages(inbox, [message])
    if outcome == IdChange.UNKNOWN:
        move()  # first seen through this notice: the identity now exists here, and follows


def _messages(inbox, inbounds: list[InboundMessage]) -> None:
    if not inbounds:
        return
    for inbound, result in zip(inbounds, messages_ingest(inbox=inbox, inbounds=inbounds), strict=True):
        if result.created and inbound.attachments:
            # Media ids expire after 7 days and URLs after minutes: fetch right away, in a task.
            from .tasks import media_download_task

            for attachment_id in result.message.attachments.values_list("id", flat=True):
                enqueue_on_commit(media_download_task, attachment_id)
