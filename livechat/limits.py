"""Abuse limits of the public widget, counted in Django's cache (Redis when configured, so the
counts hold across ASGI servers; per process on the embedded default).

Fixed windows: cheap (one `add` and one `incr`), and a burst at a window's edge can reach at
most twice the limit, which is fine for abuse protection.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import AttachmentRefused

MAX_TEXT_LENGTH = 5000
MAX_CLIENT_ID_LENGTH = 64
# Overridable in settings (LIVECHAT_MESSAGES_PER_MINUTE, ...) and, for messages and uploads,
# per inbox in Inbox.config["limits"] = {"messages_per_minute": .., "attachment_max_bytes": ..}.
MESSAGES_PER_MINUTE = 20
SESSIONS_PER_IP = 20
SESSIONS_WINDOW_SECONDS = 600
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "text/plain")

KEY_PREFIX = "livechat:limit"  # tests swap it per test so counts never leak between tests


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def _setting(name: str, default):
    return getattr(settings, f"LIVECHAT_{name}", default)


def _inbox_limit(inbox, name: str, default):
    value = ((inbox.config or {}).get("limits") or {}).get(name)
    return value if isinstance(value, int) and value > 0 else default


def hit(key: str, *, limit: int, window: int) -> Verdict:
    """Count one event in the current window; refuse it when the window is already full."""
    now = int(time.time())
    start = now - now % window
    full_key = f"{KEY_PREFIX}:{key}:{start}"
    cache.add(full_key, 0, timeout=window + 5)
    try:
        count = cache.incr(full_key)
    except ValueError:  # evicted between add and incr
        cache.set(full_key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        return Verdict(False, retry_after=start + window - now)
    return Verdict(True)


def session_start(ip: str) -> Verdict:
    """One new visitor session from `ip` (the client's address by kernel.proxies)."""
    return hit(
        f"session:{ip}",
        limit=_setting("SESSIONS_PER_IP", SESSIONS_PER_IP),
        window=_setting("SESSIONS_WINDOW_SECONDS", SESSIONS_WINDOW_SECONDS),
    )


def message_send(inbox, identity_key: str) -> Verdict:
    limit = _inbox_limit(inbox, "messages_per_minute", _setting("MESSAGES_PER_MINUTE", MESSAGES_PER_MINUTE))
    return hit(f"message:{inbox.pk}:{identity_key}", limit=limit, window=60)


def attachment_rules(inbox) -> dict:
    """What the widget shows before an upload and what the server enforces."""
    attachments = (inbox.config or {}).get("attachments") or {}
    types = attachments.get("types") or list(_setting("ATTACHMENT_TYPES", ATTACHMENT_TYPES))
    ceiling = _setting("ATTACHMENT_MAX_BYTES", ATTACHMENT_MAX_BYTES)
    # Only lower per inbox: the server refuses bodies over the global limit before any inbox is
    # looked up (webcare.body_limits), and the widget must not promise more.
    max_bytes = min(_inbox_limit(inbox, "attachment_max_bytes", ceiling), ceiling)
    return {"enabled": attachments.get("enabled", True) is not False, "types": list(types), "max_bytes": max_bytes}


def agent_attachment_kind(inbox, mime_type: str, size: int) -> str:
    """An agent's file for the visitor: any type up to the inbox's upload limit (the widget
    shows images inline and offers everything else as a download)."""

    max_bytes = attachment_rules(inbox)["max_bytes"]
    if size > max_bytes:
        raise AttachmentRefused(
            _("Live chat files can be at most {limit} MB."), code="file_too_large", limit=max_bytes // (1024 * 1024)
        )
    if size == 0:
        raise AttachmentRefused(_("The file is empty."), code="file_empty")
    return "image" if (mime_type or "").lower() in ATTACHMENT_TYPES[:4] else "document"
