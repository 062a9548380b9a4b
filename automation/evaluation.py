"""Scoring the FAQ matcher against a labelled set (the tests and bench/faq_bot.py share it)."""

from dataclasses import dataclass, field

from .faq import Entry, KnowledgeIndex
from .language import language_detect


@dataclass
class Evaluation:
    right: int = 0
    wrong: int = 0
    handed_over: int = 0
    answerable: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        answered = self.right + self.wrong
        return self.right / answered if answered else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.answerable if self.answerable else 1.0


def index_from_knowledge(knowledge: dict) -> tuple[KnowledgeIndex, dict[int, str]]:
    """{topic: {language: (answer, [questions])}} -> an index and entry id -> topic."""
    entries, topics = [], {}
    for topic, languages in knowledge.items():
        for language, (answer, questions) in languages.items():
            entry_id = len(entries) + 1
            entries.append(Entry(id=entry_id, language=language, answer=answer, questions=tuple(questions)))
            topics[entry_id] = topic
    return KnowledgeIndex(entries), topics


def evaluate(index_and_topics, questions: list[tuple[str, str | None]], *, threshold: float) -> Evaluation:
    index, topics = index_and_topics
    result = Evaluation()
    for text, expected in questions:
        match = index.match(text, language=language_detect(text))
        answered = match.entry is not None and match.score >= threshold
        got = topics.get(match.entry.id) if match.entry else None
        if expected:
            result.answerable += 1
        if not answered:
            result.handed_over += 1
            outcome = "missed" if expected else "ok (handed over)"
        elif got == expected:
            result.right += 1
            outcome = "ok"
        else:
            result.wrong += 1
            outcome = f"WRONG (wanted {expected})"
        result.lines.append(f"{match.score:.2f} {match.language} {got or '-':15} {outcome:22} {text}")
    return result
