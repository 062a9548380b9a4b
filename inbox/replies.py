"""The outbox: everything agents (and bots) send starts here.

A reply is a committed Message with status `pending` before any network call. After the
commit a Celery task delivers it through the channel's Sender (`inbox.outbox`). Private notes
never leave Webcare.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel import realtime
from kernel.refusals import Refused
from kernel.tasks import enqueue_on_commit

from . import channel_registry
from .events import event_record
from .files import file_head, safe_filename, stored_type
from .mentions import mentions_record
from .models import (
    Attachment,
    AttachmentStatus,
    Conversation,
    DeliveryStatus,
    Direction,
    EventKind,
    Message,
    MessageKind,
    SenderType,
)


class ReplyRefused(Refused):
    """The reply cannot be sent (e.g. the platform's reply window is closed). Nothing stored."""

    code = "reply_refused"


@dataclass(frozen=True)
class OutgoingFile:
    """A file an agent attaches to a reply or note (a Django UploadedFile and what it claims)."""

    name: str
    content_type: str
    size: int
    file: object = field(repr=False)

    @classmethod
    def from_upload(cls, upload) -> "OutgoingFile":
        """The browser's name and type are claims: the type is what the bytes are (an "image"
        that is an SVG or a page becomes application/octet-stream), the name a plain file name."""
        content_type = stored_type(file_head(upload), upload.content_type or "")
        return cls(name=safe_filename(upload.name), content_type=content_type, size=upload.size, file=upload)


MAX_FILES_PER_REPLY = 10
# Files on private notes never leave Webcare; they only need a sane ceiling.
NOTE_FILE_MAX_BYTES = 25 * 1024 * 1024
CAPTIONED_KINDS = ("image", "video", "document")


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
    file: OutgoingFile | None = None,
) -> Message:
    """Store a reply (or a private note), with at most one file, in the outbox and deliver it
    after commit."""
    messages = reply_messages_send(
        conversation=conversation,
        author=author,
        text=text,
        private=private,
        sender_type=sender_type,
        kind=kind,
        content=content,
        reply_to=reply_to,
        files=[file] if file is not None else [],
    )
    return messages[-1]


def reply_messages_send(
    *,
    conversation: Conversation,
    author,
    text: str,
    files: list[OutgoingFile],
    private: bool = False,
    sender_type: str = SenderType.AGENT,
    kind: str = MessageKind.TEXT,
    content: dict | None = None,
    reply_to: Message | None = None,
) -> list[Message]:
    """An agent's reply or note with any number of files: one message per file, because a
    platform message carries one media item. The text is the first file's caption where the
    platform shows captions, else a message of its own before the files. Every file is
    checked against the channel's limits before anything is stored: all go out, or none."""
    text = (text or "").strip()
    if not text and not content and not files:
        raise ReplyRefused(_("A reply needs text."), code="text_required")
    if len(files) > MAX_FILES_PER_REPLY:
        raise ReplyRefused(_("At most {limit} files per reply."), code="too_many_files", limit=MAX_FILES_PER_REPLY)
    channel = channel_registry.get(conversation.inbox.kind)
    if not private and kind != MessageKind.TEMPLATE:
        window = channel.window(conversation)
        if not window.open:
            raise ReplyRefused(window.reason or _("The channel's reply window is closed."), code="window_closed")
    file_kinds = [_file_kind(channel, conversation, upload, private=private) for upload in files]

    plan = []  # (text, kind, stored file or None) per message, in sending order
    if not files or (text and file_kinds[0] not in CAPTIONED_KINDS):
        plan.append((text, kind, None))
        text = ""
    # Files go to storage before the transaction: no disk writes (up to 100 MB) while the
    # conversation row is locked. A transaction that fails removes them again.
    stored = [_file_store(upload, file_kind) for upload, file_kind in zip(files, file_kinds, strict=True)]
    for index, attachment in enumerate(stored):
        plan.append((text if index == 0 else "", attachment.kind, attachment))

    now = timezone.now()
    messages = []
    try:
        messages = _replies_store(conversation, plan, author=author, sender_type=sender_type, content=content,
                                  reply_to=reply_to, private=private, now=now)  # fmt: skip
    except BaseException:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return messages


def _replies_store(conversation, plan, *, author, sender_type, content, reply_to, private, now) -> list[Message]:
    messages = []
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        for message_text, message_kind, attachment in plan:
            message = Message.objects.create(
                conversation=conversation,
                inbox_id=conversation.inbox_id,
                direction=Direction.OUT,
                sender_type=sender_type,
                author=author,
                kind=message_kind,
                text=message_text,
                content=(content or {}) if attachment is None else {},
                reply_to=reply_to if not messages else None,
                private=private,
                sent_at=now,
                # A note is stored, never sent anywhere: it needs no delivery.
                status=DeliveryStatus.SENT if private else DeliveryStatus.PENDING,
            )
            if attachment is not None:
                attachment.message = message
                attachment.save()
            messages.append(message)
        if private:
            for message in messages:
                mentions_record(message=message, author=author)
        _conversation_after_reply(conversation, messages)
        realtime.conversation_publish(
            inbox_id=conversation.inbox_id,
            conversation_id=conversation.pk,
            event="message_created",
            message_id=messages[-1].pk,
            version=conversation.version,
        )
        if not private:
            from .tasks import message_deliver_task  # tasks import services: keep it lazy

            for message in messages:
                enqueue_on_commit(message_deliver_task, message.pk)
    return messages


