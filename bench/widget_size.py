"""What the live-chat widget costs a host page before the visitor opens the chat.

Prints the gzipped size (gzip -9) of everything loaded at that point: the one widget script
as served for an inbox (config filled in). The launcher needs no other file: no CSS file, no
font, no image, no socket. The test suite fails when this passes the budget.

    .venv/bin/python bench/widget_size.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def widget_gzipped_size() -> int:
    from inbox.models import Inbox
    from livechat.widget import widget_script

    sample = Inbox(
        kind="livechat",
        name="Example shop customer service",
        public_key="x" * 32,
        config={
            "greeting": {"en": "Hi! How can we help?", "nl": "Hoi! Waarmee kunnen we helpen?"},
            "prechat": {"name": "optional", "email": "required", "phone": "optional"},
        },
    )
    return len(widget_script(sample).gzipped)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()
    from livechat.widget import BUDGET_GZIPPED_BYTES, SOURCE, widget_script  # noqa: F401

    size = widget_gzipped_size()
    raw = SOURCE.stat().st_size
    print(f"widget.js: {raw:,} bytes source, {size:,} bytes gzipped as served (budget {BUDGET_GZIPPED_BYTES:,})")
    print(f"loaded before the chat is opened: 1 request, {size:,} bytes gzipped")
    sys.exit(0 if size <= BUDGET_GZIPPED_BYTES else 1)


if __name__ == "__main__":
    main()
