"""The core and the demo never name a channel: what differs per channel is declared in the
channel registry. A channel kind written as a string literal outside the channel apps (and
migrations) is a special case the next channel would have to find."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ["audit", "automation", "contacts", "crm", "demo", "inbox", "kernel", "reporting", "workspace", "webcare"]
KINDS = re.compile(r"""["'](whatsapp|messenger|livechat|instagram)["']""")
# The project's settings list the apps by name; that is wiring, not a rule about a channel.
ALLOWED = {("webcare/settings.py", '    "livechat",')}


def test_no_channel_kind_literal_outside_the_channel_apps():
    found = []
    for app in CHECKED:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT).as_posix()
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if KINDS.search(line) and (relative, line.rstrip()) not in ALLOWED:
                    found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []


def test_the_core_templates_leave_channel_rendering_to_the_channels():
    """A channel's own way of showing a message comes through its registry entry
    (`message_template`), never from a core template that knows the channel."""
    special = re.compile(
        r"""include ["']channels_|inbox\.kind\s*==|\.kind\s*==\s*["'](whatsapp|messenger|livechat|instagram)"""
    )
    found = []
    for folder in ("inbox", "crm", "reporting", "workspace", "automation"):
        for path in sorted((ROOT / "templates" / folder).rglob("*.html")):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if special.search(line):
                    found.append(f"{path.relative_to(ROOT).as_posix()}:{number}")
    assert found == []
