"""The roll-up on constructed timelines, against figures computed by hand (docs/kpis.md)."""

from datetime import date

import pytest

from reporting.kpis import ReportFilter, summary_compute
from reporting.models import ResolutionFact, ResponseFact
from reporting.rollup import inbox_day_rollup
from tests.factories import make_inbox

from .conftest import WEEKDAYS_9_TO_5, ams

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def rollup(inbox, *days):
    for day in days:
        inbox_day_rollup(inbox=inbox, day=day, now=ams(2026, 4, 2, 12, 0))


def test_business_hours_clock_skips_the_weekend_across_the_dst_change(office_inbox, timeline, agents):
    # given: a customer writes on Friday 27 March 2026 16:30 (CET); the clocks go forward on
    # Sunday 29 March; the agent answers on Monday 30 March 09:30 (CEST)
    anna, _ = agents
    chat = timeline(office_inbox).created(ams(2026, 3, 27, 16, 30))
    chat.customer(ams(2026, 3, 27, 16, 30))
    chat.agent(ams(2026, 3, 30, 9, 30), anna)
    # when
    rollup(office_inbox, date(2026, 3, 27), date(2026, 3, 30))
    # then: wall clock Fri 15:30 UTC -> Mon 07:30 UTC = 64 h (one hour lost to DST);
    # business clock 30 min on Friday + 30 min on Monday
    fact = ResponseFact.objects.get()
    assert fact.day == date(2026, 3, 30)
    assert fact.wall_seconds == pytest.approx(64 * 3600)
    assert fact.business_seconds == pytest.approx(3600)
    assert fact.seconds == pytest.approx(3600)
    assert fact.is_first and not fact.within_target  # target 30 minutes
    assert fact.agent == anna


def test_bot_time_is_excluded_and_private_notes_never_answer(office_inbox, timeline, agents):
    # given: Tuesday 31 March 2026 in office hours
    anna, ben = agents
    chat = timeline(office_inbox).created(ams(2026, 3, 31, 10, 0))
    chat.customer(ams(2026, 3, 31, 10, 0, 0))
    chat.bot(ams(2026, 3, 31, 10, 0, 5))
    chat.customer(ams(2026, 3, 31, 10, 2, 0), "I want a person")
    chat.bot(ams(2026, 3, 31, 10, 2, 10), "Handing you over")
    chat.agent(ams(2026, 3, 31, 10, 3, 0), anna, "note: VIP customer", private=True)
    chat.agent(ams(2026, 3, 31, 10, 7, 10), anna)
    chat.customer(ams(2026, 3, 31, 10, 20, 0))
    chat.agent(ams(2026, 3, 31, 10, 21, 0), ben, "note to self", private=True)
    chat.agent(ams(2026, 3, 31, 10, 30, 0), ben)
    chat.agent(ams(2026, 3, 31, 10, 31, 0), anna, "And one more thing")
    # when
    rollup(office_inbox, date(2026, 3, 31))
    # then: first response from the bot's hand-over (10:02:10) to Anna (10:07:10) = 300 s;
    # the next response from the customer's 10:20 to Ben's 10:30 = 600 s; Anna's last reply
    # answers no waiting customer; the private notes count nowhere
    facts = {f.agent.username: f for f in ResponseFact.objects.select_related("agent")}
    assert set(facts) == {"anna", "ben"}
    assert facts["anna"].is_first and facts["anna"].seconds == pytest.approx(300)
    assert not facts["ben"].is_first and facts["ben"].seconds == pytest.approx(600)
    summary = summary_compute(report_filter=ReportFilter(start=date(2026, 3, 31), end=date(2026, 3, 31)))
    assert summary["first_response"]["median_seconds"] == 300
    assert summary["first_response"]["within_target_share"] == 1.0
    assert summary["next_response"]["median_seconds"] == 600
    assert summary["volume"]["whatsapp"]["messages_in"] == 3
    assert summary["volume"]["whatsapp"]["messages_out"] == 5  # 3 human + 2 bot, no notes
    assert summary["bots"] == {"handled": 0, "handed_over": 1}
    by_agent = {row["name"]: row for row in summary["agents"]}
    assert by_agent["anna"]["replies"] == 2 and by_agent["anna"]["median_response_seconds"] == 300
    assert by_agent["ben"]["replies"] == 1 and by_agent["ben"]["median_response_seconds"] == 600
    assert by_agent["anna"]["conversations"] == by_agent["ben"]["conversations"] == 1


