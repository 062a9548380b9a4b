"""Downloading the media customers send: `GET /{media-id}` for a short-lived URL, then the
file with the inbox's token, within WhatsApp's size limits, checked against its SHA-256.

The network work happens here, outside any transaction; `inbox.attachments` stores the result.
"""

import base64
import hashlib
import mimetypes

from meta_platform.media import MAX_ATTEMPTS, MB, MediaPermanent, MediaRetry, attachment_fetch, retry_delay
from meta_platform.media_hosts import media_url_check

from .graph import PLATFORM, DownloadTooLarge, GraphError, graph_download, graph_request

# WhatsApp's own limits per kind (Cloud API media reference).
SIZE_LIMITS = {"audio": 16 * MB, "image": 5 * MB, "video": 16 * MB, "document": 100 * MB, "sticker": 500 * 1024}

__all__ = ["MAX_ATTEMPTS", "media_fetch", "retry_delay", "sha256_matches"]


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
            raise MediaPermanent(f"The file is no longer available on WhatsApp ({error.message}).") from error
        raise
    declared = _int(meta.get("file_size"))
    if declared is not None and declared > limit:
        raise MediaPermanent(_too_large(attachment.kind, limit))
    if not meta.get("url"):
        raise MediaRetry("WhatsApp returned no download URL")
    try:
        data, content_type = graph_download(str(meta["url"]), token=token, max_bytes=limit, url_check=media_url_check)
    except DownloadTooLarge as error:
        raise MediaPermanent(_too_large(attachment.kind, limit)) from error
    expected = str(meta.get("sha256") or attachment.sha256 or "")
    if expected and not sha256_matches(data, expected):
        raise MediaRetry("the file's SHA-256 does not match what WhatsApp announced")
    mime_type = str(meta.get("mime_type") or attachment.mime_type or content_type.split(";")[0])
    return data, mime_type


def media_fetch(attachment_id: int) -> str:
    """One download attempt: stored / retry / failed / skipped (not pending any more)."""
    return attachment_fetch(attachment_id, download=_download, filename=_filename, platform=PLATFORM)


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
