"""Downloading the attachments customers send on the Messenger Platform (a Page's Messenger,
Instagram Direct): each file comes as a signed CDN URL that expires, so it is fetched right after
the message arrived (a task), within the platform's size limit, without a token (the URL is the
credential), and only from Meta's media hosts. Retries and the placeholder work as for WhatsApp
(`meta_platform.media`)."""

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from .graph import DownloadTooLarge, GraphError
from .media import MB, MediaPermanent, attachment_fetch
from .media_hosts import media_url_check


@dataclass(frozen=True)
class CdnMedia:
    platform: str  # "Messenger", "Instagram"
    graph_download: Callable  # (url, *, max_bytes, url_check) -> (bytes, content type)
    size_limit: int = 25 * MB

    def media_fetch(self, attachment_id: int) -> str:
        """One download attempt: stored / retry / failed / skipped (not pending any more)."""
        return attachment_fetch(attachment_id, download=self._download, filename=self._filename, platform=self.platform)

    def _download(self, attachment) -> tuple[bytes, str]:
        if not attachment.remote_url:
            raise MediaPermanent(f"{self.platform} gave no address for this file.")
        try:
            data, content_type = self.graph_download(
                attachment.remote_url, max_bytes=self.size_limit, url_check=media_url_check
            )
        except DownloadTooLarge as error:
            raise MediaPermanent(
                f"The file is larger than {self.platform}'s limit of {self.size_limit // MB} MB: not downloaded."
            ) from error
        except GraphError as error:
            # The CDN link expired or was never valid: no retry brings it back.
            if error.http_status in (403, 404, 410):
                raise MediaPermanent(f"The file is no longer available on {self.platform} ({error.message})") from error
            raise
        return data, content_type.split(";")[0].strip() or attachment.mime_type

    def _filename(self, attachment, mime_type: str) -> str:
        if attachment.filename:
            return attachment.filename
        name = unquote(urlparse(attachment.remote_url).path.rsplit("/", 1)[-1])
        if attachment.kind == "document" and name and "." in name:
            return name[-120:]
        extension = mimetypes.guess_extension(mime_type) or ""
        return f"{self.platform.lower()}-{attachment.kind}-{attachment.pk}{extension}"
