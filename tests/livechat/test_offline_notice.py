"""The widget promises only what we do: with no email inbox to continue through, the offline
notice asks for an email address so we can reach the visitor; only a live-chat inbox that
names one (`byEmail` in the widget's settings) says we answer by email."""

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


def test_only_the_by_email_notice_promises_an_answer_by_email_and_only_with_an_email_inbox():
    source = SOURCE.read_text()
    promises = ("answer by email", "reply by email", "antwoorden per e-mail", "antworten per e-mail")
    for line in source.lower().splitlines():
        if any(promise in line for promise in promises):
            assert line.strip().startswith("offm:"), line
    assert len(re.findall(r'offm: "([^"]+)"', source)) == 3
    assert "(C.byEmail ? t.offm : t.off)" in source and source.count("t.offm") == 1
