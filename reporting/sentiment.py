"""Offline sentiment of customer messages in Dutch, German and English.

A small lexicon written for customer service (no model, no download at run time): word
polarity from -3 to +3, a negation window of three words (niet/geen, nicht/kein, not/no) that
flips and dampens, intensifiers, and emoji. The compound score is normalised to -1..1 as VADER
does (x / sqrt(x² + 15)); >= 0.05 is positive, <= -0.05 negative, anything else neutral.
The language is the one whose stop words and lexicon words the message uses most.
"""

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.utils.dateparse import parse_datetime

from . import sql
from .models import MessageSentiment, SentimentLabel

POSITIVE = {
    "en": "thanks:2 thank:2 great:3 good:2 excellent:3 perfect:3 love:3 happy:2 helpful:2 nice:2 awesome:3 "
    "amazing:3 fast:1 quick:1 quickly:1 solved:2 fixed:2 appreciate:2 wonderful:3 glad:2 satisfied:2 fantastic:3 "
    "brilliant:3 friendly:2 super:2 best:2 pleased:2 works:1 resolved:2 recommend:2 top:2",
    "nl": "bedankt:2 dank:2 dankjewel:2 dankuwel:2 top:2 goed:2 geweldig:3 super:2 snel:1 fijn:2 blij:2 tevreden:2 "
    "perfect:3 uitstekend:3 prima:1 mooi:2 handig:2 vriendelijk:2 opgelost:2 fantastisch:3 heerlijk:3 "
    "aanrader:2 leuk:2 beste:2 fantastische:3 geweldige:3 goede:2 snelle:1 werkt:1 helpen:1 geholpen:2",
    "de": "danke:2 dank:2 vielen:1 toll:3 gut:2 super:2 schnell:1 schnelle:1 zufrieden:2 perfekt:3 prima:1 "
    "hervorragend:3 freundlich:2 freundliche:2 hilfreich:2 gelöst:2 klasse:2 wunderbar:3 froh:2 glücklich:2 "
    "ausgezeichnet:3 spitze:2 empfehlen:2 gute:2 beste:2 funktioniert:1 geholfen:2 nett:2",
}
NEGATIVE = {
    "en": "bad:-2 terrible:-3 awful:-3 horrible:-3 worst:-3 angry:-3 disappointed:-2 disappointing:-2 broken:-2 "
    "damaged:-2 late:-1 delay:-1 delayed:-2 never:-1 problem:-1 issue:-1 wrong:-2 crash:-2 crashes:-2 crashing:-2 "
    "useless:-3 slow:-2 charged:-1 twice:-1 refund:-1 complaint:-2 unacceptable:-3 annoyed:-2 annoying:-2 "
    "scam:-3 rude:-3 fail:-2 failed:-2 missing:-2 lost:-2 cancel:-1 hate:-3 ridiculous:-3 poor:-2 sucks:-3",
    "nl": "slecht:-2 slechte:-2 verschrikkelijk:-3 vreselijk:-3 boos:-3 teleurgesteld:-2 teleurstellend:-2 kapot:-2 "
    "beschadigd:-2 beschadigde:-2 laat:-1 vertraging:-2 probleem:-1 fout:-2 klacht:-2 belachelijk:-3 "
    "onacceptabel:-3 traag:-2 waardeloos:-3 nooit:-1 kwijt:-2 oplichters:-3 oplichting:-3 geïrriteerd:-2 "
    "irritant:-2 onbeschoft:-3 zwaar:-1 jammer:-1 balen:-2 opzeggen:-1 ontevreden:-2 klote:-3 helaas:-1",
    "de": "schlecht:-2 schlechte:-2 schrecklich:-3 furchtbar:-3 wütend:-3 sauer:-2 enttäuscht:-2 enttäuschend:-2 "
    "kaputt:-2 beschädigt:-2 spät:-1 verspätet:-2 verspätung:-2 problem:-1 fehler:-2 falsch:-2 beschwerde:-2 "
    "lächerlich:-3 inakzeptabel:-3 langsam:-2 nutzlos:-3 nie:-1 niemals:-2 verloren:-2 betrug:-3 ärgerlich:-2 "
    "unfreundlich:-3 leider:-1 unzufrieden:-2 katastrophe:-3 mies:-2 kündigen:-1",
}
EMOJI = {
    "🙂": 1.5,
    "😊": 2,
    "😀": 2,
    "😃": 2,
    "😄": 2,
    "😍": 3,
    "❤": 3,
    "👍": 2,
    "🙏": 1.5,
    "🎉": 2,
    "😁": 2,  # fmt: skip
    "🙁": -1.5,
    "☹": -2,
    "😞": -2,
    "😠": -3,
    "😡": -3,
    "🤬": -3,
    "😢": -2,
    "😭": -2,
    "👎": -2,
    "💩": -2,
    "😤": -2,  # fmt: skip
}
NEGATIONS = {
    "en": {"not", "no", "never", "don't", "dont", "didn't", "isn't", "wasn't", "doesn't", "without", "nothing"},
    "nl": {"niet", "geen", "nooit", "zonder", "niks", "niets"},
    "de": {"nicht", "kein", "keine", "keinen", "keiner", "nie", "ohne", "nichts"},
}
INTENSIFIERS = {
    "very": 1.3,
    "really": 1.3,
    "so": 1.2,
    "extremely": 1.5,
    "super": 1.3,
    "totally": 1.3,  # fmt: skip
    "heel": 1.3,
    "erg": 1.3,
    "echt": 1.3,
    "zeer": 1.4,
    "ontzettend": 1.5,
    "enorm": 1.4,
    "hartstikke": 1.4,  # fmt: skip
    "sehr": 1.3,
    "wirklich": 1.3,
    "total": 1.3,
    "extrem": 1.5,
    "äußerst": 1.5,
    "ziemlich": 1.2,  # fmt: skip
}
STOP_WORDS = {
    "en": {"the", "and", "is", "i", "you", "my", "for", "to", "of", "it", "was", "have", "with", "this", "do", "what"},
    "nl": {"de", "het", "een", "en", "is", "ik", "je", "mijn", "van", "niet", "dat", "wat", "met", "voor", "jullie"},
    "de": {"der", "die", "das", "und", "ist", "ich", "sie", "mein", "meine", "nicht", "mit", "für", "wann", "ein"},
}
NEGATION_WINDOW = 3
NEGATION_FACTOR = -0.74  # VADER's: "not good" is mildly negative, not as negative as "bad"
THRESHOLD = 0.05


