"""The single entry point for everything customers send, whatever the channel.

Channel apps call `message_ingest` with an `InboundMessage` and `status_update_apply` with a
`StatusUpdate`. Both are idempotent: a redelivered platform event changes nothing, even when
two deliveries race (database constraints decide, not a check-then-insert).

`external_id` is the idempotency key within an inbox, so it must be unique per inbox for the
platform. Where clients choose ids (the live-chat widget), the channel namespaces them per
visitor before calling ingest, so one visitor can never hit another visitor's message.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from crm import services as crm_services
from crm.models import ContactIdentity
from kernel import realtime
from kernel.tasks import enqueue_on_commit

from . import hooks
from .events import event_record
from .models import (
    DELIVERY_STATUS_RANK,
    Attachment,
    AttachmentStatus,
    Conversation,
    ConversationEvent,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    EventKind,
    Inbox,
    Message,
    MessageKind,
    ParkedStatusUpdate,
    SenderType,
)
from .normalized import InboundMessage, MessageEdit, MessageUnsent, OutboundEcho, StatusUpdate, StatusWatermark

logger = logging.getLogger(__name__)

PREVIEW_LENGTH = 160


@dataclass(frozen=True)
class IngestResult:
    message: Message
    created: bool


def message_ingest(*, inbox: Inbox, inbound: InboundMessage) -> IngestResult:
    """Store one customer message: contact -> conversation -> message -> events, then (after
    commit) a realtime event and the automation hook."""
    existing = Message.objects.filter(inbox=inbox, external_id=inbound.external_id).first()
    if existing is not None:
        return IngestResult(message=existing, created=False)

    # No savepoint of its own inside a caller's transaction (the webhook event's): a failure
    # here fails that whole transaction anyway, and a savepoint is two round trips a message.
    with transaction.atomic(savepoint=False):
        sender = inbound.sender
        who = crm_services.identify(
            channel=inbox.kind,
            external_id=sender.external_id,
            display_name=sender.display_name,
            phone=sender.phone,
            email=sender.email,
            locale=sender.locale,
            details_verified=sender.details_verified,
        )
        conversation, conversation_created = _conversation_for(inbox=inbox, identity=who.identity, at=inbound.timestamp)
        try:
            with transaction.atomic():
                message = _inbound_message(inbox, conversation, inbound)
                message.reply_to = _message_by_external_id(inbox, inbound.reply_to_external_id)
                message.save(force_insert=True)
        except IntegrityError:
            # The same platform message was stored by a concurrent delivery.
            return IngestResult(
                message=Message.objects.get(inbox=inbox, external_id=inbound.external_id), created=False
            )

        _attachments_create(message, inbound)
        _conversation_after_inbound(conversation, message, inbound, created=conversation_created)
        _publish_message_created(conversation, message, conversation_created=conversation_created)
        message_id = message.pk
        _automation_enqueue([message_id])
    return IngestResult(message=message, created=True)


def messages_ingest(*, inbox: Inbox, inbounds: list[InboundMessage]) -> list[IngestResult]:
    """Store a platform's batch of customer messages (WhatsApp sends up to 1,000 in one webhook)
    with the same outcome, message for message, as `message_ingest` in order, but in a few
    set-based queries instead of about nine per message (`bench/whatsapp_webhook.py` measures
    the difference). Customers seen for the first time, and anything the set-based
    path cannot settle, go through `message_ingest` one by one. Returns a result per inbound.

    Concurrency is the single path's: the conversations are locked before we look for messages
    already stored, so a redelivery that races this one waits and then finds them. Locks are
    taken in id order (a first contact's conversation, new, last), so two batches never
    deadlock on each other."""
    if not connection.features.can_return_rows_from_bulk_insert:
        return [message_ingest(inbox=inbox, inbound=inbound) for inbound in inbounds]
    results: dict[int, IngestResult] = {}
    with transaction.atomic():
        senders = {inbound.sender.external_id for inbound in inbounds}
        identities = {
            identity.external_id: identity
            for identity in ContactIdentity.objects.filter(channel=inbox.kind, external_id__in=senders)
        }
        known = [index for index, inbound in enumerate(inbounds) if inbound.sender.external_id in identities]
        if known:
            _known_senders_ingest(inbox, inbounds, known, identities, results)
        # First contacts (matching by phone or email, a new contact, suggestions) come after
        # the known senders' locks, in the order of their sender ids: a racing redelivery that
        # already sees such a sender as known locks that sender's (new, so highest) conversation
        # last as well, and two batches take new senders in the same order. Taken in batch
        # order instead, two deliveries of one batch could each hold what the other waits for.
        first_contacts = sorted(
            set(range(len(inbounds))) - set(known), key=lambda i: (inbounds[i].sender.external_id, i)
        )
        for index in first_contacts:
            results[index] = message_ingest(inbox=inbox, inbound=inbounds[index])
    return [results[index] for index in range(len(inbounds))]


def _known_senders_ingest(inbox, inbounds, indexes: list[int], identities: dict, results: dict) -> None:
    identity_ids = {identities[inbounds[index].sender.external_id].pk for index in indexes}
    conversations = {
        conversation.identity_id: conversation
        for conversation in Conversation.objects.select_for_update()
        .filter(inbox=inbox, identity_id__in=identity_ids, thread_key="")
        .exclude(status=ConversationStatus.CLOSED)
        .order_by("pk")
    }
    created_conversations = set()
    for index in indexes:
        identity = identities[inbounds[index].sender.external_id]
        if identity.pk not in conversations:
            conversation, created = _conversation_for(inbox=inbox, identity=identity, at=inbounds[index].timestamp)
            conversations[identity.pk] = conversation
            if created:
                created_conversations.add(conversation.pk)

    # Only now, holding the locks: what is stored already (a redelivery, or a racing delivery
    # that committed while we waited), and what this batch repeats itself.
    external_ids = {inbounds[index].external_id for index in indexes}
    stored = {m.external_id: m for m in Message.objects.filter(inbox=inbox, external_id__in=external_ids)}
    reply_ids = {inbounds[index].reply_to_external_id for index in indexes} - {""}
    replied = dict(
        Message.objects.filter(inbox=inbox, external_id__in=reply_ids).values_list("external_id", "pk")
        if reply_ids
        else []
    )
    new: list[tuple[int, Message]] = []
    for index in indexes:
        inbound = inbounds[index]
        if inbound.external_id in stored:
            results[index] = IngestResult(message=stored[inbound.external_id], created=False)
            continue
        conversation = conversations[identities[inbound.sender.external_id].pk]
        message = _inbound_message(inbox, conversation, inbound)
        message.reply_to_id = replied.get(inbound.reply_to_external_id)
        stored[inbound.external_id] = message
        new.append((index, message))
    if not new:
        return
    try:
        with transaction.atomic():
            Message.objects.bulk_create([message for _, message in new])
    except IntegrityError:
        # Not a redelivery (we hold the locks): an id reused across senders. One by one, the
        # single path settles each message as it always has.
        for index, _ in new:
            results[index] = message_ingest(inbox=inbox, inbound=inbounds[index])
        return
    for index, message in new:
        results[index] = IngestResult(message=message, created=True)
        target = inbounds[index].reply_to_external_id
        if target and message.reply_to_id is None and target in stored and stored[target].pk != message.pk:
            # A reply to a message of this same batch: its id is known only now.
            message.reply_to_id = stored[target].pk
            Message.objects.filter(pk=message.pk).update(reply_to_id=message.reply_to_id)

    Attachment.objects.bulk_create(
        [attachment for index, message in new for attachment in _attachments_for(message, inbounds[index])]
    )
    # Each conversation takes its messages in order in memory, then is saved once.
    events, changed_by_conversation, versions = [], {}, {}
    for index, message in new:
        conversation = message.conversation  # the locked instance above, shared by its messages
        first_of_new = conversation.pk in created_conversations and conversation.pk not in changed_by_conversation
        changed = changed_by_conversation.setdefault(conversation.pk, {"version", "updated_at"})
        events += _inbound_apply(conversation, message, inbounds[index], created=first_of_new, changed=changed)
        versions[message.pk] = conversation.version
    for conversation in {message.conversation.pk: message.conversation for _, message in new}.values():
        conversation.save(update_fields=sorted(changed_by_conversation[conversation.pk]))
    ConversationEvent.objects.bulk_create(events)

    announced = set()
    for _, message in new:
        conversation = message.conversation
        _publish_message_created(
            conversation,
            message,
            conversation_created=conversation.pk in created_conversations and conversation.pk not in announced,
            version=versions[message.pk],
        )
        announced.add(conversation.pk)
    message_ids = [message.pk for _, message in new]
    _automation_enqueue(message_ids)


def _inbound_message(inbox: Inbox, conversation: Conversation, inbound: InboundMessage) -> Message:
    return Message(
        conversation=conversation,
        inbox=inbox,
        direction=Direction.IN,
        # A platform's notice about the customer (e.g. "changed number") is not something the
        # customer wrote.
        sender_type=SenderType.SYSTEM if inbound.kind == MessageKind.SYSTEM else SenderType.CONTACT,
        kind=inbound.kind,
        text=inbound.text,
        content=inbound.content,
        external_id=inbound.external_id,
        sent_at=inbound.timestamp,
        status=DeliveryStatus.DELIVERED,
        status_at=timezone.now(),
    )


def _automation_enqueue(message_ids: list[int]) -> None:
    """After commit: bots, rules and assignment run in a worker, off the webhook's path (they
    cost more than storing the message), one task for the messages of one webhook; in-process
    mode runs them right here. No sweeper looks for them, so a broker that is down runs them
    here too."""
    from .tasks import automation_messages_received_task  # tasks import services: keep it lazy

    enqueue_on_commit(automation_messages_received_task, message_ids, inline_if_broker_down=hooks.messages_received)


def _conversation_for(*, inbox: Inbox, identity, at, thread_key: str = "", source=None) -> tuple[Conversation, bool]:
    """The identity's unclosed conversation in this inbox, locked; or a new one. The direct
    conversation by default; with a `thread_key` (a post's id) the public conversation of the
    person's comments under that post, made with `source` (the post)."""
    unclosed = (
        Conversation.objects.select_for_update()
        .filter(inbox=inbox, identity=identity, thread_key=thread_key)
        .exclude(status=ConversationStatus.CLOSED)
    )
    conversation = unclosed.first()
    if conversation is not None:
        return conversation, False
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                inbox=inbox,
                contact_id=identity.contact_id,
                identity=identity,
                team=inbox.team,
                last_message_at=at,
                thread_key=thread_key,
                public=bool(thread_key),
                source=source or {},
            )
    except IntegrityError:
        # A concurrent first message created it (the partial unique constraint fired).
        return unclosed.get(), False
    event_record(conversation=conversation, kind=EventKind.CREATED, at=at)
    return conversation, True


