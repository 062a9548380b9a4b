"""Business hours: midnight, DST, holidays and exceptions, in the inbox's time zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from inbox import business_hours as bh
from inbox.models import Inbox

AMS = ZoneInfo("Europe/Amsterdam")
WEEKDAYS = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def inbox_with(schedule, zone="Europe/Amsterdam") -> Inbox:
    return Inbox(kind="livechat", name="x", business_hours=schedule, time_zone=zone)


def test_an_interval_to_24_00_runs_until_midnight_and_the_next_day_opens_at_its_own_time():
    inbox = inbox_with({"fri": [["20:00", "24:00"]], "sat": [["00:00", "02:00"]]})
    assert bh.is_open(inbox, datetime(2026, 1, 9, 23, 59, 59, tzinfo=AMS))
    assert bh.is_open(inbox, datetime(2026, 1, 10, 0, 0, tzinfo=AMS))
    assert not bh.is_open(inbox, datetime(2026, 1, 10, 2, 0, tzinfo=AMS))


def test_dst_spring_forward_day_keeps_wall_clock_hours():
    inbox = inbox_with({"sun": [["01:00", "05:00"]]})  # 29 March 2026: 02:00 -> 03:00 in Amsterdam
    opening = bh.opening_instants(inbox, datetime(2026, 3, 29).date())[0]
    assert (opening[1].astimezone(UTC) - opening[0].astimezone(UTC)).total_seconds() == 3 * 3600  # one hour skipped
    assert bh.is_open(inbox, datetime(2026, 3, 29, 0, 30, tzinfo=UTC))  # 01:30 CET
    assert bh.is_open(inbox, datetime(2026, 3, 29, 2, 30, tzinfo=UTC))  # 04:30 CEST
    assert not bh.is_open(inbox, datetime(2026, 3, 29, 3, 0, tzinfo=UTC))  # 05:00 CEST


def test_dst_fall_back_week_opens_at_nine_local_before_and_after():
    inbox = inbox_with(WEEKDAYS)
    # Friday 23 Oct 2026 09:00 CEST is 07:00 UTC; Monday 26 Oct 09:00 CET is 08:00 UTC.
    assert bh.is_open(inbox, datetime(2026, 10, 23, 7, 0, tzinfo=UTC))
    assert not bh.is_open(inbox, datetime(2026, 10, 26, 7, 30, tzinfo=UTC))
    assert bh.next_open(inbox, datetime(2026, 10, 24, 12, 0, tzinfo=UTC)) == datetime(2026, 10, 26, 9, 0, tzinfo=AMS)
    assert bh.next_open(inbox, datetime(2026, 10, 24, 12, 0, tzinfo=UTC)).astimezone(UTC).hour == 8


def test_holidays_close_and_the_next_opening_skips_them():
    inbox = inbox_with({**WEEKDAYS, "holidays": ["2026-12-25", "2026-12-28"]})
    assert not bh.is_open(inbox, datetime(2026, 12, 25, 10, 0, tzinfo=AMS))
    assert bh.next_open(inbox, datetime(2026, 12, 24, 18, 0, tzinfo=AMS)) == datetime(2026, 12, 29, 9, 0, tzinfo=AMS)


def test_an_exception_replaces_the_day_hours():
    inbox = inbox_with(
        {**WEEKDAYS, "exceptions": {"2026-12-24": [["09:00", "13:00"]], "2026-12-27": [["10:00", "12:00"]]}}
    )
    assert not bh.is_open(inbox, datetime(2026, 12, 24, 14, 0, tzinfo=AMS))  # short Christmas Eve
    assert bh.is_open(inbox, datetime(2026, 12, 27, 11, 0, tzinfo=AMS))  # an extra Sunday
    assert bh.next_open(inbox, datetime(2026, 12, 24, 14, 0, tzinfo=AMS)) == datetime(2026, 12, 25, 9, 0, tzinfo=AMS)


def test_only_holidays_means_open_around_the_clock_except_on_them():
    inbox = inbox_with({"holidays": ["2026-01-01"]})
    assert bh.is_open(inbox, datetime(2026, 1, 2, 3, 0, tzinfo=AMS))
    assert not bh.is_open(inbox, datetime(2026, 1, 1, 12, 0, tzinfo=AMS))
    assert bh.next_open(inbox, datetime(2026, 1, 1, 12, 0, tzinfo=AMS)) == datetime(2026, 1, 2, 0, 0, tzinfo=AMS)


def test_the_closed_period_key_is_the_same_all_night_and_changes_the_next_night():
    inbox = inbox_with(WEEKDAYS)
    evening = bh.closed_period_key(inbox, datetime(2026, 1, 5, 18, 0, tzinfo=AMS))
    assert evening == bh.closed_period_key(inbox, datetime(2026, 1, 6, 7, 0, tzinfo=AMS))
    assert evening != bh.closed_period_key(inbox, datetime(2026, 1, 6, 18, 0, tzinfo=AMS))
    assert bh.closed_period_key(inbox, datetime(2026, 1, 6, 10, 0, tzinfo=AMS)) == ""


@pytest.mark.django_db
def test_reporting_unrolls_holidays_from_the_same_schedule():
    from reporting.calendar import calendar_ensure
    from reporting.models import BusinessHoursInterval
    from tests.factories import make_inbox

    inbox = make_inbox("whatsapp", business_hours={**WEEKDAYS, "holidays": ["2026-12-25"]})
    calendar_ensure(inbox=inbox, first=datetime(2026, 12, 21).date(), last=datetime(2026, 12, 27).date())
    days = set(BusinessHoursInterval.objects.filter(inbox=inbox).values_list("day", flat=True))
    assert datetime(2026, 12, 24).date() in days and datetime(2026, 12, 25).date() not in days
