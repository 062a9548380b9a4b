"""Downloading the attachments customers send: Messenger gives a signed CDN URL per file that
expires, so it is fetched right after the message arrived (a task), within the platform's 25 MB
limit, without the Page token (the URL is the credential). Retries and the placeholder work as
for WhatsApp (`meta_platform.media`)."""

import mimetypes
from urllib.parse import unquote, urlparse

from meta_platform.media import MAX_ATTEMPTS, MB, MediaPermanent, attachment_fetch, retry_delay
from meta_platform.media_hosts import media_url_check

from .graph import PLATFORM, DownloadTooLarge, GraphError, graph_download

SIZE_LIMIT = 25 * MB

__all__ = ["MAX_ATTEMPTS", "media_fetch", "retry_delay"]


def media_fetch(attachment_id: int) -> str:
    """One download attempt: stored / retry / failed / skipped (not pending any more)."""
    return attachment_fetch(attachment_id, download=_download, filename=_filename, platform=PLATFORM)


def _download(attachment) -> tuple[bytes, str]:
    if not attachment.remote_url:
        raise MediaPermanent("Messenger gave no address for this file.")
    try:
        data, content_type = graph_download(attachment.remote_url, max_bytes=SIZE_LIMIT, url_check=media_url_check)
    except DownloadTooLarge as error:
        raise MediaPermanent("The file is larger than Messenger's limit of 25 MB: not downloaded.") from error
    except GraphError as error:
        # The CDN link expired or was never valid: no retry brings it back.
        if error.http_status in (403, 404, 410):
            raise MediaPermanent(f"The file is no longer available on Messenger ({error.message})") from error
        raise
    return data, content_type.split(";")[0].strip() or attachment.mime_type


def _filename(attachment, mime_type: str) -> str:
    if attachment.filename:
        return attachment.filename
    name = unquote(urlparse(attachment.remote_url).path.rsplit("/", 1)[-1])
    if attachment.kind == "document" and name and "." in name:
        return name[-120:]
    extension = mimetypes.guess_extension(mime_type) or ""
    return f"messenger-{attachment.kind}-{attachment.pk}{extension}"
