"""Applying stored Messenger Platform webhook events (a Page's Messenger, Instagram Direct):
parse each body, hand each item to the inbox.

Runs through `inbox.webhooks.webhook_event_process`, which records success or failure on the
stored row. Every step is idempotent (message ids, echoes matched by id, monotonic watermarks,
timestamped reactions and edits), so a redelivered or re-processed event changes nothing. The
channel gives its parser and its follow-up tasks (attachment downloads, profile look-ups).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from inbox.ingest import (
    echo_ingest,
    message_edit_apply,
    message_unsent_apply,
    messages_ingest,
    reaction_ingest,
    status_watermark_apply,
)
from inbox.normalized import (
    InboundMessage,
    MessageEdit,
    MessageUnsent,
    OutboundEcho,
    PublicComment,
    Reaction,
    StatusWatermark,
    inbound_runs,
)
from inbox.public import public_comment_apply
from inbox.webhooks import payload_loads
from kernel.tasks import enqueue_on_commit

from .messaging_parser import Ignored, MentionNotice, MessagingParser

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MessagingFollowUps:
    """What a channel runs after a message is stored: the download task for its files, and
    when (and with which task) a new sender's profile is looked up."""

    media_download_task: object
    profile_fetch_task: object
    profile_due: Callable
    # A channel with mentions: the task that looks one up (inbox id, media id, comment id,
    # ISO time) after commit, since the webhook carries only ids.
    mention_lookup_task: object = None


def messaging_events_handle(events, *, parser: MessagingParser, follow_ups: MessagingFollowUps) -> list[list[dict]]:
    """Apply stored events of one inbox, in the order they came, as if they were one webhook
    (concurrent webhooks are grouped: `inbox.webhook_groups`). No platform errors come inside
    Messenger Platform events: one empty list per event."""
    inbox = events[0].inbox
    pairs = (
        (event, item)
        for event in events
        for item in parser.payload_parse(payload_loads(event.body), account_id=inbox.external_id)
    )
    for event, item in inbound_runs(pairs):
        if event is None:
            _messages(inbox, item, parser=parser, follow_ups=follow_ups)
        elif isinstance(item, OutboundEcho):
            result = echo_ingest(inbox=inbox, echo=item)
            if result.created:
                _downloads_enqueue(result.message, follow_ups)
        elif isinstance(item, Reaction):
            reaction_ingest(
                inbox=inbox, target_external_id=item.target_external_id, emoji=item.emoji, timestamp=item.timestamp
            )
        elif isinstance(item, StatusWatermark):
            status_watermark_apply(inbox=inbox, update=item)
        elif isinstance(item, MessageEdit):
            message_edit_apply(inbox=inbox, edit=item)
        elif isinstance(item, MessageUnsent):
            message_unsent_apply(inbox=inbox, unsent=item)
        elif isinstance(item, PublicComment):
            public_comment_apply(inbox=inbox, comment=item)
        elif isinstance(item, MentionNotice) and follow_ups.mention_lookup_task is not None:
            enqueue_on_commit(
                follow_ups.mention_lookup_task, inbox.pk, item.media_id, item.comment_id, item.timestamp.isoformat()
            )
        elif isinstance(item, Ignored):
            logger.info("%s event in webhook event %s not acted on: %s", parser.name, event.pk, item.reason)
    return [[] for _ in events]


def _messages(inbox, inbounds: list[InboundMessage], *, parser: MessagingParser, follow_ups) -> None:
    complete = [inbound for inbound in inbounds if inbound.external_id and inbound.sender.external_id]
    if len(complete) < len(inbounds):
        logger.warning("%s message without mid or sender ignored (kept raw)", parser.name)
    if not complete:
        return
    identities_seen = set()  # each sender's profile is looked at once per batch
    for result in messages_ingest(inbox=inbox, inbounds=complete):
        if not result.created:
            continue
        _downloads_enqueue(result.message, follow_ups)
        conversation = result.message.conversation
        if conversation.identity_id in identities_seen:
            continue
        identities_seen.add(conversation.identity_id)
        if follow_ups.profile_due(conversation.identity):
            enqueue_on_commit(follow_ups.profile_fetch_task, conversation.identity_id, inbox.pk)


def _downloads_enqueue(message, follow_ups: MessagingFollowUps) -> None:
    # CDN URLs expire: fetch right away, in a task.
    for attachment_id in message.attachments.filter(status="pending").values_list("id", flat=True):
        enqueue_on_commit(follow_ups.media_download_task, attachment_id)


def messaging_handlers(*, parser: MessagingParser, follow_ups: Callable[[], MessagingFollowUps]):
    """A channel's `process_webhook_event` and `process_webhook_events` on this processor.
    `follow_ups` is called when events are applied (the channel's tasks load late)."""

    def webhook_events_handle(events) -> list[list[dict]]:
        """Apply stored events of one inbox, in the order they came, as one webhook."""
        return messaging_events_handle(events, parser=parser, follow_ups=follow_ups())

    def webhook_event_handle(event) -> list[dict]:
        """Apply one stored event (no platform errors come inside Messenger Platform events)."""
        return webhook_events_handle([event])[0]

    return webhook_event_handle, webhook_events_handle
