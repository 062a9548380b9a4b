"""The outbox: everything agents (and bots) send starts here.

A reply is a committed Message with status `pending` before any network call. After the
commit a Celery task delivers it through the channel's Sender (`inbox.outbox`). Private notes
never leave Webcare.
"""

from django.db import transaction
from django.utils import timezone

from . import channel_registry, realtime
from .events import event_record
from .models import Conversation, DeliveryStatus, Direction, EventKind, Message, MessageKind, SenderType


class ReplyRefused(Exception):
    """The reply cannot be sent (e.g. the platform's reply window is closed). Nothing stored."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def reply_send(
    *,
    conversation: Conversation,
    author,
    text: str,
    private: bool = False,
    sender_type: str = SenderType.AGENT,
    kind: str = MessageKind.TEXT,
    content: dict | None = None,
    reply_to: Message | None = None,
) -> Message:
    """Store a reply (or a private note) in the outbox and deliver it after commit."""
    text = (text or "").strip()
    if not text and not content:
        raise ReplyRefused("A reply needs text.")
    if not private and kind != MessageKind.TEMPLATE:
        window = channel_registry.get(conversation.inbox.kind).window(conversation)
        if not window.open:
            raise ReplyRefused(window.reason or "The channel's reply window is closed.")

    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        message = Message.objects.create(
            conversation=conversation,
            inbox_id=conversation.inbox_id,
            direction=Direction.OUT,
            sender_type=sender_type,
            author=author,
            kind=kind,
            text=text,
            content=content or {},
            reply_to=reply_to,
            private=private,
            sent_at=now,
            # A note is stored, never sent anywhere: it needs no delivery.
            status=DeliveryStatus.SENT if private else DeliveryStatus.PENDING,
        )
        _conversation_after_reply(conversation, message)
        realtime.publish_on_commit(
            [realtime.inbox_group(conversation.inbox_id), realtime.conversation_group(conversation.pk)],
            "message_created",
            conversation_id=conversation.pk,
            message_id=message.pk,
            version=conversation.version,
        )
        if not private:
            from .tasks import enqueue_on_commit, message_deliver  # tasks import services: keep it lazy

            enqueue_on_commit(message_deliver, message.pk)
    return message


def template_send(*, conversation: Conversation, author, name: str, language: str, parameters: list[str]) -> Message:
    """Send one of the channel's pre-approved templates (allowed outside the reply window).

    The channel composes it (checks that the template exists and gets the right number of
    parameters); the outbox delivers it like any reply."""
    channel = channel_registry.get(conversation.inbox.kind)
    if channel.template_compose is None:
        raise ReplyRefused("This channel has no message templates.")
    try:
        composed = channel.template_compose(
            conversation=conversation, name=name, language=language, parameters=list(parameters)
        )
    except channel_registry.TemplateRefused as refused:
        raise ReplyRefused(refused.reason) from None
    return reply_send(
        conversation=conversation,
        author=author,
        text=composed.text,
        kind=MessageKind.TEMPLATE,
        content=composed.content,
    )


def _conversation_after_reply(conversation: Conversation, message: Message) -> None:
    changed = ["version", "updated_at"]
    if not message.private:
        conversation.last_message_at = message.sent_at
        conversation.last_message_preview = " ".join(message.text.split())[:160]
        changed += ["last_message_at", "last_message_preview"]
        is_human = message.sender_type == SenderType.AGENT
        if is_human and conversation.first_response_at is None:
            conversation.first_response_at = message.sent_at
            changed.append("first_response_at")
            event_record(
                conversation=conversation,
                kind=EventKind.FIRST_RESPONSE,
                actor=message.author,
                data={"message_id": message.pk},
                at=message.sent_at,
            )
        event_record(
            conversation=conversation,
            kind=EventKind.MESSAGE_OUT,
            actor=message.author,
            data={"message_id": message.pk, "sender_type": message.sender_type},
            at=message.sent_at,
        )
    conversation.version += 1
    conversation.save(update_fields=changed)
