"""Is anyone there? Business hours and agents' availability, as the widget shows them.

`Inbox.business_hours` is a weekly schedule in the inbox's time zone:

    {"mon": [["09:00", "17:30"]], "tue": [["09:00", "12:00"], ["13:00", "17:30"]], ..., "sun": []}

Days are mon tue wed thu fri sat sun; a missing day is closed; "24:00" ends at midnight. An
empty schedule means always open. Outside the hours, or with no agent of the inbox online,
the widget says so and takes the message and an email address.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from inbox.models import Availability, Inbox

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_AGENT_NAMES = 3


@dataclass(frozen=True)
class InboxAvailability:
    online: bool  # within hours and an agent is online
    within_hours: bool
    opens_at: datetime | None  # next opening when outside the hours
    agents: tuple[str, ...]  # first names of agents online, for the widget's header


def _zone(inbox: Inbox) -> ZoneInfo:
    try:
        return ZoneInfo(inbox.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _parse(value: str) -> time | None:
    try:
        hours, minutes = (int(part) for part in str(value).split(":"))
    except ValueError:
        return None
    if hours == 24 and minutes == 0:
        return time.max
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        return None
    return time(hours, minutes)


def _intervals(schedule: dict, day: int) -> list[tuple[time, time]]:
    result = []
    for item in schedule.get(DAYS[day]) or []:
        if isinstance(item, list | tuple) and len(item) == 2:
            start, end = _parse(item[0]), _parse(item[1])
            if start is not None and end is not None and start < end:
                result.append((start, end))
    return sorted(result)


def within_hours(inbox: Inbox, at: datetime | None = None) -> bool:
    schedule = inbox.business_hours or {}
    if not schedule:
        return True
    local = (at or timezone.now()).astimezone(_zone(inbox))
    return any(start <= local.time() < end for start, end in _intervals(schedule, local.weekday()))


def next_opening(inbox: Inbox, at: datetime | None = None) -> datetime | None:
    """The next moment the schedule opens (None when always open or never open)."""
    schedule = inbox.business_hours or {}
    if not schedule:
        return None
    zone = _zone(inbox)
    local = (at or timezone.now()).astimezone(zone)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        for start, _end in _intervals(schedule, day.weekday()):
            opening = datetime.combine(day, start, tzinfo=zone)
            if opening > local:
                return opening
    return None


def agents_online(inbox: Inbox) -> list[str]:
    """First names (or usernames) of the inbox's members and team members who are online."""
    members = Q(inboxes=inbox)
    if inbox.team_id:
        members |= Q(teams=inbox.team_id)
    users = (
        get_user_model()
        .objects.filter(members, is_active=True, agent_profile__availability=Availability.ONLINE)
        .distinct()
        .order_by("agent_profile__updated_at")
    )
    return [user.first_name or user.get_username() for user in users[:20]]


def inbox_availability(inbox: Inbox, at: datetime | None = None) -> InboxAvailability:
    hours = within_hours(inbox, at)
    agents = agents_online(inbox)
    return InboxAvailability(
        online=hours and bool(agents),
        within_hours=hours,
        opens_at=None if hours else next_opening(inbox, at),
        agents=tuple(agents[:MAX_AGENT_NAMES]),
    )
