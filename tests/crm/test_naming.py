"""One display-name rule for a customer on every page: name, else email, else phone, else the
place they wrote from; never a channel's internal id."""

import re

import pytest

from crm.naming import customer_name
from inbox.ingest import message_ingest
from tests.factories import inbound, make_inbox, make_user

pytestmark = pytest.mark.django_db


def test_the_rule_prefers_name_then_email_then_phone_then_place():
    assert customer_name(name="Pieter", email="p@example.nl", phone="+31612345678") == "Pieter"
    assert customer_name(email="p@example.nl", phone="+31612345678") == "p@example.nl"
    assert customer_name(phone="+31612345678") == "+31612345678"
    assert customer_name(city="Utrecht", page="https://shop.example/prices") == "Visitor from Utrecht"
    assert customer_name(page="https://shop.example/prices/?utm=x") == "Visitor from shop.example/prices"
    assert customer_name() == "Unknown customer"


def _visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_an_anonymous_visitor_is_named_the_same_everywhere_and_never_by_visitor_id(client):
    # given a live-chat visitor who gave no details, writing from a product page, and one who
    # gave only an email address
    inbox = make_inbox("livechat", name="Website")
    client.force_login(make_user("lea", role="lead", inboxes=[inbox]))
    anonymous = message_ingest(
        inbox=inbox,
        inbound=inbound(
            "m1", sender_id="v-tIRgRSsecret", name="", text="Hallo?", source={"page": "https://shop.example/fiets"}
        ),
    ).message.conversation
    by_email = message_ingest(
        inbox=inbox, inbound=inbound("m2", sender_id="v-other", name="", email="pieter@example.nl", text="Vraag")
    ).message.conversation
    # when an agent looks at the list, the conversation, its contact panel, the contact page
    # and search
    pages = {
        "list": client.get("/").content.decode(),
        "conversation": client.get(f"/?c={anonymous.pk}").content.decode(),
        "panel": client.get(
            f"/contacts/{anonymous.contact_id}/panel/", HTTP_HX_CURRENT_URL=f"http://testserver/?c={anonymous.pk}"
        ).content.decode(),
        "search": client.get("/inbox/search/?q=Hallo").content.decode(),
        "email panel": client.get(f"/contacts/{by_email.contact_id}/panel/").content.decode(),
        "email conversation": client.get(f"/?c={by_email.pk}").content.decode(),
    }
    # then the visitor is "Visitor from shop.example/fiets" in each, the other one their email
    # address, with the checkbox naming them too, and no internal id shows anywhere
    for where in ("list", "conversation", "panel", "search"):
        assert "Visitor from shop.example/fiets" in pages[where], where
    assert "Select conversation with Visitor from shop.example/fiets" in pages["list"]
    assert "Select conversation with pieter@example.nl" in pages["list"]
    assert 'Select conversation with "' not in pages["list"]
    for where in ("email panel", "email conversation"):
        assert "pieter@example.nl</" in pages[where], where
        assert "Unknown customer" not in _visible_text(pages[where]), where
    for where, html in pages.items():
        assert "v-tIRgRS" not in html and "v-other" not in html, where
