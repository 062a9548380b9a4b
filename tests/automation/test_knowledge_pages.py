"""The leads' knowledge-base page and its preview."""

import pytest

from automation.models import KnowledgeEntry
from tests.factories import make_user

from .conftest import knowledge_load

pytestmark = pytest.mark.django_db


def test_a_lead_adds_an_entry_and_previews_the_bots_answer(client):
    client.force_login(make_user(role="lead"))
    response = client.post(
        "/automation/knowledge/",
        {"title": "Giftcards", "language": "en", "questions": "Do you sell gift cards?\nCan I buy a gift card?",
         "answer": "Yes, from 10 euros.", "enabled": "on"},
    )  # fmt: skip
    assert response.status_code == 302 and KnowledgeEntry.objects.filter(title="Giftcards").exists()
    page = client.get("/automation/knowledge/", {"q": "do you have gift cards?"}).content.decode()
    assert "Yes, from 10 euros." in page and 'data-testid="bot-preview"' in page


def test_the_preview_says_when_the_bot_would_hand_over(client):
    client.force_login(make_user(role="lead"))
    knowledge_load()
    page = client.get("/automation/knowledge/", {"q": "Het weer is mooi vandaag"}).content.decode()
    assert "hands over to a person" in page


def test_agents_cannot_see_the_knowledge_base(client):
    client.force_login(make_user(role="agent"))
    assert client.get("/automation/knowledge/").status_code == 404
