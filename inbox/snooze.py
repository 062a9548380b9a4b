"""Snooze presets: "1 hour", "tonight", "tomorrow 09:00", "next week" (Monday 09:00), each a
moment in the agent's time zone (the one active for the request), so "tomorrow 09:00" is nine
in the morning where the agent is, whatever the server's zone."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TONIGHT = time(18, 0)
MORNING = time(9, 0)

PRESET_LABELS = {
    "hour": _("1 hour"),
    "tonight": _("Tonight"),
    "tomorrow": _("Tomorrow"),
    "next_week": _("Next week"),
}


@dataclass(frozen=True)
class SnoozePreset:
    key: str
    label: str
    until: datetime  # aware


def _at(day, clock: time, zone) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock), zone)


def snooze_preset_time(key: str, *, now: datetime | None = None) -> datetime | None:
    """When the preset `key` ends, seen from `now`, or None (unknown, or tonight has begun)."""
    zone = timezone.get_current_timezone()
    now = timezone.localtime(now or timezone.now(), zone)
    today = now.date()
    if key == "hour":
        return (now + timedelta(hours=1)).replace(second=0, microsecond=0)
    if key == "tonight":
        return _at(today, TONIGHT, zone) if now.time() < TONIGHT else None
    if key == "tomorrow":
        return _at(today + timedelta(days=1), MORNING, zone)
    if key == "next_week":
        return _at(today + timedelta(days=7 - today.weekday()), MORNING, zone)
    return None


def snooze_presets(*, now: datetime | None = None) -> list[SnoozePreset]:
    """The presets that lie ahead, in order, for the snooze menu."""
    presets = []
    for key, label in PRESET_LABELS.items():
        until = snooze_preset_time(key, now=now)
        if until is not None:
            presets.append(SnoozePreset(key=key, label=str(label), until=until))
    return presets
