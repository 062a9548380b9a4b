"""Local days and business hours of an inbox as concrete UTC intervals.

SQL cannot apply an IANA time zone on SQLite, and business-hours overlaps are easiest as
interval arithmetic; so each inbox's calendar is unrolled once per local date with zoneinfo
(which knows every DST change) into `ReportDay` and `BusinessHoursInterval` rows, and the
roll-up joins against them. A changed schedule or time zone unrolls everything again.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Min

# The schedule (weekly hours, holidays, exceptions) is read by the module the widget and the
# bots share, so every part of Webcare agrees on when an inbox is open.
from inbox.business_hours import always_open, inbox_zone, opening_instants
from inbox.models import Conversation, Inbox, Message

from .models import BusinessHoursCoverage, BusinessHoursInterval, ReportDay

__all__ = ["day_bounds", "inbox_zone", "local_date", "calendar_ensure", "always_open"]


def day_bounds(zone: ZoneInfo, day: date) -> tuple[datetime, datetime]:
    """The UTC start and end of a local calendar day (23 or 25 hours on DST days)."""
    start = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return start, end


def local_date(zone: ZoneInfo, moment: datetime) -> date:
    return moment.astimezone(zone).date()


def _business_intervals(inbox: Inbox, zone: ZoneInfo, day: date) -> list[BusinessHoursInterval]:
    return [
        BusinessHoursInterval(
            inbox=inbox, day=day, starts_at=starts_at.astimezone(UTC), ends_at=ends_at.astimezone(UTC)
        )
        for starts_at, ends_at in opening_instants(inbox, day, zone)
    ]


def _unroll(inbox: Inbox, zone: ZoneInfo, first: date, last: date) -> None:
    days, intervals = [], []
    day = first
    while day <= last:
        start, end = day_bounds(zone, day)
        days.append(ReportDay(inbox=inbox, day=day, starts_at=start, ends_at=end))
        intervals.extend(_business_intervals(inbox, zone, day))
        day += timedelta(days=1)
    ReportDay.objects.bulk_create(days, batch_size=2000)
    BusinessHoursInterval.objects.bulk_create(intervals, batch_size=2000)


def _earliest_day(inbox: Inbox, zone: ZoneInfo, fallback: date) -> date:
    firsts = [
        Message.objects.filter(inbox=inbox).aggregate(first=Min("sent_at"))["first"],
        Conversation.objects.filter(inbox=inbox).aggregate(first=Min("created_at"))["first"],
    ]
    known = [moment for moment in firsts if moment is not None]
    return min([local_date(zone, moment) for moment in known] + [fallback])


def calendar_ensure(*, inbox: Inbox, first: date, last: date) -> None:
    """Make sure the inbox's days (and business hours) from its first data (or `first`) up to
    `last` are unrolled. Cheap when nothing changed: only missing days are added."""
    zone = inbox_zone(inbox)
    schedule = inbox.business_hours or {}
    with transaction.atomic():
        coverage = BusinessHoursCoverage.objects.select_for_update().filter(inbox=inbox).first()
        if coverage and (coverage.schedule != schedule or coverage.time_zone != str(zone)):
            ReportDay.objects.filter(inbox=inbox).delete()
            BusinessHoursInterval.objects.filter(inbox=inbox).delete()
            coverage.delete()
            coverage = None
        if coverage is None:
            start = _earliest_day(inbox, zone, first) - timedelta(days=1)
            _unroll(inbox, zone, start, last)
            BusinessHoursCoverage.objects.create(
                inbox=inbox, schedule=schedule, time_zone=str(zone), first_day=start, last_day=last
            )
            return
        if first < coverage.first_day:
            _unroll(inbox, zone, first, coverage.first_day - timedelta(days=1))
            coverage.first_day = first
        if last > coverage.last_day:
            _unroll(inbox, zone, coverage.last_day + timedelta(days=1), last)
            coverage.last_day = last
        coverage.save()
