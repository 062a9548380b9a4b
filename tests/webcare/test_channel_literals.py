"""The core and the demo never name a channel: what differs per channel is declared in the
channel registry. A channel kind written as a string literal outside the channel apps (and
migrations) is a special case the next channel would have to find."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every app of the import contract but the channels and the code they share.
_APPS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
CHECKED = sorted(app for app in _APPS if not app.startswith("channels_") and app not in {"livechat", "meta_platform"})
KINDS = re.compile(r"""["'](whatsapp|messenger|livechat|instagram)["']""")
# "email" is also a contact's field, so it counts as a channel kind only where a kind or channel
# is compared with it, set to it or looked up by it.
EMAIL_KIND = re.compile(
    r"""(kind|channel)\w*\s*(==|!=|=)\s*["']email["']"""
    r"""|["']email["']\s*(==|!=)\s*[\w.]*(kind|channel)"""
    r"""|(kind|channel)\w*\s+(not\s+)?in\s*[(\[{][^)\]}]*["']email["']"""
    r"""|channel_registry\.\w+\(\s*["']email["']"""
)
# The project's settings list the apps by name; that is wiring, not a rule about a channel.
ALLOWED = {("webcare/settings.py", '    "livechat",')}


def test_the_check_covers_every_core_app():
    core = {"audit", "automation", "contacts", "crm", "demo", "inbox", "kernel", "reporting", "workspace", "webcare"}
    assert core <= set(CHECKED)


def test_no_channel_kind_literal_outside_the_channel_apps():
    found = []
    for app in CHECKED:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT).as_posix()
            for number, line in enumerate(path.read_text().splitlines(), 1):
                named = KINDS.search(line) or EMAIL_KIND.search(line)
                if named and (relative, line.rstrip()) not in ALLOWED:
                    found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []


def test_the_core_templates_leave_channel_rendering_to_the_channels():
    """A channel's own way of showing a message comes through its registry entry
    (`message_template`), never from a core template that knows the channel."""
    special = re.compile(
        r"""include ["']channels_|inbox\.kind\s*==|\.kind\s*==\s*["'](whatsapp|messenger|livechat|instagram|email)"""
    )
    found = []
    core = [ROOT / "templates" / "base.html"]
    for folder in ("inbox", "crm", "reporting", "workspace", "automation", "registration"):
        core += sorted((ROOT / "templates" / folder).rglob("*.html"))
    for path in core:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if special.search(line):
                found.append(f"{path.relative_to(ROOT).as_posix()}:{number}")
    assert found == []
