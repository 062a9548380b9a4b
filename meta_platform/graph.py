"""A small client for Meta's Graph API: one place for the base URL, the bearer token, timeouts
and Meta's error shape, used by the WhatsApp and Messenger channels.

The base URL is `settings.META_GRAPH_URL`, read at call time (tests point it at a local fake).
Every failure becomes a `GraphError` carrying Meta's `code` and `error_subcode` (None for
transport failures) and the HTTP status, so each channel classifies it once. `platform` is the
name an agent reads in transport errors ("Could not reach Messenger").
"""

import logging
import threading
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30
DOWNLOAD_CHUNK = 64 * 1024
MAX_REDIRECTS = 3

_local = threading.local()


class GraphError(Exception):
    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        http_status: int | None = None,
        details: str = "",
        title: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.subcode = subcode
        self.http_status = http_status
        self.details = details
        self.title = title


class DownloadTooLarge(Exception):
    pass


def _session() -> requests.Session:
    # One keep-alive session per thread (requests' Session is not documented as thread-safe).
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def graph_url(path: str, *, base_url: str = "") -> str:
    return f"{(base_url or settings.META_GRAPH_URL).rstrip('/')}/{path.lstrip('/')}"


def graph_request(method: str, path: str, *, token: str, platform: str = "Meta", base_url: str = "", **kwargs) -> dict:
    """Call the Graph API and return its JSON answer; raise GraphError on any failure.
    `base_url` is another Graph host (Instagram Login's); empty: `settings.META_GRAPH_URL`."""
    headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    try:
        response = _session().request(
            method,
            graph_url(path, base_url=base_url),
            headers=headers,
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            **kwargs,
        )
    except requests.Timeout as error:
        raise GraphError(f"{platform} did not answer in time ({type(error).__name__}).") from error
    except requests.RequestException as error:
        raise GraphError(f"Could not reach {platform} ({type(error).__name__}).") from error
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if response.status_code >= 400 or not isinstance(answer, dict) or "error" in answer:
        raise _error_from(response, answer, platform)
    return answer


def _error_from(response: requests.Response, answer, platform: str) -> GraphError:
    error = answer.get("error") if isinstance(answer, dict) else None
    if not isinstance(error, dict):
        return GraphError(f"{platform} answered HTTP {response.status_code}.", http_status=response.status_code)
    details = str((error.get("error_data") or {}).get("details") or "")
    message = str(error.get("message") or f"HTTP {response.status_code}")
    return GraphError(
        message,
        code=_int(error.get("code")),
        subcode=_int(error.get("error_subcode")),
        http_status=response.status_code,
        details=details,
        title=str(error.get("error_user_title") or ""),
    )


def graph_download(
    url: str, *, token: str | None, max_bytes: int, platform: str = "Meta", url_check=None
) -> tuple[bytes, str]:
    """Download a media URL, stopping as soon as it grows past `max_bytes`. With `token` the
    request carries it as a bearer token (WhatsApp media URLs refuse downloads without); without
    it none is sent (Messenger's CDN links are signed URLs: the Page token stays with Meta's
    Graph host). With `url_check` (`meta_platform.media_hosts.media_url_check`) the URL and
    every redirect are checked before they are followed, and the connection reaches public
    addresses only unless the check trusts the origin as it is. Returns (bytes, content type)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            session = _session()
            if url_check is not None and url_check(url):
                from .media_hosts import public_session

                session = public_session()
            with session.get(
                url,
                headers=headers,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                stream=True,
                allow_redirects=url_check is None,
            ) as response:
                if response.is_redirect:
                    target = urljoin(url, response.headers["Location"])
                    if urlsplit(target).netloc != urlsplit(url).netloc:
                        headers = {}  # the token is for Meta's host, not for where it sends us
                    url = target
                    continue
                return _download_body(response, max_bytes)
        raise GraphError(f"The media download from {platform} redirected too often.")
    except requests.Timeout as error:
        raise GraphError(f"The media download from {platform} timed out ({type(error).__name__}).") from error
    except requests.RequestException as error:
        raise GraphError(f"Could not download the media from {platform} ({type(error).__name__}).") from error


def _download_body(response: requests.Response, max_bytes: int) -> tuple[bytes, str]:
    if response.status_code >= 400:
        raise GraphError(f"Media download answered HTTP {response.status_code}.", http_status=response.status_code)
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise DownloadTooLarge(f"{int(declared)} bytes")
    chunks, size = [], 0
    for chunk in response.iter_content(DOWNLOAD_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise DownloadTooLarge(f"more than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks), response.headers.get("Content-Type", "")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
