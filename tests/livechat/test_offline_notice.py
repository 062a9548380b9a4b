"""The widget promises only what we do: with no email channel, the offline notice asks for an
email address so we can reach the visitor, and never says we answer by email."""

import re

import pytest

from livechat.widget import SOURCE

pytestmark = [pytest.mark.smoke]

OFFLINE = {
    "en": "We're not here right now. Leave a message and your email address so we can reach you.",
    "nl": "We zijn er nu niet. Laat een bericht en je e-mailadres achter, zodat we je kunnen bereiken.",
    "de": "Wir sind gerade nicht da. Hinterlassen Sie eine Nachricht und Ihre E-Mail-Adresse, damit wir Sie "
    "erreichen können.",
}


def test_the_offline_notice_asks_for_an_email_to_reach_the_visitor_in_every_language():
    source = SOURCE.read_text()
    notices = re.findall(r'off: "([^"]+)"', source)
    assert sorted(notices) == sorted(OFFLINE.values())


def test_no_widget_text_promises_an_answer_by_email():
    source = SOURCE.read_text().lower()
    for promise in ("answer by email", "reply by email", "per e-mail", "per e-mail antworten", "antworten per"):
        assert promise not in source
