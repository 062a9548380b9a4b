"""A simulated messaging platform for demo inboxes: it accepts every reply, reports it delivered
and then read a few seconds later, and now and then lets the customer answer in their language.
Nothing leaves the machine.

A channel offers it as its demo inbox's Sender (`ChannelDemo.send`); `channel_registry.for_inbox`
then sends a demo inbox's replies here and makes no other call to the real platform. What a
platform would report by webhook goes through the same ingest path a real one takes
(`status_update_apply`, `message_ingest`). The later steps run from the periodic
`demo_platform_tick_task` (Celery beat on the full stack, runstack's in-process beat on the
embedded default), so they come seconds later whichever way background jobs run.
"""

import secrets
from datetime import datetime, timedelta

from django.utils import timezone

from .channel_registry import SendResult
from .ingest import message_ingest, status_update_apply
from .models import ConversationStatus, DeliveryStatus, Direction, Inbox, Message, SenderType
from .normalized import InboundMessage, SenderProfile, StatusUpdate

# How long the simulated platform takes to reach the customer's phone, and the customer to read.
DELIVERED_AFTER = timedelta(seconds=1)
READ_AFTER = timedelta(seconds=3)
# About one reply in this many gets a short answer from the customer.
ANSWER_EVERY = 3
# What the simulated customer answers, in their language (the contact's locale; else English).
ANSWERS = {
    "nl": ["Top, dank je wel!", "Oké, helder. Bedankt!", "Super, dan wacht ik het af.", "Dank voor de snelle reactie!"],
    "de": [
        "Super, vielen Dank!",
        "Alles klar, danke!",
        "Perfekt, dann warte ich ab.",
        "Danke für die schnelle Antwort!",
    ],
    "en": [
        "Great, thanks a lot!",
        "Okay, that's clear. Thanks!",
        "Perfect, I'll wait then.",
        "Thanks for the quick reply!",
    ],
}
ANSWER_PREFIX = "simulated-answer-"


def message_send(message: Message) -> SendResult:
    """Accept `message` as a platform would: it is sent and has the platform's id from now on."""
    return SendResult(external_id=f"simulated-{message.pk}-{secrets.token_hex(4)}")


def _answers_for(message: Message) -> bool:
    """Whether the customer answers this reply: an agent's, in a conversation still going on,
    about one in `ANSWER_EVERY` (decided by the message, so a second tick decides alike)."""
    return (
        message.sender_type == SenderType.AGENT
        and message.conversation.status in (ConversationStatus.OPEN, ConversationStatus.PENDING)
        and message.pk % ANSWER_EVERY == 0
    )


def _answer(message: Message, *, now: datetime) -> None:
    conversation = message.conversation
    language = (conversation.contact.locale or "")[:2].lower()
    texts = ANSWERS.get(language, ANSWERS["en"])
    message_ingest(
        inbox=conversation.inbox,
        inbound=InboundMessage(
            # The answer's id names the reply it answers: a second tick stores it only once.
            external_id=f"{ANSWER_PREFIX}{message.pk}",
            sender=SenderProfile(
                external_id=conversation.identity.external_id, display_name=conversation.identity.display_name
            ),
            timestamp=now,
            text=texts[message.pk % len(texts)],
        ),
    )


def demo_platform_tick(*, now: datetime | None = None) -> dict:
    """Move the demo inboxes' replies along as the platform would report it: sent -> delivered
    -> read, and the customer's answer to some once read. Safe to run twice (statuses only move
    forward; an answer is stored once). Returns how many of each."""
    now = now or timezone.now()
    demo_inboxes = list(Inbox.objects.filter(demo=True, is_active=True).values_list("pk", flat=True))
    if not demo_inboxes:
        return {"delivered": 0, "read": 0, "answered": 0}
    replies = Message.objects.filter(inbox_id__in=demo_inboxes, direction=Direction.OUT, private=False).exclude(
        external_id=None
    )
    counts = {"delivered": 0, "read": 0, "answered": 0}
    due_delivered = replies.filter(status=DeliveryStatus.SENT, status_at__lte=now - DELIVERED_AFTER)
    for message in due_delivered.select_related("inbox"):
        update = StatusUpdate(external_id=message.external_id, status=DeliveryStatus.DELIVERED, timestamp=now)
        counts["delivered"] += status_update_apply(inbox=message.inbox, update=update)
    due_read = replies.filter(status=DeliveryStatus.DELIVERED, status_at__lte=now - READ_AFTER)
    for message in due_read.select_related("inbox", "conversation__contact", "conversation__identity"):
        update = StatusUpdate(external_id=message.external_id, status=DeliveryStatus.READ, timestamp=now)
        if status_update_apply(inbox=message.inbox, update=update):
            counts["read"] += 1
            if _answers_for(message):
                _answer(message, now=now)
                counts["answered"] += 1
    return counts
