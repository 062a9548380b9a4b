"""A small client for Meta's Graph API (WhatsApp Cloud API): one place for the base URL, the
inbox's bearer token, timeouts and Meta's error shape.

The base URL is `settings.META_GRAPH_URL`, read at call time (tests point it at a local fake).
Every failure becomes a `GraphError` carrying Meta's `code` (None for transport failures) and
the HTTP status, so callers classify it once (`channels_whatsapp.errors`).
"""

import logging
import threading

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30
DOWNLOAD_CHUNK = 64 * 1024

_local = threading.local()


class GraphError(Exception):
    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        http_status: int | None = None,
        details: str = "",
        title: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
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


def graph_url(path: str) -> str:
    return f"{settings.META_GRAPH_URL.rstrip('/')}/{path.lstrip('/')}"


def graph_request(method: str, path: str, *, token: str, **kwargs) -> dict:
    """Call the Graph API and return its JSON answer; raise GraphError on any failure."""
    headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    try:
        response = _session().request(
            method, graph_url(path), headers=headers, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), **kwargs
        )
    except requests.Timeout as error:
        raise GraphError(f"WhatsApp did not answer in time ({type(error).__name__}).") from error
    except requests.RequestException as error:
        raise GraphError(f"Could not reach WhatsApp ({type(error).__name__}).") from error
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if response.status_code >= 400 or not isinstance(answer, dict) or "error" in answer:
        raise _error_from(response, answer)
    return answer


def _error_from(response: requests.Response, answer) -> GraphError:
    error = answer.get("error") if isinstance(answer, dict) else None
    if not isinstance(error, dict):
        return GraphError(f"WhatsApp answered HTTP {response.status_code}.", http_status=response.status_code)
    try:
        code = int(error.get("code"))
    except (TypeError, ValueError):
        code = None
    details = str((error.get("error_data") or {}).get("details") or "")
    message = str(error.get("message") or f"HTTP {response.status_code}")
    return GraphError(
        message,
        code=code,
        http_status=response.status_code,
        details=details,
        title=str(error.get("error_user_title") or ""),
    )


def graph_download(url: str, *, token: str, max_bytes: int) -> tuple[bytes, str]:
    """Download a media URL with the bearer token (Meta refuses it without), stopping as soon
    as it grows past `max_bytes`. Returns (bytes, content type)."""
    try:
        with _session().get(
            url, headers={"Authorization": f"Bearer {token}"}, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), stream=True
        ) as response:
            if response.status_code >= 400:
                raise GraphError(
                    f"Media download answered HTTP {response.status_code}.", http_status=response.status_code
                )
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
    except requests.Timeout as error:
        raise GraphError(f"The media download timed out ({type(error).__name__}).") from error
    except requests.RequestException as error:
        raise GraphError(f"Could not download the media ({type(error).__name__}).") from error
