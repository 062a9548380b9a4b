"""Business hours and the widget's online / offline state."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from inbox.models import Availability, Inbox
from livechat.availability import inbox_availability, next_opening, within_hours
from tests.factories import make_inbox, make_user

AMS = ZoneInfo("Europe/Amsterdam")
WEEKDAYS = {"mon": [["09:00", "17:30"]], "tue": [["09:00", "12:00"], ["13:00", "17:30"]], "fri": [["09:00", "24:00"]]}


def inbox_with(hours) -> Inbox:
    return Inbox(kind="livechat", name="x", business_hours=hours, time_zone="Europe/Amsterdam")


def test_an_empty_schedule_is_always_open():
    assert within_hours(inbox_with({}), datetime(2026, 1, 4, 3, 0, tzinfo=AMS))
    assert next_opening(inbox_with({}), datetime(2026, 1, 4, 3, 0, tzinfo=AMS)) is None


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 1, 5, 9, 0), True),  # Monday opening minute
        (datetime(2026, 1, 5, 17, 30), False),  # closing is exclusive
        (datetime(2026, 1, 6, 12, 30), False),  # Tuesday lunch
        (datetime(2026, 1, 9, 23, 59), True),  # Friday until midnight
        (datetime(2026, 1, 10, 10, 0), False),  # Saturday: not listed
    ],
)
def test_hours_are_read_in_the_inbox_time_zone(local, expected):
    inbox = inbox_with(WEEKDAYS)
    assert within_hours(inbox, local.replace(tzinfo=AMS)) is expected
    # The same moment given in UTC gives the same answer.
    assert within_hours(inbox, local.replace(tzinfo=AMS).astimezone(ZoneInfo("UTC"))) is expected


def test_the_next_opening_skips_closed_days():
    inbox = inbox_with(WEEKDAYS)
    assert next_opening(inbox, datetime(2026, 1, 10, 10, 0, tzinfo=AMS)) == datetime(2026, 1, 12, 9, 0, tzinfo=AMS)
    assert next_opening(inbox, datetime(2026, 1, 6, 12, 30, tzinfo=AMS)) == datetime(2026, 1, 6, 13, 0, tzinfo=AMS)


@pytest.mark.django_db
def test_online_needs_an_agent_of_the_inbox_online_within_hours():
    inbox = make_inbox("livechat")
    outsider = make_user("outsider")  # online, but not a member of this inbox
    outsider.agent_profile.availability = Availability.ONLINE
    outsider.agent_profile.save()
    member = make_user("anna", inboxes=[inbox])
    assert inbox_availability(inbox).online is False
    member.first_name = "Anna"
    member.save()
    member.agent_profile.availability = Availability.ONLINE
    member.agent_profile.save()
    state = inbox_availability(inbox)
    assert state.online is True and state.agents == ("Anna",)
    inbox.business_hours = {"sun": [["00:00", "00:01"]]}
    closed = inbox_availability(inbox, datetime(2026, 1, 5, 12, 0, tzinfo=AMS))
    assert closed.online is False and closed.opens_at == datetime(2026, 1, 11, 0, 0, tzinfo=AMS)
