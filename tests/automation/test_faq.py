"""The FAQ matcher on the labelled evaluation set (tests/automation/faq_data.py)."""

from automation.evaluation import evaluate, index_from_knowledge
from automation.faq import DEFAULT_BOT_THRESHOLD, Entry, KnowledgeIndex
from automation.language import language_detect

from .faq_data import EVALUATION, KNOWLEDGE


def test_the_evaluation_set_has_sixty_questions_in_three_languages_with_negatives():
    assert len(EVALUATION) >= 60
    assert sum(1 for _q, topic in EVALUATION if topic is None) >= 15


def test_precision_at_the_default_threshold_is_at_least_ninety_percent():
    result = evaluate(index_from_knowledge(KNOWLEDGE), EVALUATION, threshold=DEFAULT_BOT_THRESHOLD)
    assert result.precision >= 0.9, "\n".join(result.lines)
    assert result.recall >= 0.7, "\n".join(result.lines)


def test_stemming_and_grams_match_inflected_and_misspelled_questions():
    index = KnowledgeIndex(
        [Entry(id=1, language="de", answer="Ab 20 Euro kostenlos.", questions=("Wie hoch sind die Versandkosten?",))]
    )
    assert index.match("versandkostn?", language="de").score > DEFAULT_BOT_THRESHOLD


def test_an_empty_knowledge_base_answers_nothing():
    assert KnowledgeIndex([]).match("Wat zijn jullie openingstijden?").entry is None


def test_language_is_detected_from_function_words_with_a_fallback():
    assert language_detect("Wanneer zijn jullie open?") == "nl"
    assert language_detect("Wann haben Sie geöffnet?") == "de"
    assert language_detect("When are you open?") == "en"
    assert language_detect("Openingstijden", fallback="nl") == "nl"