def _conversation_after_inbound(
    conversation: Conversation, message: Message, inbound: InboundMessage, *, created: bool
):
    changed = {"version", "updated_at"}
    events = _inbound_apply(conversation, message, inbound, created=created, changed=changed)
    conversation.save(update_fields=sorted(changed))
    ConversationEvent.objects.bulk_create(events)


def _inbound_apply(
    conversation: Conversation, message: Message, inbound: InboundMessage, *, created: bool, changed: set[str]
) -> list[ConversationEvent]:
    """What one customer message does to its (locked) conversation, in memory: reopen if needed
    and move the activity clocks forward (never back: late deliveries of older messages must
    not rewind them). Adds the fields it touched to `changed`; returns the events to record.
    The caller saves, so a batch saves each conversation once for all its messages."""
    events = []
    previous_status = conversation.status
    from_customer = message.sender_type == SenderType.CONTACT
    # A survey answer (or its comment) is no new question: it leaves the status alone.
    claimed = from_customer and hooks.inbound_claimed(conversation=conversation, message=message)
    if previous_status != ConversationStatus.OPEN and from_customer and not claimed:
        conversation.status = ConversationStatus.OPEN
        conversation.snoozed_until = None
        changed.update(("status", "snoozed_until"))
        kind = EventKind.REOPENED if previous_status == ConversationStatus.RESOLVED else EventKind.STATUS_CHANGED
        events.append(
            _event(
                conversation,
                kind,
                {"from": previous_status, "to": ConversationStatus.OPEN, "reason": "customer_message"},
                at=message.sent_at,
            )
        )
    if conversation.last_message_at is None or message.sent_at >= conversation.last_message_at or created:
        conversation.last_message_at = message.sent_at
        conversation.last_message_preview = _preview(message)
        changed.update(("last_message_at", "last_message_preview"))
    if from_customer and not claimed:
        conversation.unread_count += 1  # the row is locked (select_for_update) or brand new
        changed.add("unread_count")
    customer_clock = conversation.last_customer_message_at
    if from_customer and (customer_clock is None or message.sent_at > customer_clock):
        conversation.last_customer_message_at = message.sent_at
        changed.add("last_customer_message_at")
    if inbound.source and not conversation.source:
        # An ad referral: the conversation's source, counted as a lead by reporting.
        conversation.source = inbound.source
        changed.add("source")
    conversation.version += 1
    events.append(_event(conversation, EventKind.MESSAGE_IN, {"message_id": message.pk}, at=message.sent_at))
    return events


