"""A stored email -> the inbox: a customer message, an automatic reply, a bounce, or nothing.

Runs inside `services.raw_email_process`'s transaction. Each outcome is idempotent: the
message's Message-ID is its external id (a second run finds it), a bounce only moves our reply
to `failed` once.
"""

import logging
from dataclasses import replace
from datetime import timedelta

from django.utils import timezone

from inbox import channel_registry
from inbox.ingest import message_ingest, status_update_apply
from inbox.models import Direction, Message, MessageKind
from inbox.normalized import InboundAttachment, InboundMessage, SenderProfile, StatusUpdate
from kernel.tasks import enqueue_on_commit

from .addresses import identity_address, is_own_address, thread_identity
from .models import RawEmail
from .parser import MAX_BYTES, ParsedEmail, email_parse
from .threads import conversation_for

logger = logging.getLogger(__name__)


def raw_email_apply(row: RawEmail) -> str:
    inbox = row.inbox
    parsed = email_parse(bytes(row.raw))
    if not parsed.sender.email:
        return "no_sender"
    if parsed.bounce is not None:
        return _bounce_apply(inbox, parsed)
    if is_own_address(inbox, parsed.sender.email):
        return "own_address"  # our own reply (a copy, a loop): never a customer message
    conversation = conversation_for(inbox, parsed)
    if parsed.auto_reply:
        if conversation is None:
            return "unthreaded_auto_reply"  # nothing of ours it answers: kept raw only
        identity = conversation.identity.external_id
    elif conversation is not None and identity_address(conversation.identity.external_id) == parsed.sender.email:
        identity = conversation.identity.external_id
    elif conversation is not None:
        # Someone else on the thread (a colleague in CC) answered: the same conversation.
        identity = conversation.identity.external_id
    else:
        identity = thread_identity(parsed.sender.email, parsed.message_id)
    if conversation is not None and conversation.inbox_id != inbox.pk:
        # An answer to a reply that continued another inbox's conversation by email (a live
        # chat the visitor left): it belongs there, as that visitor. The address is not the
        # platform's to vouch for there, so it changes nothing on the contact.
        # Its files are stored as any email's are; that channel shows the answer where the
        # customer is now (an open chat widget).
        inbound = replace(_inbound(row, parsed, identity), sender=SenderProfile(external_id=identity))
        result = message_ingest(inbox=conversation.inbox, inbound=inbound)
        if result.created:
            relayed = channel_registry.get(conversation.inbox.kind).message_relayed
            if relayed is not None:
                relayed(result.message, created=True)
        _attachments_enqueue(row, result, inbound)
        return "auto_reply" if parsed.auto_reply else "message"
    inbound = _inbound(row, parsed, identity)
    result = message_ingest(inbox=inbox, inbound=inbound)
    _attachments_enqueue(row, result, inbound)
    return "auto_reply" if parsed.auto_reply else "message"


def _attachments_enqueue(row: RawEmail, result, inbound: InboundMessage) -> None:
    if result.created and inbound.attachments:  # the files of the message just stored
        from .tasks import attachments_store_task

        enqueue_on_commit(attachments_store_task, row.pk, inline_if_broker_down=_attachments_store)


def _attachments_store(raw_email_id: int) -> None:
    from .attachments import attachments_store

    attachments_store(raw_email_id)


def _bounce_apply(inbox, parsed: ParsedEmail) -> str:
    bounce = parsed.bounce
    ours = Message.objects.filter(inbox=inbox, external_id=bounce.original_message_id, direction=Direction.OUT)
    if not ours.exists():
        logger.info("bounce for a message we do not know (%s) kept raw only", bounce.original_message_id)
        return "unknown_bounce"
    status_update_apply(
        inbox=inbox,
        update=StatusUpdate(
            external_id=bounce.original_message_id,
            status="failed",
            timestamp=parsed.date or timezone.now(),
            error_code=bounce.status,
            error=f"The email bounced: {bounce.reason}",
        ),
    )
    return "bounce"


def _inbound(row: RawEmail, parsed: ParsedEmail, identity: str) -> InboundMessage:
    now = timezone.now()
    # The sender's clock decides the order of old mail; a date in the future is not believed.
    at = parsed.date if parsed.date and parsed.date <= now + timedelta(minutes=5) else row.received_at
    email_content = {
        "subject": parsed.subject,
        "subject_key": parsed.subject_key,
        "from": {"email": parsed.sender.email, "name": parsed.sender.name},
        "to": [a.email for a in parsed.to],
        "cc": [a.email for a in parsed.cc if not is_own_address(row.inbox, a.email)],
        "message_id": parsed.message_id,
        "quoted": parsed.quoted[:20000],
        "signature": parsed.signature[:2000],
        "html": bool(parsed.html),
        "remote_images": parsed.remote_images,
        "raw_email_id": row.pk,
    }
    if parsed.auto_reply:
        email_content["auto_reply"] = True
    if row.truncated and row.size > MAX_BYTES:
        email_content["too_large_bytes"] = row.size
    elif row.truncated:
        email_content["too_complex"] = True
    text = parsed.reply
    if row.truncated:
        text = parsed.subject
    return InboundMessage(
        external_id=parsed.message_id,
        sender=SenderProfile(
            external_id=identity,
            display_name=parsed.sender.name or parsed.sender.email,
            email=identity_address(identity),
            details_verified=True,
        ),
        timestamp=at,
        # An automatic reply is stored, but as the system's notice, not the customer's words: it
        # reopens nothing, starts no clock and gets no automatic answer back.
        kind=MessageKind.SYSTEM if parsed.auto_reply else MessageKind.TEXT,
        text=text[:20000],
        content={"email": email_content},
        attachments=tuple(
            InboundAttachment(
                kind=_kind(part.mime_type),
                mime_type=part.mime_type,
                filename=part.filename,
                remote_id=f"part:{part.index}" + (f":cid:{part.content_id}" if part.content_id else ""),
                size=part.size,
            )
            for part in parsed.parts
        ),
        reply_to_external_id=parsed.in_reply_to,
    )


def _kind(mime_type: str) -> str:
    major = mime_type.split("/", 1)[0]
    return {"image": "image", "audio": "audio", "video": "video"}.get(major, "document")