def _file_kind(channel, conversation: Conversation, upload: OutgoingFile, *, private: bool) -> str:
    if private:
        if upload.size > NOTE_FILE_MAX_BYTES:
            raise ReplyRefused(
                _("Files on notes can be at most {limit} MB."),
                code="file_too_large",
                limit=NOTE_FILE_MAX_BYTES // (1024 * 1024),
            )
        return _kind_from_mime(upload.content_type)
    if channel.attachment_kind is None:
        raise ReplyRefused(_("This channel cannot send files."), code="files_unsupported")
    try:
        return channel.attachment_kind(conversation.inbox, upload.content_type, upload.size)
    except channel_registry.AttachmentRefused as refused:
        raise ReplyRefused("{name}: {reason}", code=refused.code, name=upload.name, reason=refused) from None


def _kind_from_mime(mime_type: str) -> str:
    major = (mime_type or "").split("/", 1)[0].lower()
    return {"image": MessageKind.IMAGE, "video": MessageKind.VIDEO, "audio": MessageKind.AUDIO}.get(
        major, MessageKind.DOCUMENT
    )


def _file_store(upload: OutgoingFile, kind: str) -> Attachment:
    """The agent's file in storage, as an unsaved Attachment row (its message comes later)."""
    digest = hashlib.sha256()
    upload.file.seek(0)
    for chunk in iter(lambda: upload.file.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.file.seek(0)
    name = safe_filename(upload.name)
    attachment = Attachment(
        kind=kind,
        mime_type=(upload.content_type or "application/octet-stream")[:128],
        filename=name,
        size=upload.size,
        sha256=digest.hexdigest(),
        status=AttachmentStatus.STORED,
    )
    attachment.file.save(name, File(upload.file, name=name), save=False)
    return attachment


def reaction_send(*, conversation: Conversation, author, target: Message, emoji: str) -> Message:
    """React to a message in the conversation (an empty emoji removes the reaction). Shown on
    the target at once; the reaction itself goes out through the outbox like any reply, so
    its delivery (or failure) is visible too. Only channels whose Sender knows reactions."""
    emoji = (emoji or "").strip()
    if len(emoji) > 16:
        raise ReplyRefused(_("A reaction is a single emoji."), code="reaction_invalid")
    if target.conversation_id != conversation.pk or target.private or not target.external_id:
        raise ReplyRefused(_("Only messages the platform knows can get a reaction."), code="reaction_target_invalid")
    if not channel_registry.get(conversation.inbox.kind).reactions:
        raise ReplyRefused(_("This channel does not support reactions."), code="reactions_unsupported")
    window = channel_registry.get(conversation.inbox.kind).window(conversation)
    if not window.open:
        raise ReplyRefused(window.reason or _("The channel's reply window is closed."), code="window_closed")
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        target = Message.objects.select_for_update().get(pk=target.pk)
        target.reactions = {**target.reactions, "agent": {"emoji": emoji, "at": now.isoformat()}}
        target.save(update_fields=["reactions", "updated_at"])
        message = Message.objects.create(
            conversation=conversation,
            inbox_id=conversation.inbox_id,
            direction=Direction.OUT,
            sender_type=SenderType.AGENT,
            author=author,
            kind=MessageKind.REACTION,
            text=emoji,
            content={"emoji": emoji},
            reply_to=target,
            sent_at=now,
            status=DeliveryStatus.PENDING,
        )
        conversation.version += 1
        conversation.save(update_fields=["version", "updated_at"])
        realtime.conversation_publish(
            inbox_id=conversation.inbox_id,
            conversation_id=conversation.pk,
            event="message_created",
            message_id=message.pk,
            version=conversation.version,
        )
        from .tasks import message_deliver_task

        enqueue_on_commit(message_deliver_task, message.pk)
    return message


def template_send(*, conversation: Conversation, author, name: str, language: str, parameters: list[str]) -> Message:
    """Send one of the channel's pre-approved templates (allowed outside the reply window).

    The channel composes it (checks that the template exists and gets the right number of
    parameters); the outbox delivers it like any reply."""
    channel = channel_registry.get(conversation.inbox.kind)
    if channel.template_compose is None:
        raise ReplyRefused(_("This channel has no message templates."), code="templates_unsupported")
    try:
        composed = channel.template_compose(
            conversation=conversation, name=name, language=language, parameters=list(parameters)
        )
    except channel_registry.TemplateRefused as refused:
        raise ReplyRefused(refused.message, code=refused.code, **refused.params) from None
    return reply_send(
        conversation=conversation,
        author=author,
        text=composed.text,
        kind=MessageKind.TEMPLATE,
        content=composed.content,
    )


def _conversation_after_reply(conversation: Conversation, messages: list[Message]) -> None:
    """The conversation after the agent's message(s), sent together in this order."""
    changed = ["version", "updated_at"]
    first, last = messages[0], messages[-1]
    if not first.private:
        conversation.last_message_at = last.sent_at
        preview = last.text or first.text
        if not preview:
            preview = "📎 " + str(MessageKind(last.kind).label)
        conversation.last_message_preview = " ".join(preview.split())[:160]
        changed += ["last_message_at", "last_message_preview"]
        is_human = first.sender_type == SenderType.AGENT
        if is_human and conversation.first_response_at is None:
            conversation.first_response_at = first.sent_at
            changed.append("first_response_at")
            event_record(
                conversation=conversation,
                kind=EventKind.FIRST_RESPONSE,
                actor=first.author,
                data={"message_id": first.pk},
                at=first.sent_at,
            )
        for message in messages:
            event_record(
                conversation=conversation,
                kind=EventKind.MESSAGE_OUT,
                actor=message.author,
                data={"message_id": message.pk, "sender_type": message.sender_type},
                at=message.sent_at,
            )
    conversation.version += 1
    conversation.save(update_fields=changed)
