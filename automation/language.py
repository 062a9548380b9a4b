"""Which language a customer writes (nl, de or en), offline and instant.

Counts each language's frequent function words (and a few telltale letter sequences) in the
text; too few hits and we keep what we knew (the conversation's language, the contact's
locale). Short FAQ questions rarely carry enough words for a statistical model anyway.
"""

import re

LANGUAGES = ("nl", "de", "en")
STOP_WORDS = {
    "nl": set(
        "de het een en is ik je u jij mijn van niet dat wat met voor jullie zijn er op te in ook maar dan wel nog "
        "kan kun kunt hoe wanneer waar waarom welke heb hebben wordt worden mag moet graag bij naar als om uw "
        "deze die dit al geen hoeveel zou zal ben bent was waren".split()
    ),
    "de": set(
        "der die das und ist ich sie mein meine nicht mit für wann ein eine einen ihr ihre wie was wo warum "
        "welche kann können haben habe hat wird werden sind bei zu zum zur auf auch aber noch mir mich dem den "
        "des bitte gibt es kein keine wieviel wie viel ob mit von vom im".split()
    ),
    "en": set(
        "the and is i you my for to of it was have with this do what are can how when where why which does "
        "your our me be will would there an a on at in not no much many please get has".split()
    ),
}
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Letter sequences that give a language away even without function words.
HINTS = {"nl": ("ij", "oe", "aa", "sch"), "de": ("ä", "ö", "ü", "ß", "sch", "ung", "ei"), "en": ("th", "wh", "ing")}
MIN_HITS = 1


def language_detect(text: str, *, fallback: str = "") -> str:
    """nl, de or en; `fallback` (or en) when the text gives too little away."""
    words = WORD.findall(text.lower())
    hits = {lang: sum(1 for w in words if w in STOP_WORDS[lang]) for lang in LANGUAGES}
    best = max(hits.values())
    leaders = [lang for lang in LANGUAGES if hits[lang] == best]
    if best >= MIN_HITS and len(leaders) == 1:
        return leaders[0]
    if fallback in LANGUAGES:
        return fallback
    candidates = leaders if best >= MIN_HITS else list(LANGUAGES)
    joined = " ".join(words)
    scores = {lang: sum(joined.count(h) for h in HINTS[lang]) for lang in candidates}
    top = max(scores.values())
    return next(lang for lang in ("en", "nl", "de") if lang in scores and scores[lang] == top) if top else "en"


def language_known(text: str) -> bool:
    """Does the text itself say which language it is (at least one function word)?"""
    words = WORD.findall(text.lower())
    hits = sorted((sum(1 for w in words if w in STOP_WORDS[lang]) for lang in LANGUAGES), reverse=True)
    return hits[0] >= MIN_HITS and hits[0] > hits[1]