def test_every_reopen_cycle_is_a_resolution_sample(office_inbox, timeline, agents):
    # given: created Tue 09:00, resolved 11:00 (2 h); the customer reopens it on Wednesday
    # 08:00 and it is resolved again at 08:30 (30 min)
    anna, _ = agents
    chat = timeline(office_inbox).created(ams(2026, 3, 31, 9, 0))
    chat.status(ams(2026, 3, 31, 11, 0), "open", "resolved", actor=anna)
    chat.event("reopened", ams(2026, 4, 1, 8, 0), **{"from": "resolved", "to": "open"})
    chat.status(ams(2026, 4, 1, 8, 30), "open", "resolved", actor=anna)
    chat.status(ams(2026, 4, 1, 9, 0), "resolved", "closed", actor=anna)  # archiving resolves nothing
    # when
    rollup(office_inbox, date(2026, 3, 31), date(2026, 4, 1))
    # then: samples 7200 and 1800: median 4500, mean 4500, p90 = 1800 + 0.9 * 5400 = 6660
    assert sorted(ResolutionFact.objects.values_list("seconds", flat=True)) == [1800, 7200]
    summary = summary_compute(report_filter=ReportFilter(start=date(2026, 3, 31), end=date(2026, 4, 1)))
    assert summary["resolution"]["median_seconds"] == 4500
    assert summary["resolution"]["p90_seconds"] == 6660
    assert summary["resolution"]["mean_seconds"] == 4500
    assert summary["cases"]["reopened"] == 1
    assert summary["cases"]["resolved_in_period"] == 2


def test_rolling_up_twice_gives_the_same_rows(office_inbox, timeline, agents):
    chat = timeline(office_inbox).created(ams(2026, 3, 31, 10, 0))
    chat.customer(ams(2026, 3, 31, 10, 0))
    chat.agent(ams(2026, 3, 31, 10, 10), agents[0])
    rollup(office_inbox, date(2026, 3, 31))
    rollup(office_inbox, date(2026, 3, 31))
    assert ResponseFact.objects.count() == 1


def test_handling_runs_from_taking_a_conversation_to_handing_it_on_or_resolving(office_inbox, timeline, agents):
    # given: Anna takes it at 10:00, hands it to Ben at 10:30, Ben resolves it at 11:15
    anna, ben = agents
    chat = timeline(office_inbox).created(ams(2026, 3, 31, 9, 55))
    chat.event("assigned", ams(2026, 3, 31, 10, 0), actor=anna, **{"from": None, "to": anna.pk})
    chat.event("assigned", ams(2026, 3, 31, 10, 30), actor=anna, **{"from": anna.pk, "to": ben.pk})
    chat.status(ams(2026, 3, 31, 11, 15), "open", "resolved", actor=ben)
    # when
    rollup(office_inbox, date(2026, 3, 31))
    summary = summary_compute(report_filter=ReportFilter(start=date(2026, 3, 31), end=date(2026, 3, 31)))
    # then
    by_agent = {row["name"]: row for row in summary["agents"]}
    assert (by_agent["anna"]["handled"], by_agent["anna"]["handling_seconds"]) == (1, 1800)
    assert (by_agent["ben"]["handled"], by_agent["ben"]["handling_seconds"]) == (1, 2700)
    assert summary["resolution"]["median_seconds"] == 80 * 60  # 09:55 -> 11:15
    other_tag = ReportFilter(start=date(2026, 3, 31), end=date(2026, 3, 31), tag="question")
    assert summary_compute(report_filter=other_tag)["agents"] == []  # the filters hold for handling too


def test_a_breached_first_response_is_listed(office_inbox, timeline, agents):
    chat = timeline(office_inbox).created(ams(2026, 3, 31, 10, 0))
    chat.customer(ams(2026, 3, 31, 10, 0))
    chat.agent(ams(2026, 3, 31, 10, 45), agents[0])
    rollup(office_inbox, date(2026, 3, 31))
    first = summary_compute(report_filter=ReportFilter(start=date(2026, 3, 31), end=date(2026, 3, 31)))[
        "first_response"
    ]
    assert first["within_target_share"] == 0.0 and first["breaches_total"] == 1
    assert first["breaches"][0]["conversation"] == chat.conversation.pk
    assert (first["breaches"][0]["seconds"], first["breaches"][0]["target_seconds"]) == (2700, 1800)


