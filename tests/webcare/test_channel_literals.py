"""The core and the demo never name a channel: what differs per channel is declared in the
channel registry. A channel kind written as a string literal outside the channel apps (and
migrations) is a special case the next channel would have to find."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ["audit", "automation", "contacts", "crm", "demo", "inbox", "kernel", "reporting", "workspace", "webcare"]
KINDS = re.compile(r"""["'](whatsapp|messenger|livechat)["']""")
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
