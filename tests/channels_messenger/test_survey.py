"""The feedback survey on Messenger: NPS as quick replies after a resolution, the tapped quick
reply's payload is the score; free text is a normal message."""

import itertools
import time

import pytest

from inbox.models import Conversation
from inbox.services import conversation_update
from reporting.models import SurveyResponse, SurveySetting
from tests.channels_messenger.fakes import PSID

pytestmark = pytest.mark.django_db

FIXTURE_TIME = "1795000000000"
_clock = itertools.count(1)


@pytest.fixture
def now_deliver(deliver):
    """A fixture as if it arrived now (the survey goes out only inside 24 hours)."""

    def post(name: str):
        return deliver(name, replace={FIXTURE_TIME: str(int(time.time() * 1000) + next(_clock))})

    return post


@pytest.fixture
def resolved(graph, page_inbox, now_deliver, django_capture_on_commit_callbacks):
    SurveySetting.objects.create(inbox=page_inbox, survey="nps")
    page_inbox.config = {"language": "de"}
    page_inbox.save()
    now_deliver("text")
    conversation = Conversation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        conversation_update(conversation=conversation, actor=None, status="resolved")
    conversation.refresh_from_db()
    return conversation


def test_resolving_sends_nps_as_eleven_quick_replies(graph, resolved):
    body = graph.send_bodies()[-1]
    assert body["recipient"] == {"id": PSID} and body["messaging_type"] == "RESPONSE"
    message = body["message"]
    assert message["text"].startswith("Danke für Ihre Nachricht!")
    assert [reply["payload"] for reply in message["quick_replies"]] == [f"survey:nps:{n}" for n in range(10, -1, -1)]
    assert all(reply["content_type"] == "text" and len(reply["title"]) <= 20 for reply in message["quick_replies"])


def test_a_quick_reply_is_the_score_and_does_not_reopen(graph, resolved, now_deliver):
    now_deliver("survey_quick_reply")
    resolved.refresh_from_db()
    assert resolved.status == "resolved"
    answer = SurveyResponse.objects.get()
    assert (answer.kind, answer.score) == ("nps", 9)
    assert graph.send_bodies()[-1]["message"]["text"].startswith("Danke für Ihr Feedback")


def test_free_text_after_the_survey_is_a_normal_message(graph, resolved, now_deliver):
    now_deliver("survey_free_text")
    resolved.refresh_from_db()
    assert resolved.status == "open"
    assert not SurveyResponse.objects.exists()
