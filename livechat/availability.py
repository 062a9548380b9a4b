"""Is anyone there? Business hours and agents' availability, as the widget shows them.

`Inbox.business_hours` (weekly hours, holidays, exceptions, in the inbox's time zone) is read
by `inbox.business_hours`, the one module the widget, reporting and the bots share. Outside
the hours, or with no agent of the inbox online,
the widget says so and takes the message and an email address.
"""

from dataclasses import dataclass
from datetime import datetime

from inbox import business_hours
from inbox.models import Inbox
from inbox.selectors import inbox_online_agents

from .selectors import agent_public_name

MAX_AGENT_NAMES = 3


@dataclass(frozen=True)
class InboxAvailability:
    online: bool  # within hours and an agent is online
    within_hours: bool
    opens_at: datetime | None  # next opening when outside the hours
    agents: tuple[str, ...]  # agents online as visitors see them (`agent_public_name`), for the header


def within_hours(inbox: Inbox, at: datetime | None = None) -> bool:
    return business_hours.is_open(inbox, at)


def next_opening(inbox: Inbox, at: datetime | None = None) -> datetime | None:
    """The next moment the schedule opens (None when always open or never open)."""
    return business_hours.next_open(inbox, at)


def agents_online(inbox: Inbox) -> list[str]:
    """The inbox's members and team members who are online, as visitors see them (first names,
    the neutral label once for any without one)."""
    users = inbox_online_agents(inbox).order_by("agent_profile__updated_at")
    return list(dict.fromkeys(agent_public_name(user, inbox=inbox) for user in users[:20]))


def inbox_availability(inbox: Inbox, at: datetime | None = None) -> InboxAvailability:
    hours = within_hours(inbox, at)
    agents = agents_online(inbox)
    return InboxAvailability(
        online=hours and bool(agents),
        within_hours=hours,
        opens_at=None if hours else next_opening(inbox, at),
        agents=tuple(agents[:MAX_AGENT_NAMES]),
    )
