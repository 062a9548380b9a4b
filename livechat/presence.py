"""Whether a visitor still has the widget open: the last moment one of their sockets was heard.

A connected widget speaks at least every minute (it asks for the inbox's availability), and
every frame and every connect and disconnect stamps the time in the shared cache. So "no widget
open for N minutes" is a stamp older than N minutes (and older than a minute and a half, the
longest a connected widget can be silent). No stamp at all is a visitor who is gone.
"""

import time

from django.core.cache import cache

SILENT_CONNECTED_SECONDS = 90
KEEP_SECONDS = 7 * 24 * 3600


def _key(inbox_id: int, identity_key: str) -> str:
    return f"livechat-presence:{inbox_id}:{identity_key}"


def presence_touch(inbox_id: int, identity_key: str, *, at: float | None = None) -> None:
    cache.set(_key(inbox_id, identity_key), time.time() if at is None else at, KEEP_SECONDS)


def seconds_away(inbox_id: int, identity_key: str) -> float | None:
    """Seconds since the visitor's widget was last heard; None when it never was (or long ago)."""
    stamp = cache.get(_key(inbox_id, identity_key))
    return None if stamp is None else max(time.time() - float(stamp), 0.0)


def visitor_away(inbox_id: int, identity_key: str, *, minutes: float) -> bool:
    away = seconds_away(inbox_id, identity_key)
    return away is None or away >= max(minutes * 60, SILENT_CONNECTED_SECONDS)
