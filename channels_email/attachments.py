"""The files of an email, stored from its raw bytes through the inbox's attachment rules.

Ingest makes a pending attachment per file part (`remote_id` "part:<n>"); here the part's bytes
go through `inbox.attachments.attachment_store`, which decides the stored type from the bytes
(an "image" that is a page or an SVG is stored as a download) and keeps a plain file name."""

from inbox import channel_registry
from inbox.attachments import attachment_download_claim, attachment_download_failed, attachment_store
from inbox.models import Attachment, AttachmentStatus, Message

from .models import RawEmail
from .parser import file_parts, message_parse, part_bytes
from .threads import linked_inbox_ids

MAX_ATTEMPTS = 3


def attachments_store(raw_email_id: int) -> int:
    """Store the pending files of the message made from this email (in this inbox, or in the
    conversation of another inbox it answered: a live chat continued by email); returns how
    many."""
    row = RawEmail.objects.select_related("inbox").filter(pk=raw_email_id).first()
    if row is None:
        return 0
    message = (
        Message.objects.select_related("inbox")
        .filter(inbox_id__in=linked_inbox_ids(row.inbox), external_id=row.message_id)
        .first()
    )
    if message is None:
        return 0
    pending = list(message.attachments.filter(status=AttachmentStatus.PENDING, remote_id__startswith="part:"))
    if not pending:
        return 0
    parts = file_parts(message_parse(bytes(row.raw)))
    stored = 0
    for attachment in pending:
        claimed = attachment_download_claim(attachment_id=attachment.pk, max_attempts=MAX_ATTEMPTS)
        if claimed is None:
            continue
        index = int(claimed.remote_id.split(":")[1])
        if index >= len(parts):
            attachment_download_failed(attachment=claimed, reason="The email has no such part.", final=True)
            continue
        attachment_store(
            attachment=claimed, data=part_bytes(parts[index]), mime_type=claimed.mime_type, filename=claimed.filename
        )
        stored += 1
    if stored and message.inbox_id != row.inbox_id:
        relayed = channel_registry.get(message.inbox.kind).message_relayed
        if relayed is not None:
            relayed(message, created=False)
    return stored


def inline_images(message: Message) -> dict[str, Attachment]:
    """The message's stored inline images by Content-ID (for the HTML view's cid: links)."""
    found = {}
    for attachment in message.attachments.filter(status=AttachmentStatus.STORED, remote_id__contains=":cid:"):
        found[attachment.remote_id.split(":cid:", 1)[1]] = attachment
    return found
