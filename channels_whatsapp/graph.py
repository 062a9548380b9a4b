"""The shared Graph API client (`meta_platform.graph`) as WhatsApp uses it: transport errors
name WhatsApp, and media downloads carry the token (WhatsApp refuses them without)."""

from functools import partial

from meta_platform.graph import DownloadTooLarge, GraphError
from meta_platform.graph import graph_download as _graph_download
from meta_platform.graph import graph_request as _graph_request

PLATFORM = "WhatsApp"

graph_request = partial(_graph_request, platform=PLATFORM)
graph_download = partial(_graph_download, platform=PLATFORM)

__all__ = ["DownloadTooLarge", "GraphError", "graph_download", "graph_request"]
