"""The feedback survey in the live-chat widget: the question arrives with rating buttons, a
tapped rating is the score (and never reopens the conversation), free text is a message."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from inbox.models import Conversation, Message
from inbox.services import conversation_update
from reporting.models import SurveyResponse, SurveySetting
from tests.factories import make_inbox
from tests.livechat.conftest import ORIGIN, next_frame, say, visitor_session

pytestmark = [pytest.mark.django_db(transaction=True)]


def survey_inbox(survey="csat"):
    inbox = make_inbox("livechat", name="Shop", config={"allowed_origins": [ORIGIN], "language": "de"})
    SurveySetting.objects.create(inbox=inbox, survey=survey)
    return inbox


def _resolve():
    conversation = Conversation.objects.get()
    conversation_update(conversation=conversation, actor=None, status="resolved")


def test_the_widget_gets_rating_buttons_and_a_tapped_rating_is_the_score():
    inbox = survey_inbox()

    async def scenario():
        ws, _ = await visitor_session(inbox)
        await say(ws, "c1", "Wo bleibt mein Paket?")
        await database_sync_to_async(_resolve)()
        question = await next_frame(ws, "message")
        ack = await say(ws, "c2", "4 🙂", choice="survey:csat:4")
        thanks = await next_frame(ws, "message")
        await ws.disconnect()
        return question, ack, thanks

    question, ack, thanks = asyncio.run(scenario())
    assert question["message"]["sender"] == "bot" and question["message"]["text"].startswith("Danke")
    assert [c["id"] for c in question["message"]["choices"]] == [f"survey:csat:{n}" for n in (5, 4, 3, 2, 1)]
    assert ack["type"] == "ack" and ack["message"]["choices"] == []
    assert thanks["message"]["text"].startswith("Danke für Ihr Feedback")
    answer = SurveyResponse.objects.get()
    assert (answer.kind, answer.score) == ("csat", 4)
    assert Conversation.objects.get().status == "resolved"
    assert Message.objects.get(pk=ack["message"]["id"]).kind == "interactive"


def test_a_forged_choice_is_refused_and_free_text_after_the_survey_reopens():
    inbox = survey_inbox()

    async def scenario():
        ws, _ = await visitor_session(inbox)
        await say(ws, "c1", "Hallo")
        await database_sync_to_async(_resolve)()
        await next_frame(ws, "message")
        forged = await say(ws, "c2", "x", choice="<script>")
        free = await say(ws, "c3", "Noch eine Frage zur Rechnung")
        await ws.disconnect()
        return forged, free

    forged, free = asyncio.run(scenario())
    assert forged["type"] == "error" and forged["code"] == "invalid_choice"
    assert free["type"] == "ack"
    assert Conversation.objects.get().status == "open" and not SurveyResponse.objects.exists()


def test_a_german_visitor_gets_the_survey_in_german_whatever_the_inbox_speaks():
    # given an inbox with no language of its own (its widget would speak English)
    inbox = make_inbox("livechat", name="Shop", config={"allowed_origins": [ORIGIN]})
    SurveySetting.objects.create(inbox=inbox, survey="csat")

    async def scenario():
        # when a visitor whose widget speaks German writes (a word that reads as English) and
        # the conversation is resolved
        ws, _ = await visitor_session(inbox, lang="de")
        await say(ws, "c1", "Hello?")
        await database_sync_to_async(_resolve)()
        question = await next_frame(ws, "message")
        await ws.disconnect()
        return question

    question = asyncio.run(scenario())
    # then the contact's language is German and so is the survey
    assert Conversation.objects.get().contact.locale == "de"
    assert question["message"]["text"].startswith("Danke")
    stored = Message.objects.get(pk=question["message"]["id"])
    assert stored.content["choices"][0]["description"] == "Sehr zufrieden"
