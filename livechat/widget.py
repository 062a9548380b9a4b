"""The widget script as served: one plain-JavaScript file with the inbox's public settings
filled in. It is everything a host page loads before the visitor opens the chat, so its
gzipped size is budgeted (bench/widget_size.py, tests/livechat/test_widget_size.py)."""

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from inbox.models import Inbox

from .selectors import widget_config

SOURCE = Path(__file__).resolve().parent / "static" / "livechat" / "widget.js"
PLACEHOLDER = "__WEBCARE_CONFIG__"
BUDGET_GZIPPED_BYTES = 15_000  # KB = 1,000 bytes, as in the research notes


@dataclass(frozen=True)
class Script:
    body: bytes
    gzipped: bytes
    etag: str


_source_cache: dict[str, tuple[float, str]] = {}
_script_cache: dict[tuple, Script] = {}


def _source() -> str:
    mtime = SOURCE.stat().st_mtime
    cached = _source_cache.get("widget")
    if cached is None or cached[0] != mtime:
        cached = (mtime, SOURCE.read_text(encoding="utf-8"))
        _source_cache["widget"] = cached
    return cached[1]


def _js_literal(value) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        text = text.replace(raw, f"\\u{ord(raw):04x}")
    return text


def widget_script(inbox: Inbox) -> Script:
    source = _source()
    cache_key = (inbox.pk, inbox.updated_at, _source_cache["widget"][0])
    script = _script_cache.get(cache_key)
    if script is None:
        body = source.replace(PLACEHOLDER, _js_literal(widget_config(inbox)), 1).encode()
        script = Script(
            body=body,
            gzipped=gzip.compress(body, compresslevel=9, mtime=0),
            etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        )
        if len(_script_cache) > 256:
            _script_cache.clear()
        _script_cache[cache_key] = script
    return script
