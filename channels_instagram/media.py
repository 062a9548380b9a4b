"""Downloading the files customers send on Instagram Direct: the shared CDN download
(`meta_platform.messaging_media`) within Instagram's 25 MB limit. Story media is never
downloaded (Meta's policy: keep only the link)."""

from meta_platform.media import MAX_ATTEMPTS, MB
from meta_platform.messaging_media import CdnMedia

from .graph import PLATFORM, graph_download

MEDIA = CdnMedia(platform=PLATFORM, graph_download=graph_download, size_limit=25 * MB)
media_fetch = MEDIA.media_fetch

__all__ = ["MAX_ATTEMPTS", "media_fetch"]
