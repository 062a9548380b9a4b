"""The time zones people pick from: a short list of canonical zones.

The full tz database holds about 600 names, many of them deprecated aliases ("US/Eastern",
"Etc/GMT+5", "Navajo"). A person looks for their city among a few dozen; each name here is a
current zone of the tz database's country list (`zone.tab`).
"""

from zoneinfo import ZoneInfo

COMMON_TIME_ZONES = (
    "Europe/Amsterdam",
    "Europe/Brussels",
    "Europe/Luxembourg",
    "Europe/Berlin",
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/Paris",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Copenhagen",
    "Europe/Oslo",
    "Europe/Stockholm",
    "Europe/Helsinki",
    "Europe/Warsaw",
    "Europe/Prague",
    "Europe/Budapest",
    "Europe/Bucharest",
    "Europe/Athens",
    "Europe/Istanbul",
    "Europe/Kyiv",
    "Europe/Moscow",
    "Atlantic/Canary",
    "Africa/Casablanca",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "America/Paramaribo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Mexico_City",
    "UTC",
)


def time_zone_choices(*, current: str = "", blank: str = "") -> list[tuple[str, str]]:
    """The list as form choices, grouped by region order above; `current` stays selectable if a
    zone outside the list was saved before, and `blank` (a label) adds an empty first choice."""
    choices = [(zone, zone.replace("_", " ")) for zone in COMMON_TIME_ZONES]
    if current and current not in COMMON_TIME_ZONES and valid_time_zone(current):
        choices.append((current, current.replace("_", " ")))
    return [("", blank), *choices] if blank else choices


def valid_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return bool(name)