def _event(conversation: Conversation, kind: str, data: dict, *, at) -> ConversationEvent:
    """An unsaved event, as `event_record` would write it (saved in bulk by the caller)."""
    return ConversationEvent(
        conversation=conversation, inbox_id=conversation.inbox_id, kind=kind, data=data, created_at=at
    )


def _attachments_create(message: Message, inbound: InboundMessage | OutboundEcho) -> None:
    Attachment.objects.bulk_create(_attachments_for(message, inbound))


def _attachments_for(message: Message, inbound: InboundMessage | OutboundEcho) -> list[Attachment]:
    return [
        Attachment(
            message=message,
            kind=item.kind,
            mime_type=item.mime_type,
            filename=item.filename,
            remote_id=item.remote_id,
            remote_url=item.remote_url,
            size=item.size,
            sha256=item.sha256,
            status=AttachmentStatus.PENDING,
        )
        for item in inbound.attachments
    ]


def _message_by_external_id(inbox: Inbox, external_id: str) -> Message | None:
    if not external_id:
        return None
    return Message.objects.filter(inbox=inbox, external_id=external_id).first()


def _preview(message: Message) -> str:
    text = " ".join((message.text or "").split())
    return (text or f"[{message.get_kind_display()}]")[:PREVIEW_LENGTH]


