"""Processing a stored Messenger webhook event: parse it, hand each item to the inbox.

Runs through `inbox.webhooks.webhook_event_process`, which records success or failure on the
stored row. Every step is idempotent (message ids, echoes matched by id, monotonic
watermarks, timestamped reactions), so a redelivered or re-processed event changes nothing.
"""

import logging

from inbox.ingest import echo_ingest, messages_ingest, reaction_ingest, status_watermark_apply
from inbox.normalized import InboundMessage, OutboundEcho, Reaction, StatusWatermark, inbound_runs
from inbox.webhooks import payload_loads
from kernel.tasks import enqueue_on_commit

from .parser import Ignored, payload_parse
from .profiles import profile_due

logger = logging.getLogger(__name__)


def webhook_event_handle(event) -> list[dict]:
    """Apply one stored event. Messenger reports no platform errors inside events."""
    return webhook_events_handle([event])[0]


def webhook_events_handle(events) -> list[list[dict]]:
    """Apply stored events of one inbox, in the order they came, as if they were one webhook
    (concurrent webhooks are grouped: `inbox.webhook_groups`)."""
    inbox = events[0].inbox
    pairs = (
        (event, item)
        for event in events
        for item in payload_parse(payload_loads(event.body), page_id=inbox.external_id)
    )
    for event, item in inbound_runs(pairs):
        if event is None:
            _messages(inbox, item)
        elif isinstance(item, OutboundEcho):
            result = echo_ingest(inbox=inbox, echo=item)
            if result.created:
                _downloads_enqueue(result.message)
        elif isinstance(item, Reaction):
            reaction_ingest(
                inbox=inbox, target_external_id=item.target_external_id, emoji=item.emoji, timestamp=item.timestamp
            )
        elif isinstance(item, StatusWatermark):
            status_watermark_apply(inbox=inbox, update=item)
        elif isinstance(item, Ignored):
            logger.info("Messenger event in webhook event %s not acted on: %s", event.pk, item.reason)
    return [[] for _ in events]


def _messages(inbox, inbounds: list[InboundMessage]) -> None:
    complete = [inbound for inbound in inbounds if inbound.external_id and inbound.sender.external_id]
    if len(complete) < len(inbounds):
        logger.warning("Messenger message without mid or sender ignored (kept raw)")
    if not complete:
        return
    identities_seen = set()  # each sender's profile is looked at once per batch
    for result in messages_ingest(inbox=inbox, inbounds=complete):
        if not result.created:
            continue
        _downloads_enqueue(result.message)
        conversation = result.message.conversation
        if conversation.identity_id in identities_seen:
            continue
        identities_seen.add(conversation.identity_id)
        if profile_due(conversation.identity):
            from .tasks import profile_fetch_task

            enqueue_on_commit(profile_fetch_task, conversation.identity_id, inbox.pk)


def _downloads_enqueue(message) -> None:
    # CDN URLs expire: fetch right away, in a task.
    from .tasks import media_download_task

    for attachment_id in message.attachments.filter(status="pending").values_list("id", flat=True):
        enqueue_on_commit(media_download_task, attachment_id)
