"""Business hours of an inbox: the one reading of `Inbox.business_hours`, shared by the
live-chat widget (offline mode), reporting (service-level clocks) and the bots.

The schedule is JSON in the inbox's time zone (`Inbox.time_zone`):

    {
      "mon": [["09:00", "17:30"]], "tue": [["09:00", "12:00"], ["13:00", "17:30"]], ..., "sun": [],
      "holidays": ["2026-12-25", "2026-12-26"],           # closed all day
      "exceptions": {"2026-12-24": [["09:00", "13:00"]]}  # other hours on that date ([] = closed)
    }

Days are mon tue wed thu fri sat sun; a missing day is closed; "24:00" ends at midnight. With no
weekday listed, every day is open around the clock (an empty schedule is always open), minus
holidays and exceptions. Times are wall-clock times: an interval is turned into instants per
local date with zoneinfo, so DST days get their 23 or 25 hours and comparisons are made on
instants, never on naive clock readings.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOLIDAYS = "holidays"
EXCEPTIONS = "exceptions"
LOOKAHEAD_DAYS = 400  # a year of holidays cannot hide the next opening
ALL_DAY = [(time.min, time.max)]


def inbox_zone(inbox) -> ZoneInfo:
    """The inbox's time zone (UTC when it is missing or unknown)."""
    try:
        return ZoneInfo(inbox.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_clock(value) -> time | None:
    """ "09:30" -> time(9, 30); "24:00" -> time.max (the end of the day); junk -> None."""
    try:
        hours, minutes = (int(part) for part in str(value).split(":"))
    except ValueError:
        return None
    if hours == 24 and minutes == 0:
        return time.max
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        return None
    return time(hours, minutes)


def _clean(items) -> list[tuple[time, time]]:
    result = []
    for item in items or []:
        if isinstance(item, list | tuple) and len(item) == 2:
            start, end = parse_clock(item[0]), parse_clock(item[1])
            if start is not None and end is not None and start < end:
                result.append((start, end))
    return sorted(result)


def has_weekly(schedule: dict) -> bool:
    return any(day in schedule for day in DAYS)


def weekday_intervals(schedule: dict, weekday: int) -> list[tuple[time, time]]:
    """The weekly hours of a weekday (0 = Monday), ignoring holidays and exceptions."""
    if not has_weekly(schedule):
        return list(ALL_DAY)
    return _clean(schedule.get(DAYS[weekday]))


def _holidays(schedule: dict) -> set[str]:
    value = schedule.get(HOLIDAYS) or []
    return {str(item) for item in value} if isinstance(value, list) else set()


def intervals_on(schedule: dict, day: date) -> list[tuple[time, time]]:
    """The local opening hours of one calendar date: its exception, else closed on a holiday,
    else the weekday's hours. `time.max` as an end means midnight."""
    schedule = schedule or {}
    exceptions = schedule.get(EXCEPTIONS)
    if isinstance(exceptions, dict) and day.isoformat() in exceptions:
        return _clean(exceptions[day.isoformat()])
    if day.isoformat() in _holidays(schedule):
        return []
    return weekday_intervals(schedule, day.weekday())


def always_open(inbox) -> bool:
    """No weekly hours, holidays or exceptions: open around the clock."""
    schedule = inbox.business_hours or {}
    return not has_weekly(schedule) and not _holidays(schedule) and not schedule.get(EXCEPTIONS)


def opening_instants(inbox, day: date, zone: ZoneInfo | None = None) -> list[tuple[datetime, datetime]]:
    """The opening hours of a local date as aware datetimes in the inbox's zone."""
    zone = zone or inbox_zone(inbox)
    result = []
    for start, end in intervals_on(inbox.business_hours or {}, day):
        starts_at = datetime.combine(day, start, tzinfo=zone)
        if end == time.max:
            ends_at = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
        else:
            ends_at = datetime.combine(day, end, tzinfo=zone)
        result.append((starts_at, ends_at))
    return result


def is_open(inbox, at: datetime | None = None) -> bool:
    """Is the inbox within its business hours at `at` (default: now)?"""
    if always_open(inbox):
        return True
    zone = inbox_zone(inbox)
    moment = (at or timezone.now()).astimezone(zone)
    # Compared as UTC instants: Python compares two datetimes of the same zone by wall clock,
    # which is wrong in the repeated hour when DST ends.
    instant = moment.astimezone(UTC)
    return any(
        start.astimezone(UTC) <= instant < end.astimezone(UTC)
        for start, end in opening_instants(inbox, moment.date(), zone)
    )


def next_open(inbox, at: datetime | None = None) -> datetime | None:
    """The next moment after `at` at which the inbox opens, in its zone (None when always
    open, or when nothing opens within a year)."""
    if always_open(inbox):
        return None
    zone = inbox_zone(inbox)
    moment = (at or timezone.now()).astimezone(zone)
    for offset in range(LOOKAHEAD_DAYS):
        day = moment.date() + timedelta(days=offset)
        for start, _end in opening_instants(inbox, day, zone):
            if start.astimezone(UTC) > moment.astimezone(UTC):
                return start
    return None


def closed_period_key(inbox, at: datetime | None = None) -> str:
    """A name for the closed period `at` lies in (its reopening time): once-per-period
    behaviour (out-of-hours replies) compares these. Empty when open."""
    if is_open(inbox, at):
        return ""
    opening = next_open(inbox, at)
    return opening.isoformat() if opening else "never"