def _publish_message_created(
    conversation: Conversation, message: Message, *, conversation_created: bool, version: int | None = None
) -> None:
    version = conversation.version if version is None else version
    audience = {"inbox_id": conversation.inbox_id, "conversation_id": conversation.pk}
    if conversation_created:
        realtime.conversation_publish(
            **audience, event="conversation_created", version=version, inbox=conversation.inbox_id
        )
    # Direction and assignee let an assignee's page notify them of a customer's reply without
    # asking the server about every message in the inbox.
    realtime.conversation_publish(
        **audience,
        event="message_created",
        message_id=message.pk,
        version=version,
        direction=message.direction,
        assignee_id=conversation.assignee_id,
    )


# --- Echoes: what the business account sent, reported back --------------------------------------


def echo_ingest(*, inbox: Inbox, echo: OutboundEcho) -> IngestResult:
    """Record a message the platform says the business sent. Ours (same external id, or our
    message's id sent along as `reference`, which covers an echo that outruns the send call's
    answer) changes nothing. Anything else was sent with another tool (the Page's own inbox,
    another app): stored as an outbound agent message without an author, marked
    `sent_outside_webcare`, so the conversation's history is complete. Idempotent."""
    existing = Message.objects.filter(inbox=inbox, external_id=echo.external_id).first()
    if existing is None and echo.reference is not None:
        existing = Message.objects.filter(inbox=inbox, pk=echo.reference, direction=Direction.OUT).first()
    if existing is not None:
        return IngestResult(message=existing, created=False)
    with transaction.atomic():
        matched = _in_flight_echo_match(inbox, echo)
        if matched is not None:
            return IngestResult(message=matched, created=False)
        who = crm_services.identify(
            channel=inbox.kind, external_id=echo.recipient.external_id, display_name=echo.recipient.display_name
        )
        conversation, conversation_created = _conversation_for(inbox=inbox, identity=who.identity, at=echo.timestamp)
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    conversation=conversation,
                    inbox=inbox,
                    direction=Direction.OUT,
                    sender_type=SenderType.AGENT,
                    kind=echo.kind,
                    text=echo.text,
                    content={**echo.content, "sent_outside_webcare": True},
                    external_id=echo.external_id,
                    reply_to=_message_by_external_id(inbox, echo.reply_to_external_id),
                    sent_at=echo.timestamp,
                    status=DeliveryStatus.SENT,
                    status_at=echo.timestamp,
                )
        except IntegrityError:
            return IngestResult(message=Message.objects.get(inbox=inbox, external_id=echo.external_id), created=False)
        _attachments_create(message, echo)
        _conversation_after_echo(conversation, message)
        _publish_message_created(conversation, message, conversation_created=conversation_created)
    return IngestResult(message=message, created=True)


