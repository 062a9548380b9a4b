"""Local days: the edge of "today" per inbox time zone, the periodic roll-up, cases at the end
of a past period, the backfill command."""

import json
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from inbox.availability import agent_availability_set
from reporting.kpis import ReportFilter, summary_compute
from reporting.models import ConversationDay, RollupRun
from reporting.services import reports_rollup
from tests.factories import make_inbox, make_user

from .conftest import ams

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_same_moment_is_today_in_new_york_and_tomorrow_in_amsterdam(timeline):
    # given: at 23:30 UTC on 1 April it is 01:30 on 2 April in Amsterdam (CEST, +2) and 19:30
    # on 1 April in New York (EDT, -4); both inboxes get a message then
    amsterdam = make_inbox("whatsapp", time_zone="Europe/Amsterdam")
    new_york = make_inbox("livechat", time_zone="America/New_York")
    for inbox in (amsterdam, new_york):
        chat = timeline(inbox).created(utc(2026, 4, 1, 23, 30))
        chat.customer(utc(2026, 4, 1, 23, 30))
    # when: the periodic roll-up runs at 23:45 UTC
    result = reports_rollup(now=utc(2026, 4, 1, 23, 45))
    # then: each inbox rolled its own today and yesterday
    assert sorted(map(tuple, result["rolled"])) == [
        (amsterdam.pk, "2026-04-01"),
        (amsterdam.pk, "2026-04-02"),
        (new_york.pk, "2026-03-31"),
        (new_york.pk, "2026-04-01"),
    ]
    first = summary_compute(report_filter=ReportFilter(start=date(2026, 4, 1), end=date(2026, 4, 1)))
    second = summary_compute(report_filter=ReportFilter(start=date(2026, 4, 2), end=date(2026, 4, 2)))
    assert first["volume"]["livechat"]["messages_in"] == 1 and first["volume"]["whatsapp"]["messages_in"] == 0
    assert second["volume"]["whatsapp"]["messages_in"] == 1 and second["volume"]["livechat"]["messages_in"] == 0
    assert first["volume"]["livechat"]["conversations"] == 1 and second["volume"]["whatsapp"]["conversations"] == 1


def test_yesterday_is_rolled_up_once_more_after_the_inboxs_midnight(timeline):
    inbox = make_inbox("whatsapp", time_zone="Europe/Amsterdam")
    chat = timeline(inbox).created(ams(2026, 4, 1, 23, 0))
    chat.customer(ams(2026, 4, 1, 23, 0))
    reports_rollup(now=ams(2026, 4, 1, 23, 50))
    # a message of 23:55 arrives late (after the 23:50 run)
    chat.customer(ams(2026, 4, 1, 23, 55))
    reports_rollup(now=ams(2026, 4, 2, 0, 5))
    assert ConversationDay.objects.get(day=date(2026, 4, 1)).messages_in == 2
    # after that, yesterday is left alone
    reports_rollup(now=ams(2026, 4, 2, 0, 10))
    assert RollupRun.objects.get(day=date(2026, 4, 1)).rolled_at == ams(2026, 4, 2, 0, 5)


def test_online_and_away_time_come_from_exact_status_periods_clipped_to_the_period():
    # given: Anna (Amsterdam inbox) goes Online at 23:00 the evening before the reported day,
    # Away at 09:00:10 for 20 minutes and 7 seconds, Online again until 01:00 the next night
    inbox = make_inbox("whatsapp", time_zone="Europe/Amsterdam")
    anna = make_user("anna", inboxes=[inbox])
    changes = [
        (ams(2026, 3, 31, 23, 0), "online"),
        (ams(2026, 4, 1, 9, 0, 10), "away"),
        (ams(2026, 4, 1, 9, 20, 17), "online"),
        (ams(2026, 4, 2, 1, 0), "offline"),
    ]
    for at, availability in changes:
        agent_availability_set(user_id=anna.pk, availability=availability, reason="chosen", now=at)
    # when: the report of 1 April
    summary = summary_compute(
        report_filter=ReportFilter(start=date(2026, 4, 1), end=date(2026, 4, 1)), now=ams(2026, 4, 3, 12, 0)
    )
    # then: midnight to 09:00:10 and 09:20:17 to midnight online, the 20 min 7 s away, exactly
    row = {r["name"]: r for r in summary["agents"]}["anna"]
    assert row["online_seconds"] == 24 * 3600 - (20 * 60 + 7)
    assert row["away_seconds"] == 20 * 60 + 7
    assert row["offline_seconds"] == 0


def test_a_status_still_current_counts_until_now():
    inbox = make_inbox("whatsapp", time_zone="Europe/Amsterdam")
    anna = make_user("anna", inboxes=[inbox])
    agent_availability_set(user_id=anna.pk, availability="online", reason="chosen", now=ams(2026, 4, 1, 8, 0))
    summary = summary_compute(
        report_filter=ReportFilter(start=date(2026, 4, 1), end=date(2026, 4, 1)), now=ams(2026, 4, 1, 10, 30, 5)
    )
    assert {r["name"]: r for r in summary["agents"]}["anna"]["online_seconds"] == 2 * 3600 + 30 * 60 + 5


def test_cases_are_counted_by_status_at_the_end_of_a_past_period(timeline):
    inbox = make_inbox("whatsapp", time_zone="Europe/Amsterdam")
    chat = timeline(inbox, status="open").created(ams(2026, 3, 30, 9, 0))
    chat.status(ams(2026, 3, 31, 9, 0), "open", "resolved")
    chat.event("reopened", ams(2026, 4, 1, 9, 0), **{"from": "resolved", "to": "open"})
    timeline(inbox, status="open").created(ams(2026, 4, 5, 9, 0))  # later: not there yet
    now = ams(2026, 4, 10, 12, 0)

    def cases(day):
        return summary_compute(report_filter=ReportFilter(start=day, end=day), now=now)["cases"]

    assert (cases(date(2026, 3, 30))["open"], cases(date(2026, 3, 30))["resolved"]) == (1, 0)
    assert (cases(date(2026, 3, 31))["open"], cases(date(2026, 3, 31))["resolved"]) == (0, 1)
    assert cases(date(2026, 4, 1))["open"] == 1 and cases(date(2026, 4, 1))["reopened"] == 1
    assert cases(date(2026, 4, 10))["open"] == 2  # today: the live statuses


def test_backfill_reports_prints_json_on_its_last_line(timeline):
    inbox = make_inbox("whatsapp", time_zone="Europe/Amsterdam")
    chat = timeline(inbox).created(ams(2026, 3, 30, 9, 0))
    chat.customer(ams(2026, 3, 30, 9, 0))
    out = StringIO()
    call_command("backfill_reports", "--from", "2026-03-29", "--to", "2026-03-31", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["days"] == 3 and result["inboxes"] == 1
    assert ConversationDay.objects.get().day == date(2026, 3, 30)
