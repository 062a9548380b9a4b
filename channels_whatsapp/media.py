"""Downloading the media customers send: `GET /{media-id}` for a short-lived URL, then the
file with the inbox's token, within WhatsApp's size limits, checked against its SHA-256.

The network work happens here, outside any transaction; `inbox.attachments` stores the result.
"""

import base64
import hashlib
import logging
import mimetypes

from inbox.attachments import attachment_download_claim, attachment_download_failed, attachment_store

from .graph import DownloadTooLarge, GraphError, graph_download, graph_request

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# WhatsApp's own limits per kind (Cloud API media reference).
SIZE_LIMITS = {"audio": 16 * MB, "image": 5 * MB, "video": 16 * MB, "document": 100 * MB, "sticker": 500 * 1024}
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (30, 120, 600, 1800)


def retry_delay(attempt: int) -> int:
    return BACKOFF_SECONDS[min(attempt - 1, len(BACKOFF_SECONDS) - 1)]


class _Permanent(Exception):
    pass


def media_fetch(attachment_id: int) -> str:
    """One download attempt: stored / retry / failed / skipped (not pending any more)."""
    attachment = attachment_download_claim(attachment_id=attachment_id, max_attempts=MAX_ATTEMPTS)
    if attachment is None:
        return "skipped"
    try:
        data, mime_type = _download(attachment)
    except _Permanent as error:
        attachment_download_failed(attachment=attachment, reason=str(error), final=True)
        return "failed"
    except (GraphError, _Retry) as error:
        final = attachment.attempts >= MAX_ATTEMPTS
        reason = f"Could not download the file from WhatsApp: {error}"
        if final:
            reason = f"Gave up after {attachment.attempts} attempts. {reason}"
        attachment_download_failed(attachment=attachment, reason=reason, final=final)
        logger.info("attachment %s: download attempt %s failed: %s", attachment_id, attachment.attempts, error)
        return "failed" if final else "retry"
    attachment_store(attachment=attachment, data=data, mime_type=mime_type, filename=_filename(attachment, mime_type))
    return "stored"


class _Retry(Exception):
    pass


def _download(attachment) -> tuple[bytes, str]:
    inbox = attachment.message.inbox
    token = inbox.credentials.get("access_token", "")
    limit = SIZE_LIMITS.get(attachment.kind, SIZE_LIMITS["document"])
    try:
        meta = graph_request(
            "GET", f"/{attachment.remote_id}", token=token, params={"phone_number_id": inbox.external_id}
        )
    except GraphError as error:
        if error.http_status in (400, 404) and error.code not in (None, 1, 2, 4, 131000, 131016):
            raise _Permanent(f"The file is no longer available on WhatsApp ({error.message}).") from error
        raise
    declared = _int(meta.get("file_size"))
    if declared is not None and declared > limit:
        raise _Permanent(_too_large(attachment.kind, limit))
    if not meta.get("url"):
        raise _Retry("WhatsApp returned no download URL")
    try:
        data, content_type = graph_download(str(meta["url"]), token=token, max_bytes=limit)
    except DownloadTooLarge as error:
        raise _Permanent(_too_large(attachment.kind, limit)) from error
    expected = str(meta.get("sha256") or attachment.sha256 or "")
    if expected and not sha256_matches(data, expected):
        raise _Retry("the file's SHA-256 does not match what WhatsApp announced")
    mime_type = str(meta.get("mime_type") or attachment.mime_type or content_type.split(";")[0])
    return data, mime_type


def sha256_matches(data: bytes, expected: str) -> bool:
    """WhatsApp gives the digest as hex in some places and base64 in others: accept both."""
    digest = hashlib.sha256(data).digest()
    expected = expected.strip()
    return expected.lower() == digest.hex() or expected == base64.b64encode(digest).decode()


def _too_large(kind: str, limit: int) -> str:
    size = f"{limit // MB} MB" if limit >= MB else f"{limit // 1024} KB"
    return f"The {kind} is larger than WhatsApp's limit of {size}: not downloaded."


def _filename(attachment, mime_type: str) -> str:
    if attachment.filename:
        return attachment.filename
    extension = mimetypes.guess_extension(mime_type.split(";")[0].strip()) or ""
    if mime_type.startswith("audio/ogg"):
        extension = ".ogg"
    return f"whatsapp-{attachment.kind}-{attachment.remote_id}{extension}"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