# How long after we stored a reply its echo may still be matched by recipient and content.
ECHO_MATCH_WINDOW = timedelta(minutes=15)


def _in_flight_echo_match(inbox: Inbox, echo: OutboundEcho) -> Message | None:
    """An echo of a reply we are sending right now, whose send call has not answered (or whose
    answer is not stored yet): a platform that takes no `metadata` (Instagram) can echo it
    first, and it would pass for a message sent outside Webcare. The oldest reply of ours in
    flight to the same person (or a private reply, whose person only the platform knows yet)
    with the same content and no platform id yet takes the echo's id
    and counts as sent, under its row lock; the send's answer then changes nothing (it updates
    pending messages only), or, if it came first, this finds the id taken and the echo is known.
    Runs inside the caller's transaction."""
    kinds = (echo.kind, MessageKind.INTERACTIVE) if echo.kind == MessageKind.TEXT else (echo.kind,)
    candidate = (
        Message.objects.select_for_update()
        .filter(
            inbox=inbox,
            direction=Direction.OUT,
            private=False,
            status=DeliveryStatus.PENDING,
            external_id__isnull=True,
            attempts__gte=1,  # a send has started
            created_at__gte=timezone.now() - ECHO_MATCH_WINDOW,
            kind__in=kinds,
            text=echo.text,
        )
        # A private reply is addressed to a comment: the person it reaches is known only from
        # the answer (or this echo), so it matches whoever the echo names.
        .filter(
            Q(conversation__identity__external_id=echo.recipient.external_id) | Q(content__has_key="private_reply_to")
        )
        .order_by("pk")
        .first()
    )
    if candidate is None or (echo.attachments and not candidate.attachments.exists()):
        return None
    try:
        with transaction.atomic():
            Message.objects.filter(pk=candidate.pk, status=DeliveryStatus.PENDING).update(
                external_id=echo.external_id,
                status=DeliveryStatus.SENT,
                status_at=echo.timestamp,
                updated_at=timezone.now(),
            )
    except IntegrityError:  # the send's answer stored this id on our message meanwhile
        return Message.objects.get(inbox=inbox, external_id=echo.external_id)
    realtime.conversation_publish(
        inbox_id=inbox.pk,
        conversation_id=candidate.conversation_id,
        event="message_status_changed",
        message_id=candidate.pk,
        status=DeliveryStatus.SENT,
    )
    candidate.refresh_from_db()
    return candidate


