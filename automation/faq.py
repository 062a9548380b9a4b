"""Offline FAQ matching: which knowledge entry answers a customer's question, and how sure.

No model, no download: text is lower-cased, stop words dropped, words stemmed with the
entry language's Snowball stemmer, and each question becomes a TF-IDF vector of its stems
plus character 3–5-grams of the stems (they absorb typos, inflections and German compounds:
"Lieferzeit" shares grams with "Lieferung"). The score of an entry is the best cosine between
the question and any of its example questions; the language is the customer's when we can
tell, else the best-scoring one. Pure functions over plain data, so the bench and the tests
run them without a database.
"""

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from .language import STOP_WORDS

DEFAULT_BOT_THRESHOLD = 0.22  # see bench/faq_bot.py: precision >= 0.9 on the labelled set
STEMMER_NAMES = {"nl": "dutch", "de": "german", "en": "english"}
WORD = re.compile(r"[^\W_]+", re.UNICODE)
GRAM_SIZES = (3, 4, 5)
EXAMPLE_SHARE = 0.3  # best example vs the whole entry
WORD_WEIGHT = 2.0  # a whole stem in common counts for more than its grams
# Question words carry the intent ("when" vs "how much"): keep them although they are stop words.
KEEP = {
    "en": {"when", "where", "how", "what", "why", "which", "much", "long", "can", "not", "no"},
    "nl": {"wanneer", "waar", "hoe", "wat", "waarom", "welke", "veel", "lang", "kan", "niet", "geen"},
    "de": {"wann", "wo", "wie", "was", "warum", "welche", "viel", "lange", "kann", "nicht", "kein", "keine"},
}


@dataclass(frozen=True)
class Entry:
    id: int
    language: str
    answer: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    entry: Entry | None
    score: float
    language: str


@lru_cache(maxsize=4)
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMER_NAMES[language])


def _fold(text: str) -> str:
    text = text.replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def stems(text: str, language: str) -> list[str]:
    words = [w for w in WORD.findall(text.lower()) if len(w) > 1 or w.isdigit()]
    stop = STOP_WORDS.get(language, set()) - KEEP.get(language, set())
    words = [w for w in words if w not in stop]
    return [_fold(stem) for stem in _stemmer(language).stemWords(words)]


def features(text: str, language: str) -> Counter:
    result: Counter = Counter()
    for stem in stems(text, language):
        result["w:" + stem] += WORD_WEIGHT
        padded = f" {stem} "
        for size in GRAM_SIZES:
            for i in range(max(0, len(padded) - size + 1)):
                result["c:" + padded[i : i + size]] += 1
    return result


class LanguageIndex:
    """TF-IDF vectors of every example question of one language."""

    def __init__(self, language: str, entries: list[Entry]) -> None:
        self.language = language
        self.rows: list[tuple[Entry, dict[str, float]]] = []
        raw = [(entry, features(q, language)) for entry in entries for q in entry.questions]
        document_frequency: Counter = Counter()
        for _entry, feats in raw:
            document_frequency.update(feats.keys())
        total = len(raw)
        self.idf = {f: math.log((1 + total) / (1 + n)) + 1 for f, n in document_frequency.items()}
        self.unknown_idf = math.log(1 + total) + 1
        self.rows = [(entry, self._vector(feats)) for entry, feats in raw]
        # Each entry as one document too (all its questions and its answer): a question that
        # mixes words of several examples still finds its entry.
        self.documents = []
        for entry in entries:
            merged: Counter = Counter()
            for text in (*entry.questions, entry.answer):
                merged.update(features(text, language))
            self.documents.append((entry, self._vector(merged)))

    def _vector(self, feats: Counter) -> dict[str, float]:
        vector = {f: (1 + math.log(n)) * self.idf.get(f, self.unknown_idf) for f, n in feats.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {f: v / norm for f, v in vector.items()}

    def best(self, text: str) -> Match:
        query = self._vector(features(text, self.language))
        example: dict[int, float] = {}
        for entry, row in self.rows:
            example[entry.id] = max(example.get(entry.id, 0.0), _cosine(query, row))
        best_entry, best_score = None, 0.0
        for entry, document in self.documents:
            score = EXAMPLE_SHARE * example.get(entry.id, 0.0) + (1 - EXAMPLE_SHARE) * _cosine(query, document)
            if score > best_score:
                best_entry, best_score = entry, score
        return Match(entry=best_entry, score=round(best_score, 4), language=self.language)


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    small, large = (a, b) if len(a) < len(b) else (b, a)
    return sum(v * large.get(f, 0.0) for f, v in small.items())


class KnowledgeIndex:
    """All enabled entries of an inbox, one TF-IDF index per language."""

    def __init__(self, entries: list[Entry]) -> None:
        by_language: dict[str, list[Entry]] = {}
        for entry in entries:
            if entry.language in STEMMER_NAMES and entry.questions:
                by_language.setdefault(entry.language, []).append(entry)
        self.indexes = {lang: LanguageIndex(lang, items) for lang, items in by_language.items()}

    def match(self, text: str, *, language: str = "") -> Match:
        """The best entry for `text`; in `language` when the knowledge base has it, else in
        whichever language scores best."""
        if not self.indexes or not text.strip():
            return Match(entry=None, score=0.0, language=language)
        if language in self.indexes:
            return self.indexes[language].best(text)
        matches = [index.best(text) for index in self.indexes.values()]
        return max(matches, key=lambda m: m.score)
