"""The shared Graph API client (`meta_platform.graph`) as Instagram uses it: accounts connected
with Instagram Login talk to `settings.INSTAGRAM_GRAPH_URL` (graph.instagram.com) with an
Instagram user token, those connected through a Facebook Page to `settings.META_GRAPH_URL` with
the Page token. Attachment downloads go to Meta's CDN without a token (signed URLs)."""

from functools import partial

from django.conf import settings

from meta_platform.graph import DownloadTooLarge, GraphError
from meta_platform.graph import graph_download as _graph_download
from meta_platform.graph import graph_request as _graph_request

PLATFORM = "Instagram"
LOGIN_FACEBOOK = "facebook"
LOGIN_INSTAGRAM = "instagram"

graph_download = partial(_graph_download, token=None, platform=PLATFORM)

__all__ = ["DownloadTooLarge", "GraphError", "graph_download", "graph_request_for", "instagram_login"]


def instagram_login(inbox) -> bool:
    return (inbox.config or {}).get("login") == LOGIN_INSTAGRAM


def graph_request_for(method: str, path: str, *, inbox, token: str, **kwargs) -> dict:
    """A Graph API call for `inbox`, on the host its login type talks to."""
    base_url = settings.INSTAGRAM_GRAPH_URL if instagram_login(inbox) else ""
    return _graph_request(method, path, token=token, platform=PLATFORM, base_url=base_url, **kwargs)