def _conversation_after_echo(conversation: Conversation, message: Message) -> None:
    """Another tool's reply moves the activity clock (never back); it is no Webcare agent's
    reply, so first response and service levels are left alone."""
    changed = ["version", "updated_at"]
    if conversation.last_message_at is None or message.sent_at >= conversation.last_message_at:
        conversation.last_message_at = message.sent_at
        conversation.last_message_preview = _preview(message)
        changed += ["last_message_at", "last_message_preview"]
    conversation.version += 1
    conversation.save(update_fields=changed)
    event_record(
        conversation=conversation,
        kind=EventKind.MESSAGE_OUT,
        data={"message_id": message.pk, "sender_type": message.sender_type, "outside_webcare": True},
        at=message.sent_at,
    )


# --- Reactions -------------------------------------------------------------------------------


def reaction_ingest(
    *, inbox: Inbox, target_external_id: str, emoji: str, timestamp, reactor: str = SenderType.CONTACT
) -> Message | None:
    """Set (or, with an empty emoji, remove) the customer's reaction on the message it reacts
    to. A reaction is not a new bubble: it changes the target and announces `message_updated`.
    Applied only if newer than what is stored, so a late or redelivered older reaction never
    undoes a newer one. Returns the target, or None when we do not know it (logged)."""
    with transaction.atomic():
        target = (
            Message.objects.select_for_update().filter(inbox=inbox, external_id=target_external_id).first()
            if target_external_id
            else None
        )
        if target is None:
            logger.info("reaction to unknown message %r in inbox %s ignored", target_external_id, inbox.pk)
            return None
        at = timestamp.isoformat()
        current = target.reactions.get(reactor)
        if current is not None and current.get("at", "") > at:
            return target
        if current == {"emoji": emoji, "at": at}:
            return target  # a redelivery
        target.reactions = {**target.reactions, reactor: {"emoji": emoji, "at": at}}
        target.save(update_fields=["reactions", "updated_at"])
        message_updated_publish(target)
    return target


# --- Edits and unsent messages ---------------------------------------------------------------


def message_edit_apply(*, inbox: Inbox, edit: MessageEdit) -> Message | None:
    """The customer edited a message: the new text is shown, each earlier text is kept in
    `content["edits"]` (oldest first) for the agent to look back on. An edit older than the
    last one applied, or a redelivery, changes nothing. Returns the message, or None when we do
    not know it (logged)."""
    at = edit.timestamp.isoformat()
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(inbox=inbox, external_id=edit.external_id).first()
        if message is None:
            logger.info("edit of unknown message %r in inbox %s ignored", edit.external_id, inbox.pk)
            return None
        if message.content.get("edited_at", "") >= at or message.text == edit.text:
            return message
        edits = [*message.content.get("edits", []), {"text": message.text, "until": at}]
        message.content = {**message.content, "edits": edits, "edited_at": at}
        message.text = edit.text
        message.save(update_fields=["content", "text", "updated_at"])
        message_updated_publish(message)
    return message


