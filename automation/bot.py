"""The FAQ bot: answer from the knowledge base when sure, else hand over to a person.

It speaks only while no agent has the conversation and until it has handed over once; from
then on it stays quiet in that conversation. A request for a person ("medewerker",
"Mitarbeiter", "agent", "human", or the channel's hand-over button) hands over at once.
"""

import logging
import re
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone

from inbox import services as inbox_services
from inbox.models import Conversation, Inbox, Message, MessageKind

from .faq import Entry, KnowledgeIndex, Match
from .language import language_detect
from .models import BotStatus, ConversationAutomation, InboxAutomation, KnowledgeEntry
from .state import bot_message_send, system_line_add

logger = logging.getLogger(__name__)

HANDOVER_PAYLOAD = "webcare_handover"  # the id of a "talk to a person" button
PERSON_WORDS = re.compile(
    r"\b(medewerker|mens|persoon|iemand spreken|klantenservice spreken|mitarbeiter\w*|mensch\w*|person\w*|"
    r"agent|human|operator|representative|real person|someone)\b",
    re.IGNORECASE,
)
ANSWER_FOOTER = {
    "nl": "Niet geholpen? Typ 'medewerker' en een collega neemt het over.",
    "de": "Nicht geholfen? Schreiben Sie 'Mitarbeiter', dann übernimmt ein Kollege.",
    "en": "Not helped? Type 'agent' and a colleague will take over.",
}
HANDOVER_TEXT = {
    "nl": "Ik geef je door aan een collega; je krijgt zo snel mogelijk antwoord.",
    "de": "Ich leite Sie an einen Kollegen weiter; Sie erhalten so bald wie möglich eine Antwort.",
    "en": "I am passing you to a colleague; you will get an answer as soon as possible.",
}
HANDOVER_REASONS = {
    "asked_for_person": "The customer asked for a person.",
    "no_confident_answer": "No confident answer (best match {score:.2f}, threshold {threshold:.2f}).",
}


@dataclass(frozen=True)
class BotOutcome:
    action: str  # "answered", "handed_over" or "skipped"
    match: Match | None = None


_index_cache: dict[int | None, tuple[tuple, KnowledgeIndex]] = {}


def knowledge_index(inbox: Inbox | None) -> KnowledgeIndex:
    """The enabled entries of the inbox (and those for every inbox), indexed once per change."""
    entries = KnowledgeEntry.objects.filter(enabled=True)
    entries = entries.filter(Q(inbox__isnull=True) | Q(inbox=inbox)) if inbox else entries.filter(inbox__isnull=True)
    stamp = tuple(entries.aggregate(last=Max("updated_at"), n=Max("pk")).values()) + (entries.count(),)
    key = inbox.pk if inbox else None
    cached = _index_cache.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    index = KnowledgeIndex(
        [
            Entry(id=e.pk, language=e.language, answer=e.answer, questions=tuple(e.question_list))
            for e in entries.order_by("pk")
        ]
    )
    _index_cache[key] = (stamp, index)
    return index


def bot_preview(*, inbox: Inbox | None, text: str) -> Match:
    """What would the bot answer to `text`? (The leads' preview; nothing is sent.)"""
    return knowledge_index(inbox).match(text, language=language_detect(text))


# The "talk to a person" button under every bot answer (WhatsApp allows 20 characters).
HANDOVER_BUTTON = {"nl": "Naar een medewerker", "de": "Mitarbeiter bitte", "en": "Talk to a person"}


def asks_for_person(message: Message) -> bool:
    if message.kind == MessageKind.INTERACTIVE:
        # the button's id as each channel hands it back: WhatsApp id, Messenger payload, widget choice
        tapped = {str(message.content.get(key, "")) for key in ("id", "payload", "choice")}
        if HANDOVER_PAYLOAD in tapped:
            return True
    return bool(PERSON_WORDS.search(message.text or ""))


def bot_consider(
    *, message: Message, state: ConversationAutomation, settings: InboxAutomation, language: str
) -> BotOutcome:
    """Answer, hand over or stay quiet on one customer message. Expects `state` locked."""
    conversation = message.conversation
    if not settings.bot_enabled or state.bot_status == BotStatus.HANDED_OVER or conversation.assignee_id:
        return BotOutcome("skipped")
    if (
        message.kind not in (MessageKind.TEXT, MessageKind.INTERACTIVE, MessageKind.COMMENT)
        or not (message.text or "").strip()
    ):
        return BotOutcome("skipped")
    if asks_for_person(message):
        bot_handover(conversation=conversation, state=state, reason="asked_for_person", language=language)
        return BotOutcome("handed_over")
    match = knowledge_index(conversation.inbox).match(message.text, language=language)
    if match.entry is None or match.score < settings.bot_threshold:
        detail = HANDOVER_REASONS["no_confident_answer"].format(score=match.score, threshold=settings.bot_threshold)
        bot_handover(conversation=conversation, state=state, reason="no_confident_answer", language=language,
                     detail=detail)  # fmt: skip
        return BotOutcome("handed_over", match)
    answer = match.entry.answer
    if state.bot_answers == 0:
        answer = f"{answer}\n\n{ANSWER_FOOTER[match.language]}"
    button = {"id": HANDOVER_PAYLOAD, "title": HANDOVER_BUTTON.get(match.language, HANDOVER_BUTTON["en"])}
    if not bot_message_send(conversation=conversation, text=answer, choices=[button]):
        return BotOutcome("skipped", match)
    state.bot_status = BotStatus.ANSWERING
    state.bot_answers += 1
    state.language = match.language
    state.save(update_fields=["bot_status", "bot_answers", "language", "updated_at"])
    return BotOutcome("answered", match)


def bot_handover(
    *, conversation: Conversation, state: ConversationAutomation, reason: str, language: str, detail: str = ""
) -> None:
    """The bot steps back for good: tell the customer, put the conversation in the queue (the
    inbox's team when it has one) with a system line saying why."""
    state.bot_status = BotStatus.HANDED_OVER
    state.handover_reason = reason
    state.handed_over_at = timezone.now()
    state.save(update_fields=["bot_status", "handover_reason", "handed_over_at", "updated_at"])
    bot_message_send(conversation=conversation, text=HANDOVER_TEXT.get(language, HANDOVER_TEXT["en"]))
    if conversation.inbox.team_id and not conversation.team_id:
        inbox_services.conversation_update(conversation=conversation, actor=None, team=conversation.inbox.team)
    system_line_add(conversation=conversation, text="Bot handed over: " + (detail or HANDOVER_REASONS[reason]))