def test_without_the_business_clock_service_level_counts_wall_time_and_hours_split_activity(timeline, agents):
    # given: a schedule but the business-hours clock off (the default)
    inbox = make_inbox("whatsapp", time_zone="Europe/Amsterdam", business_hours=WEEKDAYS_9_TO_5)
    weekend = timeline(inbox).created(ams(2026, 3, 28, 11, 0))  # Saturday
    weekend.customer(ams(2026, 3, 28, 11, 0))
    weekend.agent(ams(2026, 3, 28, 11, 20), agents[0])  # an agent on duty at the weekend
    monday = timeline(inbox).created(ams(2026, 3, 30, 10, 0))
    monday.customer(ams(2026, 3, 30, 10, 0))
    # when
    rollup(inbox, date(2026, 3, 28), date(2026, 3, 30))
    summary = summary_compute(report_filter=ReportFilter(start=date(2026, 3, 28), end=date(2026, 3, 30)))
    # then: 20 wall-clock minutes (0 business seconds would hide a weekend wait)
    fact = ResponseFact.objects.get()
    assert (fact.wall_seconds, fact.business_seconds, fact.seconds) == (1200, 0, 1200)
    assert summary["business_hours"] == {
        "inside": 1,
        "outside": 2,
        "customer_messages": {"inside": 1, "outside": 1},
        "conversations": {"inside": 1, "outside": 1},
    }


def test_next_responses_are_held_to_the_next_response_target(office_inbox, timeline, agents):
    # given: first-response target 30 minutes, next-response target 5 minutes; the first
    # answer takes 10 minutes (within 30), the next ones 4 minutes (within 5) and 20 minutes
    # (over 5, though within the first-response target)
    office_inbox.next_response_target_seconds = 300
    office_inbox.save()
    anna, ben = agents
    chat = timeline(office_inbox).created(ams(2026, 3, 31, 10, 0))
    chat.customer(ams(2026, 3, 31, 10, 0))
    chat.agent(ams(2026, 3, 31, 10, 10), anna)
    chat.customer(ams(2026, 3, 31, 10, 30))
    chat.agent(ams(2026, 3, 31, 10, 34), anna)
    chat.customer(ams(2026, 3, 31, 11, 0))
    chat.agent(ams(2026, 3, 31, 11, 20), ben)
    # when
    rollup(office_inbox, date(2026, 3, 31))
    # then
    later = ResponseFact.objects.filter(is_first=False).order_by("replied_at")
    assert [(f.target_seconds, f.within_target) for f in later] == [(300, True), (300, False)]
    summary = summary_compute(report_filter=ReportFilter(start=date(2026, 3, 31), end=date(2026, 3, 31)))
    assert summary["first_response"]["within_target_share"] == 1.0
    assert summary["next_response"]["within_target_share"] == 0.5
    assert summary["next_response"]["breaches_total"] == 1
    level = summary["service_level"]["whatsapp"]
    assert (level["within_target_share"], level["next_within_target_share"], level["next_responses"]) == (1.0, 0.5, 2)
    by_agent = {row["name"]: row for row in summary["agents"]}
    assert by_agent["ben"]["within_target_share"] == 0.0


def test_without_a_next_response_target_next_responses_are_neither_within_nor_over(office_inbox, timeline, agents):
    anna, _ = agents
    chat = timeline(office_inbox).created(ams(2026, 3, 31, 10, 0))
    chat.customer(ams(2026, 3, 31, 10, 0))
    chat.agent(ams(2026, 3, 31, 10, 10), anna)
    chat.customer(ams(2026, 3, 31, 11, 0))
    chat.agent(ams(2026, 3, 31, 12, 0), anna)  # an hour: over the 30-minute first-response target
    rollup(office_inbox, date(2026, 3, 31))
    later = ResponseFact.objects.get(is_first=False)
    assert (later.target_seconds, later.within_target) == (None, None)
    summary = summary_compute(report_filter=ReportFilter(start=date(2026, 3, 31), end=date(2026, 3, 31)))
    assert summary["next_response"]["within_target_share"] is None
    assert summary["next_response"]["count"] == 1
    assert {row["name"]: row for row in summary["agents"]}["anna"]["within_target_share"] == 1.0
