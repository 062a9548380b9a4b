"""Writes on attachments that a channel downloads after the message arrived.

A channel app fetches the bytes from its platform (network, outside any transaction) and then
calls these services, which own the Attachment rows: claim a download attempt, store the file
with Django's storage API, or record the failure. Each change announces `message_updated` so
the agent's placeholder turns into the file (or into "could not be downloaded").
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F

from .files import SNIFF_BYTES, safe_filename, stored_type
from .ingest import message_updated_publish
from .models import Attachment, AttachmentStatus


def attachment_download_claim(*, attachment_id: int, max_attempts: int) -> Attachment | None:
    """Count one download attempt of a pending attachment; None when it is no longer pending
    or has used up its attempts (a second worker, a finished download)."""
    claimed = Attachment.objects.filter(
        pk=attachment_id, status=AttachmentStatus.PENDING, attempts__lt=max_attempts
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return None
    return Attachment.objects.select_related("message__inbox").get(pk=attachment_id)


def attachment_store(*, attachment: Attachment, data: bytes, mime_type: str, filename: str) -> Attachment:
    """Save the downloaded bytes (default storage, MEDIA_ROOT) with their size and SHA-256.
    The platform's type and name are claims: the type stored is what the bytes are, the name
    a plain file name (a `../` in it would make storage refuse the file)."""
    mime_type = stored_type(data[:SNIFF_BYTES], mime_type or attachment.mime_type)
    filename = safe_filename(filename, fallback=f"file-{attachment.pk}")
    attachment.file.save(filename, ContentFile(data), save=False)
    with transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(
            file=attachment.file.name,
            filename=safe_filename(attachment.filename) if attachment.filename else "",
            mime_type=mime_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            status=AttachmentStatus.STORED,
            error="",
        )
        message_updated_publish(attachment.message)
    attachment.refresh_from_db()
    return attachment


def attachment_download_failed(*, attachment: Attachment, reason: str, final: bool) -> None:
    """Record why a download failed; `final` marks it failed for good (shown to the agent)."""
    with transaction.atomic():
        fields = {"error": reason[:2000]}
        if final:
            fields["status"] = AttachmentStatus.FAILED
        Attachment.objects.filter(pk=attachment.pk, status=AttachmentStatus.PENDING).update(**fields)
        if final:
            message_updated_publish(attachment.message)
