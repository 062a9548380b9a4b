"""The shared Graph API client (`meta_platform.graph`) as Messenger uses it: transport errors
name Messenger; attachment downloads go to Meta's CDN without the Page token (signed URLs)."""

from functools import partial

from meta_platform.graph import DownloadTooLarge, GraphError
from meta_platform.graph import graph_download as _graph_download
from meta_platform.graph import graph_request as _graph_request

PLATFORM = "Messenger"

graph_request = partial(_graph_request, platform=PLATFORM)
graph_download = partial(_graph_download, token=None, platform=PLATFORM)

__all__ = ["DownloadTooLarge", "GraphError", "graph_download", "graph_request"]
