"""The lead dashboard in German has no English label left: its visible text and its chart
legends are scanned against the words of the English catalogue."""

import html as html_lib
import json
import re
from datetime import date
from pathlib import Path

import pytest

from reporting.rollup import inbox_day_rollup
from tests.factories import make_inbox, make_user

from .conftest import ams

pytestmark = [pytest.mark.django_db]

LOCALE = Path(__file__).resolve().parents[2] / "locale"
WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")
# Names and abbreviations that are the same in every language.
SAME_IN_EVERY_LANGUAGE = {"Webcare", "CSAT", "NPS", "CSV", "WhatsApp", "Messenger", "Chat", "Bot", "Bots"}


def _english_only_words() -> set[str]:
    """Words of the English msgids that the German translations never use."""
    source = (LOCALE / "de" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    english, german = set(), set()
    for msgid, msgstr in re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"', source, flags=re.M):
        english.update(WORD.findall(msgid))
        german.update(WORD.findall(msgstr))
    return english - german - SAME_IN_EVERY_LANGUAGE


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'\s(aria-label|title|placeholder)="([^"]*)"', r"> \2 <", page)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def german_dashboard(client, timeline):
    shop, chat_inbox = make_inbox("whatsapp", name="Laden"), make_inbox("livechat", name="Webseite")
    anna = make_user("anna", inboxes=[shop, chat_inbox])
    for inbox in (shop, chat_inbox):
        case = timeline(inbox).created(ams(2026, 3, 31, 10, 0))
        case.customer(ams(2026, 3, 31, 10, 0))
        case.agent(ams(2026, 3, 31, 11, 4, 10), anna)
        inbox_day_rollup(inbox=inbox, day=date(2026, 3, 31), now=ams(2026, 4, 1, 0, 0))
    client.force_login(make_user("lea", role="lead"))
    return client.get(
        "/reports/", {"period": "custom", "from": "2026-03-30", "to": "2026-03-31"}, HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()


def test_the_dashboard_in_german_shows_no_raw_keys_or_channel_ids(german_dashboard):
    text = _visible_text(german_dashboard)
    charts = json.loads(re.search(r'id="report-charts-data"[^>]*>(.*?)</script>', german_dashboard, re.S).group(1))
    for raw in ("resolved_in_period", "reopened", "livechat", "whatsapp", "2026-03-31"):
        assert raw not in text, raw
    assert charts["channel_labels"] == {"livechat": "Live-Chat", "whatsapp": "WhatsApp"}
    assert "31. März 2026" in text and "31. März" in charts["days"]


def test_the_dashboard_in_german_has_no_english_word_left(german_dashboard):
    english = _english_only_words()
    assert {"Customer", "messages", "Resolution"} <= english  # the scan knows what to look for
    charts = json.loads(re.search(r'id="report-charts-data"[^>]*>(.*?)</script>', german_dashboard, re.S).group(1))
    shown = _visible_text(german_dashboard) + " " + " ".join(map(str, charts["labels"].values()))
    shown += " " + " ".join(charts["channel_labels"].values())
    left = sorted({word for word in WORD.findall(shown) if word in english})
    assert left == []