def message_unsent_apply(*, inbox: Inbox, unsent: MessageUnsent) -> Message | None:
    """The customer unsent a message: it is marked (`content["unsent_at"]`) and agents see that
    it was unsent instead of its text and files, which are kept, never removed from the history.
    Idempotent. Returns the message, or None when we do not know it (logged)."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(inbox=inbox, external_id=unsent.external_id).first()
        if message is None:
            logger.info("unsend of unknown message %r in inbox %s ignored", unsent.external_id, inbox.pk)
            return None
        if message.content.get("unsent_at"):
            return message
        message.content = {**message.content, "unsent_at": unsent.timestamp.isoformat()}
        message.save(update_fields=["content", "updated_at"])
        message_updated_publish(message)
    return message


def message_updated_publish(message: Message) -> None:
    """Tell browsers a message changed (reaction, attachment arrived) after commit."""
    realtime.conversation_publish(
        inbox_id=message.inbox_id,
        conversation_id=message.conversation_id,
        event="message_updated",
        message_id=message.pk,
    )


# --- Delivery statuses -------------------------------------------------------------------------


def status_update_apply(*, inbox: Inbox, update: StatusUpdate) -> bool:
    """Apply a platform's delivery status to our outbound message. Statuses only move forward
    (read stays read when a late 'delivered' arrives); a status for a message we do not know
    yet is parked and applied when the message gets its platform id. Returns True if applied."""
    with transaction.atomic():
        message = Message.objects.filter(inbox=inbox, external_id=update.external_id, direction=Direction.OUT).first()
        if message is None:
            ParkedStatusUpdate.objects.create(
                inbox=inbox,
                external_id=update.external_id,
                status=update.status,
                timestamp=update.timestamp,
                error_code=update.error_code,
                error=update.error,
            )
            logger.info("parked %s status for unknown message %s", update.status, update.external_id)
            return False
        return _status_advance(message, update)


def _status_advance(message: Message, update: StatusUpdate) -> bool:
    rank = DELIVERY_STATUS_RANK.get(update.status)
    if rank is None:
        logger.warning("ignored unknown delivery status %r for message %s", update.status, message.pk)
        return False
    lower = [status for status, r in DELIVERY_STATUS_RANK.items() if r < rank]
    fields = {"status": update.status, "status_at": update.timestamp}
    if update.status == DeliveryStatus.FAILED:
        fields.update(error=update.error or "Delivery failed.", error_code=update.error_code)
    # Conditional update: a concurrent or later-arriving status can never be undone.
    advanced = Message.objects.filter(pk=message.pk, status__in=lower).update(**fields, updated_at=timezone.now())
    if advanced:
        realtime.conversation_publish(
            inbox_id=message.inbox_id,
            conversation_id=message.conversation_id,
            event="message_status_changed",
            message_id=message.pk,
            status=update.status,
        )
    return bool(advanced)


def parked_statuses_apply(message: Message) -> None:
    """Apply statuses that arrived before we knew the message's platform id."""
    if not message.external_id:
        return
    with transaction.atomic():
        parked = list(
            ParkedStatusUpdate.objects.select_for_update()
            .filter(inbox_id=message.inbox_id, external_id=message.external_id)
            .order_by("timestamp")
        )
        for item in parked:
            _status_advance(
                message,
                StatusUpdate(
                    external_id=item.external_id,
                    status=item.status,
                    timestamp=item.timestamp,
                    error_code=item.error_code,
                    error=item.error,
                ),
            )
        ParkedStatusUpdate.objects.filter(pk__in=[p.pk for p in parked]).delete()


def status_watermark_apply(*, inbox: Inbox, update: StatusWatermark) -> int:
    """Every outbound message to the recipient that was sent by `update.watermark` moves
    forward to `update.status` (Messenger's delivery and read watermarks). Named messages go
    through `status_update_apply` first (parked if we do not know them yet). Pending and failed
    messages never change; statuses never move back. Returns how many messages advanced."""
    advanced = sum(
        status_update_apply(
            inbox=inbox, update=StatusUpdate(external_id=mid, status=update.status, timestamp=update.watermark)
        )
        for mid in update.external_ids
    )
    rank = DELIVERY_STATUS_RANK.get(update.status)
    if rank is None:
        return advanced
    lower = [status for status, r in DELIVERY_STATUS_RANK.items() if 0 < r < rank and status != DeliveryStatus.FAILED]
    # When it became `sent` is when the platform had it: that is what the watermark covers.
    covered = Q(status_at__lte=update.watermark) | Q(status_at__isnull=True, sent_at__lte=update.watermark)
    targets = list(
        Message.objects.filter(
            inbox=inbox,
            direction=Direction.OUT,
            private=False,
            status__in=lower,
            conversation__identity__external_id=update.recipient_external_id,
            conversation__public=False,  # a read receipt covers direct messages, never public comments
        )
        .filter(covered)
        .values_list("id", "conversation_id")
    )
    if not targets:
        return advanced
    with transaction.atomic():
        # Conditional update: a concurrent newer status is never undone.
        Message.objects.filter(pk__in=[pk for pk, _ in targets], status__in=lower).update(
            status=update.status, status_at=update.watermark, updated_at=timezone.now()
        )
        for message_id, conversation_id in targets:
            realtime.conversation_publish(
                inbox_id=inbox.pk,
                conversation_id=conversation_id,
                event="message_status_changed",
                message_id=message_id,
                status=update.status,
            )
    return advanced + len(targets)
