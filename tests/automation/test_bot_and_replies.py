"""The FAQ bot (answer, hand-over, silence after hand-over) and the once-only auto-replies."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from automation.bot import bot_preview
from automation.models import BotStatus, ConversationAutomation
from inbox.models import Message, Team

from .conftest import automated_inbox, knowledge_load

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
WEEKDAYS = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def bot_lines(conversation):
    return list(
        Message.objects.filter(conversation=conversation, sender_type="bot")
        .order_by("pk")
        .values_list("text", flat=True)
    )


def state(conversation):
    return ConversationAutomation.objects.get(conversation=conversation)


def test_the_bot_answers_a_known_question_in_the_customers_language_and_marks_it_bot_handled(ingest):
    inbox = automated_inbox(bot_enabled=True)
    knowledge_load()

    message = ingest(inbox, "Wat zijn de verzendkosten naar België?")

    conversation = message.conversation
    conversation.refresh_from_db()
    answers = bot_lines(conversation)
    assert len(answers) == 1 and answers[0].startswith("Verzending is gratis vanaf 20 euro")
    assert state(conversation).bot_status == BotStatus.ANSWERING and state(conversation).language == "nl"
    assert conversation.first_response_at is None  # a bot is never the first human response
    assert conversation.assignee_id is None


def test_asking_for_a_person_hands_over_to_the_team_queue_with_a_system_line_and_the_bot_goes_quiet(ingest):
    team = Team.objects.create(name="Webcare NL")
    inbox = automated_inbox(bot_enabled=True)
    inbox.team = team
    inbox.save()
    knowledge_load()

    first = ingest(inbox, "Wanneer zijn jullie open?")
    ingest(inbox, "Ik wil graag een medewerker spreken")
    ingest(inbox, "Wat zijn de verzendkosten?")  # known question, but a person has it now

    conversation = first.conversation
    conversation.refresh_from_db()
    assert state(conversation).bot_status == BotStatus.HANDED_OVER
    assert state(conversation).handover_reason == "asked_for_person"
    assert conversation.team_id == team.pk and conversation.assignee_id is None
    lines = bot_lines(conversation)
    assert len(lines) == 2 and "collega" in lines[1]  # the answer, then the hand-over; nothing after
    system = Message.objects.get(conversation=conversation, sender_type="system")
    assert system.private and "asked for a person" in system.text


@pytest.mark.parametrize("text", ["Kann ich bitte mit einem Mitarbeiter sprechen?", "I want a human", "agent please"])
def test_person_requests_in_german_and_english_hand_over(ingest, text):
    inbox = automated_inbox(bot_enabled=True)
    knowledge_load()
    message = ingest(inbox, text)
    assert state(message.conversation).bot_status == BotStatus.HANDED_OVER


def test_the_handover_button_hands_over(ingest):
    inbox = automated_inbox("whatsapp", bot_enabled=True)
    knowledge_load()
    message = ingest(
        inbox, "Talk to us", kind="interactive", content={"type": "button_reply", "id": "webcare_handover"}
    )
    assert state(message.conversation).bot_status == BotStatus.HANDED_OVER


def test_every_bot_answer_carries_a_talk_to_a_person_button_and_tapping_it_hands_over(ingest):
    inbox = automated_inbox(bot_enabled=True)  # live chat: the widget shows the button
    knowledge_load()
    message = ingest(inbox, "Wat zijn de verzendkosten naar België?")
    answer = Message.objects.get(conversation=message.conversation, sender_type="bot")
    assert answer.kind == "interactive"
    assert answer.content["choices"] == [{"id": "webcare_handover", "title": "Naar een medewerker"}]

    # the widget sends the tapped button back as a choice; Messenger as a quick-reply payload
    ingest(inbox, "Naar een medewerker", kind="interactive", content={"type": "choice", "choice": "webcare_handover"})
    assert state(message.conversation).bot_status == BotStatus.HANDED_OVER


def test_a_messenger_quick_reply_to_the_button_hands_over(ingest):
    inbox = automated_inbox("messenger", bot_enabled=True)
    knowledge_load()
    message = ingest(
        inbox, "Talk to a person", kind="interactive", content={"type": "quick_reply", "payload": "webcare_handover"}
    )
    assert state(message.conversation).bot_status == BotStatus.HANDED_OVER


def test_an_unknown_question_is_handed_over_with_the_score_in_the_system_line(ingest):
    inbox = automated_inbox(bot_enabled=True)
    knowledge_load()
    message = ingest(inbox, "Mijn pakket is beschadigd aangekomen en ik ben boos")
    assert state(message.conversation).handover_reason == "no_confident_answer"
    assert "No confident answer" in Message.objects.get(conversation=message.conversation, sender_type="system").text


def test_the_bot_stays_out_of_a_conversation_an_agent_has(ingest):
    from tests.factories import make_user

    inbox = automated_inbox(bot_enabled=True)
    knowledge_load()
    first = ingest(inbox, "Hallo")  # handed over (no answer)
    ConversationAutomation.objects.filter(conversation=first.conversation).update(bot_status="")
    first.conversation.assignee = make_user(inboxes=[inbox])
    first.conversation.save()
    ingest(inbox, "Wat zijn de verzendkosten?")
    assert not any("Verzending" in line for line in bot_lines(first.conversation))


def test_a_disabled_entry_is_not_used_and_the_preview_shows_what_the_bot_would_answer():
    from automation.models import KnowledgeEntry

    inbox = automated_inbox(bot_enabled=True)
    knowledge_load()
    preview = bot_preview(inbox=inbox, text="Wie hoch sind die Versandkosten?")
    assert preview.entry.answer.startswith("Der Versand ist ab 20 Euro")
    KnowledgeEntry.objects.filter(title="shipping_costs").update(enabled=False)
    after = bot_preview(inbox=inbox, text="Wie hoch sind die Versandkosten?")
    assert after.entry is None or not after.entry.answer.startswith("Der Versand")


def test_out_of_hours_reply_goes_once_per_closed_period_and_says_when_we_open(ingest):
    inbox = automated_inbox(away_enabled=True, business_hours=WEEKDAYS)
    friday_night = datetime(2026, 1, 9, 20, 0, tzinfo=AMS)
    with mock.patch("django.utils.timezone.now", return_value=friday_night):
        first = ingest(inbox, "Hallo, ik heb een vraag over mijn bestelling")
        ingest(inbox, "Is er iemand?")
    lines = bot_lines(first.conversation)
    assert len(lines) == 1 and "maandag 12 januari, 09:00" in lines[0]

    monday_noon = datetime(2026, 1, 12, 12, 0, tzinfo=AMS)  # open: no reply
    with mock.patch("django.utils.timezone.now", return_value=monday_noon):
        ingest(inbox, "Nog een vraag")
    monday_night = datetime(2026, 1, 12, 22, 0, tzinfo=AMS)  # a new closed period: one more
    with mock.patch("django.utils.timezone.now", return_value=monday_night):
        ingest(inbox, "Hallo?")
    lines = bot_lines(first.conversation)
    assert len(lines) == 2 and "dinsdag 13 januari" in lines[1]
    first.conversation.refresh_from_db()
    assert first.conversation.first_response_at is None


def test_out_of_hours_reply_in_german_and_english(ingest):
    inbox = automated_inbox(away_enabled=True, business_hours=WEEKDAYS)
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 1, 10, 10, 0, tzinfo=AMS)):
        de = ingest(inbox, "Wann bekomme ich meine Bestellung?", sender_id="de-1")
        en = ingest(inbox, "When do I get my order?", sender_id="en-1")
    assert "Montag, 12. Januar" in bot_lines(de.conversation)[0] or "Montag 12" in bot_lines(de.conversation)[0]
    assert "Monday" in bot_lines(en.conversation)[0]


def test_auto_replies_obey_a_closed_channel_window(ingest):
    from channels_whatsapp import rules  # noqa: F401  (registers the channel)

    inbox = automated_inbox("whatsapp", away_enabled=True, business_hours=WEEKDAYS)
    night = datetime(2026, 1, 9, 20, 0, tzinfo=AMS)
    with mock.patch("django.utils.timezone.now", return_value=night):
        message = ingest(inbox, "Hallo", at=datetime(2026, 1, 7, 20, 0, tzinfo=AMS))  # 48 h old: window closed
    assert bot_lines(message.conversation) == []
    assert state(message.conversation).away_period == ""


def test_busy_acknowledgement_once_when_many_conversations_wait(ingest):
    inbox = automated_inbox(busy_enabled=True, busy_threshold=2)
    ingest(inbox, "Eerste vraag", sender_id="a")
    second = ingest(inbox, "Tweede vraag", sender_id="b")
    ingest(inbox, "Nog iets", sender_id="b")
    lines = bot_lines(second.conversation)
    assert len(lines) == 1 and "30 minuten" in lines[0]


@pytest.mark.parametrize(
    "language, written",
    [("nl", "maandag 12 januari, 09:00"), ("de", "Montag, 12. Januar, 09:00"), ("en", "Monday 12 January, 09:00")],
)
def test_the_reopening_time_is_written_as_each_language_writes_a_date(language, written):
    from automation.auto_replies import opening_text

    opens_at = datetime(2026, 1, 12, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))

    assert opening_text(opens_at, language) == written