def _lexicon(entries: dict[str, str]) -> dict[str, dict[str, float]]:
    return {
        lang: {word: float(value) for word, value in (item.rsplit(":", 1) for item in text.split())}
        for lang, text in entries.items()
    }


POLARITY = {
    lang: {**pos, **_lexicon(NEGATIVE)[lang]} for lang, pos in _lexicon(POSITIVE).items()
}  # per language: word -> polarity
WORD = re.compile(r"[\w'’]+", re.UNICODE)


@dataclass(frozen=True)
class Verdict:
    label: str
    score: float
    language: str


def language_detect(words: list[str]) -> str:
    """nl, de or en: the language whose stop words and lexicon the words hit most (en on a tie)."""
    hits = {lang: sum(1 for w in words if w in STOP_WORDS[lang] or w in POLARITY[lang]) for lang in ("en", "nl", "de")}
    best = max(hits.values())
    return next(lang for lang in ("en", "nl", "de") if hits[lang] == best)


def sentiment_analyse(text: str) -> Verdict:
    """Score one message (pure function, no I/O)."""
    words = [w.replace("’", "'") for w in WORD.findall(text.lower())]
    language = language_detect(words)
    polarity, negations = POLARITY[language], NEGATIONS[language]
    total = 0.0
    for index, word in enumerate(words):
        value = polarity.get(word)
        if value is None:
            continue
        before = words[max(0, index - NEGATION_WINDOW) : index]
        if before and before[-1] in INTENSIFIERS:
            value *= INTENSIFIERS[before[-1]]
        if any(w in negations for w in before):
            value *= NEGATION_FACTOR
        total += value
    total += sum(weight * text.count(emoji) for emoji, weight in EMOJI.items())
    if "!" in text and total:
        total += math.copysign(0.3 * min(text.count("!"), 3), total)
    score = total / math.sqrt(total * total + 15) if total else 0.0
    if score >= THRESHOLD:
        label = SentimentLabel.POSITIVE
    elif score <= -THRESHOLD:
        label = SentimentLabel.NEGATIVE
    else:
        label = SentimentLabel.NEUTRAL
    return Verdict(label=label, score=round(score, 4), language=language)


def sentiment_score_pending(*, inbox_id: int, start: datetime, end: datetime, batch: int = 5000) -> int:
    """Score the inbox's customer text messages sent in [start, end) that have no verdict yet.
    The analyser is Python by nature (one verdict per message); the counting stays in SQL."""
    t = sql.tables()
    scored = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT m.id, m.conversation_id, m.sent_at, m.text FROM {t["message"]} m
                WHERE m.inbox_id = %(inbox)s AND m.sent_at >= %(start)s AND m.sent_at < %(end)s
                    AND {sql.customer()} AND m.text <> ''
                    AND NOT EXISTS (SELECT 1 FROM {t["sentiment"]} s WHERE s.message_id = m.id)
                ORDER BY m.id LIMIT {int(batch)}""",
                {"inbox": inbox_id, "start": sql.dt(start), "end": sql.dt(end)},
            )
            rows = cursor.fetchall()
        if not rows:
            return scored
        verdicts = []
        for message_id, conversation_id, sent_at, text in rows:
            if isinstance(sent_at, str):  # SQLite hands raw values back from a plain cursor
                sent_at = parse_datetime(sent_at)
            if sent_at.tzinfo is None:
                sent_at = sent_at.replace(tzinfo=UTC)
            verdict = sentiment_analyse(text)
            verdicts.append(
                MessageSentiment(
                    message_id=message_id,
                    conversation_id=conversation_id,
                    inbox_id=inbox_id,
                    sent_at=sent_at,
                    label=verdict.label,
                    score=verdict.score,
                    language=verdict.language,
                )
            )
        MessageSentiment.objects.bulk_create(verdicts, ignore_conflicts=True)
        scored += len(verdicts)
