"""The feedback survey on WhatsApp: asked as a list message after a resolution, answered by a
list reply or a typed number, with an optional comment; never a new case by itself."""

import itertools
import time

import pytest

from inbox.models import Conversation, Message
from inbox.services import conversation_update
from reporting.models import SurveyMessage, SurveyRequest, SurveyResponse, SurveySetting
from tests.channels_whatsapp.fakes import PHONE_NUMBER_ID, fixture_bytes, post_webhook
from tests.factories import make_user

pytestmark = pytest.mark.django_db

FIXTURE_TIME = b'"1767261600"'
_clock = itertools.count()


@pytest.fixture
def now_deliver(client, wa_inbox, django_capture_on_commit_callbacks):
    """Post a fixture as if it arrived now (the survey goes out only inside 24 hours)."""

    def post(name: str):
        stamp = int(time.time()) + next(_clock)
        body = fixture_bytes(name).replace(FIXTURE_TIME, f'"{stamp}"'.encode())
        with django_capture_on_commit_callbacks(execute=True):
            response = post_webhook(client, wa_inbox, body)
        assert response.status_code == 200
        return Message.objects.filter(direction="in").order_by("-pk").first()

    return post


@pytest.fixture
def resolved(graph, wa_inbox, now_deliver, django_capture_on_commit_callbacks):
    """A customer asked, a lead resolved: returns a function that resolves under a survey."""

    def resolve(survey: str = "csat", language: str = "nl"):
        SurveySetting.objects.create(inbox=wa_inbox, survey=survey)
        wa_inbox.config = {**wa_inbox.config, "language": language}
        wa_inbox.save()
        now_deliver("text")
        conversation = Conversation.objects.get()
        lead = make_user("lea", role="lead", inboxes=[wa_inbox])
        with django_capture_on_commit_callbacks(execute=True):
            conversation_update(conversation=conversation, actor=lead, status="resolved")
        return conversation

    return resolve


def test_resolving_sends_the_csat_survey_as_a_list_message_in_the_inbox_language(graph, resolved):
    conversation = resolved("csat", language="nl")
    request = graph.sent()[-1]
    assert request.path == f"/{PHONE_NUMBER_ID}/messages"
    body = request.json
    assert body["type"] == "interactive" and body["to"] == "31612345678"
    interactive = body["interactive"]
    assert interactive["type"] == "list"
    rows = interactive["action"]["sections"][0]["rows"]
    assert [row["id"] for row in rows] == [f"survey:csat:{n}" for n in (5, 4, 3, 2, 1)]
    assert rows[0]["title"] == "5 😀" and rows[0]["description"] == "Zeer tevreden"
    assert interactive["body"]["text"].startswith("Bedankt")
    assert len(interactive["action"]["button"]) <= 20
    survey = SurveyRequest.objects.get(conversation=conversation)
    assert survey.kind == "csat" and survey.language == "nl"
    question = Message.objects.get(pk=SurveyMessage.objects.get(role="question").message_id)
    assert question.sender_type == "bot" and question.kind == "interactive" and question.status == "sent"


def test_nps_on_whatsapp_lists_ten_scores_and_invites_typing_any_number(graph, resolved):
    resolved("nps", language="en")
    interactive = graph.sent()[-1].json["interactive"]
    rows = interactive["action"]["sections"][0]["rows"]
    assert len(rows) == 10 and rows[0]["id"] == "survey:nps:10"
    assert "type a number from 0" in interactive["body"]["text"]


def test_a_list_reply_is_the_score_and_does_not_reopen_the_conversation(graph, resolved, now_deliver):
    conversation = resolved("csat")
    answer = now_deliver("survey_list_reply")
    conversation.refresh_from_db()
    assert conversation.status == "resolved"
    response = SurveyResponse.objects.get()
    assert (response.kind, response.score, response.message_id) == ("csat", 4, answer.pk)
    # the customer is thanked and invited to comment, in Dutch
    assert graph.sent()[-1].json["text"]["body"].startswith("Bedankt voor je feedback")


def test_the_next_free_text_is_the_comment_and_the_one_after_it_is_a_normal_message(graph, resolved, now_deliver):
    conversation = resolved("csat")
    now_deliver("survey_list_reply")
    now_deliver("survey_comment")
    conversation.refresh_from_db()
    response = SurveyResponse.objects.get()
    assert response.score == 4 and response.comment.startswith("De bezorger was heel vriendelijk")
    assert conversation.status == "resolved"
    now_deliver("survey_followup")
    conversation.refresh_from_db()
    assert conversation.status == "open"
    assert SurveyResponse.objects.get().comment.startswith("De bezorger")


def test_a_typed_number_right_after_the_survey_is_the_answer(graph, resolved, now_deliver):
    conversation = resolved("nps")
    now_deliver("survey_typed_score")
    conversation.refresh_from_db()
    assert conversation.status == "resolved"
    assert SurveyResponse.objects.get().score == 8


def test_free_text_after_the_survey_is_a_normal_message_that_reopens(graph, resolved, now_deliver):
    conversation = resolved("csat")
    now_deliver("survey_comment")  # text, but no number: not an answer
    conversation.refresh_from_db()
    assert conversation.status == "open" and conversation.unread_count == 2
    assert not SurveyResponse.objects.exists()
    # once reopened, a typed number is an ordinary message too
    now_deliver("survey_typed_score")
    assert not SurveyResponse.objects.exists()


def test_an_inbox_without_a_survey_sends_none(graph, wa_inbox, now_deliver, django_capture_on_commit_callbacks):
    now_deliver("text")
    conversation = Conversation.objects.get()
    before = len(graph.sent())
    with django_capture_on_commit_callbacks(execute=True):
        conversation_update(conversation=conversation, actor=None, status="resolved")
    assert len(graph.sent()) == before and not SurveyRequest.objects.exists()


def test_resolving_twice_asks_once(graph, resolved, django_capture_on_commit_callbacks):
    conversation = resolved("csat")
    for status in ("open", "resolved"):
        with django_capture_on_commit_callbacks(execute=True):
            conversation_update(conversation=conversation, actor=None, status=status)
    assert SurveyMessage.objects.filter(role="question").count() == 1


def test_up_to_three_choices_without_descriptions_are_reply_buttons_and_more_than_ten_are_refused():
    from channels_whatsapp.sender import interactive_payload
    from inbox.channel_registry import PermanentSendError

    choices = [{"id": f"c{n}", "title": f"Optie {n} met een te lange titel"} for n in range(3)]
    buttons = interactive_payload("Kies", {"choices": choices})
    assert buttons["type"] == "button"
    assert buttons["action"]["buttons"][0] == {"type": "reply", "reply": {"id": "c0", "title": "Optie 0 met een te l"}}
    with pytest.raises(PermanentSendError):
        interactive_payload("Kies", {"choices": [{"id": str(n), "title": str(n)} for n in range(11)]})
