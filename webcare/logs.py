"""Logging setup: Django's dictConfig of settings.LOGGING, plus a filter that keeps secrets
carried in query strings out of the request logs.

Meta's webhook handshake sends the verify token as `?hub.verify_token=...`, and the web
servers log every request line with its query string (uvicorn's access log, its websocket
lines, Django's runserver). The filter sits on those loggers themselves, so it applies
whatever handlers a server installs, and it rewrites the record's arguments in place, because
uvicorn's access formatter reads them one by one.
"""

import logging
import logging.config
import re
from urllib.parse import unquote

REDACTED = "[redacted]"
# Loggers that write request lines (path and query string).
REQUEST_LOGGERS = ("uvicorn.access", "uvicorn.error", "django.request", "django.server", "gunicorn.access")
SENSITIVE_NAME_PARTS = ("token", "secret", "password", "passwd", "signature")
QUERY_PARAMETER = re.compile(r"(?P<lead>[?&;](?P<name>[^=&;?\s\"'#]+)=)(?P<value>[^&;\s\"'#]*)")


def _sensitive(name: str) -> bool:
    name = unquote(name).lower()
    return any(part in name for part in SENSITIVE_NAME_PARTS) or name.endswith("key")


def query_secrets_redacted(text: str) -> str:
    """`text` with the values of token-like query parameters replaced by [redacted]."""
    if "=" not in text:
        return text
    return QUERY_PARAMETER.sub(
        lambda m: m["lead"] + REDACTED if _sensitive(m["name"]) and m["value"] else m[0],
        text,
    )


class QuerySecretsFilter(logging.Filter):
    """Redacts token-like query parameters in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = query_secrets_redacted(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(query_secrets_redacted(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: query_secrets_redacted(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


class ClientErrorConciseFilter(logging.Filter):
    """A refused request (403, 404, 405: the client's doing) is one line, not a traceback: the
    traceback of a PermissionDenied says nothing the line does not. Server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True


def logging_configure(config: dict) -> None:
    """settings.LOGGING_CONFIG: Django's dictConfig, then the redaction on the request loggers
    (named here rather than in LOGGING, where naming a logger would drop the handlers its
    server gave it)."""
    logging.config.dictConfig(config)
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, QuerySecretsFilter) for f in logger.filters):
            logger.addFilter(QuerySecretsFilter())
    request_logger = logging.getLogger("django.request")
    if not any(isinstance(f, ClientErrorConciseFilter) for f in request_logger.filters):
        request_logger.addFilter(ClientErrorConciseFilter())
