"""Downloading the attachments customers send on Messenger: the shared CDN download
(`meta_platform.messaging_media`) within Messenger's 25 MB limit."""

from meta_platform.media import MAX_ATTEMPTS, MB, retry_delay
from meta_platform.messaging_media import CdnMedia

from .graph import PLATFORM, graph_download

SIZE_LIMIT = 25 * MB
MEDIA = CdnMedia(platform=PLATFORM, graph_download=graph_download, size_limit=SIZE_LIMIT)
media_fetch = MEDIA.media_fetch

__all__ = ["MAX_ATTEMPTS", "MB", "SIZE_LIMIT", "media_fetch", "retry_delay"]
