"""A survey's messages are feedback, not conversation: the question is no bot message, the
answer and comment are no customer messages and start no response clock; the answer counts
in CSAT/NPS on the day answered."""

from datetime import date

import pytest

from reporting.kpis import ReportFilter, summary_compute
from reporting.models import SurveyMessage, SurveyRequest
from reporting.rollup import inbox_day_rollup
from reporting.services import survey_response_record
from tests.factories import make_inbox, make_user

from .conftest import ams

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_survey_messages_are_left_out_of_volume_bots_and_response_times(timeline):
    # given: asked 09:00, answered 09:10 (reply 09:20); survey 09:30, answer 09:31, comment 09:32;
    # the customer writes again at 10:00 and Anna answers at 10:05
    inbox = make_inbox("whatsapp", time_zone="Europe/Amsterdam")
    anna = make_user("anna")
    talk = timeline(inbox, assignee=anna).created(ams(2026, 3, 31, 9, 0))
    talk.customer(ams(2026, 3, 31, 9, 0))
    talk.agent(ams(2026, 3, 31, 9, 10), anna)
    talk.status(ams(2026, 3, 31, 9, 29), "open", "resolved")
    request = SurveyRequest.objects.create(
        conversation=talk.conversation, inbox=inbox, kind="csat", language="nl", sent_at=ams(2026, 3, 31, 9, 30)
    )
    question = talk.bot(ams(2026, 3, 31, 9, 30), "Hoe tevreden ben je?")
    answer = talk.customer(ams(2026, 3, 31, 9, 31), "4")
    comment = talk.customer(ams(2026, 3, 31, 9, 32), "Snel geholpen")
    for message, role in ((question, "question"), (answer, "answer"), (comment, "comment")):
        SurveyMessage.objects.create(message=message, request=request, role=role)
    survey_response_record(
        conversation=talk.conversation, kind="csat", score=4, comment="Snel geholpen", at=ams(2026, 3, 31, 9, 31)
    )
    talk.status(ams(2026, 3, 31, 10, 0), "resolved", "open")
    talk.customer(ams(2026, 3, 31, 10, 0), "Nog een vraag")
    talk.agent(ams(2026, 3, 31, 10, 5), anna)
    # when
    inbox_day_rollup(inbox=inbox, day=date(2026, 3, 31), now=ams(2026, 4, 1, 9, 0))
    summary = summary_compute(report_filter=ReportFilter(start=date(2026, 3, 31), end=date(2026, 3, 31)))
    # then
    assert summary["volume"]["whatsapp"]["messages_in"] == 2
    assert summary["volume"]["whatsapp"]["messages_out"] == 2
    assert summary["bots"] == {"handled": 0, "handed_over": 0}
    assert summary["first_response"]["median_seconds"] == 600
    assert summary["next_response"]["median_seconds"] == 300  # from 10:00, not from the answer at 09:31
    assert summary["csat"]["average"] == 4 and summary["csat"]["comments"][0]["comment"] == "Snel geholpen"
