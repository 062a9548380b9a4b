"""The offline nl/de/en sentiment analyser and what reporting makes of it."""

from datetime import date

import pytest

from reporting.kpis import ReportFilter, summary_compute
from reporting.models import MessageSentiment
from reporting.rollup import inbox_day_rollup
from reporting.sentiment import sentiment_analyse
from tests.factories import make_inbox

from .conftest import ams


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("text", "label", "language"),
    [
        ("Top service, bedankt!", "positive", "nl"),
        ("Mijn pakket is beschadigd aangekomen, echt slecht.", "negative", "nl"),
        ("Het is niet goed", "negative", "nl"),
        ("Wat zijn jullie openingstijden?", "neutral", "nl"),
        ("Danke für die schnelle Hilfe!", "positive", "de"),
        ("Ich bin sehr enttäuscht, die Lieferung ist kaputt", "negative", "de"),
        ("Das ist nicht gut", "negative", "de"),
        ("Wann wird meine Bestellung geliefert?", "neutral", "de"),
        ("Thanks, great service!", "positive", "en"),
        ("I was charged twice, this is unacceptable", "negative", "en"),
        ("This is not bad at all", "positive", "en"),
        ("Do you ship to Belgium?", "neutral", "en"),
        ("😡😡", "negative", "en"),
    ],
)
def test_messages_are_scored_in_their_language(text, label, language):
    verdict = sentiment_analyse(text)
    assert (verdict.label, verdict.language) == (label, language)
    assert -1 <= verdict.score <= 1


@pytest.mark.django_db
@pytest.mark.smoke
def test_a_conversation_that_turns_negative_is_listed(timeline):
    inbox = make_inbox("whatsapp", time_zone="Europe/Amsterdam")
    calm = timeline(inbox).created(ams(2026, 3, 31, 9, 0))
    calm.customer(ams(2026, 3, 31, 9, 0), "Hallo, waar blijft mijn bestelling?")
    calm.customer(ams(2026, 3, 31, 11, 0), "Dit is echt belachelijk, ik ben boos")
    angry_from_start = timeline(inbox).created(ams(2026, 3, 31, 9, 0))
    angry_from_start.customer(ams(2026, 3, 31, 9, 0), "Slechte service, verschrikkelijk")
    inbox_day_rollup(inbox=inbox, day=date(2026, 3, 31), now=ams(2026, 4, 2, 0, 0))
    assert MessageSentiment.objects.count() == 3
    sentiment = summary_compute(report_filter=ReportFilter(start=date(2026, 3, 31), end=date(2026, 3, 31)))["sentiment"]
    assert sentiment["counts"] == {"positive": 0, "neutral": 1, "negative": 2}
    assert sentiment["negative"] == round(2 / 3, 4)
    assert sentiment["turned_negative"] == 1
    assert sentiment["turned_negative_ids"] == [calm.conversation.pk]
