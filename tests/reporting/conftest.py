"""Constructed timelines for reporting: messages and events at exact moments."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from inbox.models import ConversationEvent
from tests.factories import make_conversation, make_inbox, make_message, make_user

AMS = ZoneInfo("Europe/Amsterdam")
UTC = ZoneInfo("UTC")
WEEKDAYS_9_TO_5 = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


class Timeline:
    """One conversation written moment by moment."""

    def __init__(self, inbox, **fields):
        self.conversation = make_conversation(inbox, **fields)
        self.inbox = inbox

    def event(self, kind: str, at: datetime, actor=None, **data):
        return ConversationEvent.objects.create(
            conversation=self.conversation, inbox=self.inbox, kind=kind, actor=actor, data=data, created_at=at
        )

    def created(self, at: datetime):
        self.event("created", at)
        type(self.conversation).objects.filter(pk=self.conversation.pk).update(created_at=at)
        return self

    def customer(self, at: datetime, text: str = "Hallo?"):
        return make_message(self.conversation, direction="in", sender_type="contact", text=text, sent_at=at)

    def bot(self, at: datetime, text: str = "I am a bot"):
        return make_message(self.conversation, direction="out", sender_type="bot", text=text, sent_at=at)

    def agent(self, at: datetime, author, text: str = "Hi!", private: bool = False, **fields):
        fields.update(direction="out", sender_type="agent", author=author, private=private, sent_at=at)
        return make_message(self.conversation, text=text, **fields)

    def status(self, at: datetime, frm: str, to: str, actor=None):
        return self.event("status_changed", at, actor=actor, **{"from": frm, "to": to})


@pytest.fixture
def timeline():
    return Timeline


@pytest.fixture
def office_inbox():
    """WhatsApp, Amsterdam, weekdays 09:00-17:00, business-hours clock on, target 30 minutes."""
    from reporting.models import ServiceLevelSetting

    inbox = make_inbox("whatsapp", time_zone="Europe/Amsterdam", business_hours=WEEKDAYS_9_TO_5)
    ServiceLevelSetting.objects.create(inbox=inbox, business_hours_clock=True)
    return inbox


@pytest.fixture
def agents():
    return make_user("anna"), make_user("ben")
