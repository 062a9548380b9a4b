"""Tags, leads (tag or ad referral) and bots (handled alone vs handed over)."""

from datetime import date

import pytest

from reporting.kpis import ReportFilter, summary_compute
from reporting.rollup import inbox_day_rollup
from tests.factories import make_inbox, make_user

from .conftest import ams

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_tags_leads_and_bots_are_counted_per_conversation(timeline):
    # given
    whatsapp = make_inbox("whatsapp", time_zone="Europe/Amsterdam")
    anna = make_user("anna")
    from_ad = timeline(whatsapp, source={"channel": "whatsapp", "kind": "ad_referral", "lead": True})
    from_ad.created(ams(2026, 3, 31, 9, 0)).customer(ams(2026, 3, 31, 9, 0))
    from_ad.bot(ams(2026, 3, 31, 9, 0, 5))  # the bot answers it all
    tagged = timeline(whatsapp).created(ams(2026, 3, 31, 10, 0))
    tagged.customer(ams(2026, 3, 31, 10, 0))
    tagged.bot(ams(2026, 3, 31, 10, 0, 5))
    tagged.agent(ams(2026, 3, 31, 10, 5), anna)  # handed over
    for name in ("lead", "question", "product idea"):
        tagged.conversation.tags.create(name=name)
    both = timeline(whatsapp, source={"kind": "ad_referral", "lead": True}).created(ams(2026, 3, 31, 11, 0))
    both.conversation.tags.add(*tagged.conversation.tags.filter(name="lead"))
    old = timeline(whatsapp).created(ams(2026, 3, 30, 11, 0))  # another day
    old.conversation.tags.add(*tagged.conversation.tags.filter(name="question"))
    # when
    for day in (date(2026, 3, 30), date(2026, 3, 31)):
        inbox_day_rollup(inbox=whatsapp, day=day, now=ams(2026, 4, 2, 0, 0))
    summary = summary_compute(report_filter=ReportFilter(start=date(2026, 3, 31), end=date(2026, 3, 31)))
    # then
    assert summary["tags"] == {"lead": 2, "product idea": 1, "question": 1}
    assert summary["leads"] == {"whatsapp": 3}  # each lead once, by tag or by ad
    assert summary["bots"] == {"handled": 1, "handed_over": 1}
