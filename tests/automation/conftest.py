"""Automation test helpers: an inbox with automation switched on and its knowledge base."""

import pytest

from automation.models import InboxAutomation, KnowledgeEntry
from inbox.ingest import message_ingest
from tests.factories import inbound, make_inbox

from .faq_data import KNOWLEDGE


def knowledge_load(inbox=None) -> None:
    for topic, languages in KNOWLEDGE.items():
        for language, (answer, questions) in languages.items():
            KnowledgeEntry.objects.create(
                inbox=inbox, language=language, title=topic, answer=answer, questions="\n".join(questions)
            )


def automated_inbox(kind: str = "livechat", **settings) -> object:
    inbox = make_inbox(kind, time_zone="Europe/Amsterdam", business_hours=settings.pop("business_hours", {}))
    InboxAutomation.objects.create(inbox=inbox, **settings)
    return inbox


@pytest.fixture
def ingest(django_capture_on_commit_callbacks):
    """Ingest a customer message and run everything that follows its commit (automation)."""

    def run(inbox, text: str, *, sender_id: str = "visitor-1", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return message_ingest(inbox=inbox, inbound=inbound(sender_id=sender_id, text=text, **fields)).message

    return run
