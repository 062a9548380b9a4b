"""Out-of-hours replies and the busy acknowledgement, in the customer's language.

Both are bot messages through the outbox: they obey the channel's reply window and never
count as the first human response. The out-of-hours reply goes once per conversation per
closed period (the period is named by its reopening time); the busy acknowledgement once per
conversation.
"""

from datetime import datetime

from django.db.models import Q
from django.utils import formats, translation

from inbox import business_hours
from inbox.models import Conversation, ConversationStatus

from .models import BotStatus, ConversationAutomation, InboxAutomation
from .state import bot_message_send

AWAY_TEXT = {
    "nl": "Bedankt voor je bericht! We zijn op dit moment gesloten. Je kunt een antwoord verwachten "
    "zodra we weer open zijn: {opens_at}.",
    "de": "Danke für Ihre Nachricht! Wir sind gerade nicht erreichbar. Sie erhalten eine Antwort, "
    "sobald wir wieder geöffnet haben: {opens_at}.",
    "en": "Thanks for your message! We are closed right now. You can expect an answer as soon as we are "
    "open again: {opens_at}.",
}
BUSY_TEXT = {
    "nl": "Bedankt voor je bericht! Het is nu druk; je kunt binnen ongeveer {minutes} minuten een antwoord verwachten.",
    "de": "Danke für Ihre Nachricht! Gerade ist viel los; Sie erhalten in etwa {minutes} Minuten eine Antwort.",
    "en": "Thanks for your message! It is busy right now; you can expect an answer within about {minutes} minutes.",
}
# German writes the day with a full stop after it and a comma after the weekday.
OPENING_FORMAT = {"nl": "l j F, H:i", "de": "l, j. F, H:i", "en": "l j F, H:i"}


def opening_text(opens_at: datetime | None, language: str) -> str:
    """ "maandag 12 januari, 09:00", "Montag, 12. Januar, 09:00" in the customer's language and
    the inbox's zone."""
    if opens_at is None:
        return {"nl": "zo snel mogelijk", "de": "so bald wie möglich", "en": "as soon as possible"}[language]
    with translation.override(language):
        return formats.date_format(opens_at, OPENING_FORMAT[language])


def _text(settings: InboxAutomation, kind: str, language: str, defaults: dict[str, str]) -> str:
    return getattr(settings, f"{kind}_text_{language}", "") or defaults[language]


def away_reply_send(
    *, conversation: Conversation, state: ConversationAutomation, settings: InboxAutomation, language: str, at=None
) -> bool:
    """Tell the customer when to expect an answer if the inbox is closed, once per closed
    period. Expects `state` locked. Returns True if sent."""
    if not settings.away_enabled:
        return False
    period = business_hours.closed_period_key(conversation.inbox, at)
    if not period or period == state.away_period:
        return False
    opens_at = business_hours.next_open(conversation.inbox, at)
    text = _text(settings, "away", language, AWAY_TEXT).replace("{opens_at}", opening_text(opens_at, language))
    if not bot_message_send(conversation=conversation, text=text):
        return False
    state.away_period = period
    state.save(update_fields=["away_period", "updated_at"])
    return True


def inbox_waiting_count(inbox_id: int) -> int:
    """Open conversations nobody has taken and no human has answered yet (bot-handled ones
    are not waiting for an agent)."""
    return (
        Conversation.objects.filter(
            inbox_id=inbox_id, status=ConversationStatus.OPEN, assignee__isnull=True, first_response_at__isnull=True
        )
        .exclude(Q(automation__bot_status=BotStatus.ANSWERING))
        .count()
    )


def busy_acknowledge(
    *, conversation: Conversation, state: ConversationAutomation, settings: InboxAutomation, language: str
) -> bool:
    """When more conversations wait than the inbox's threshold, tell the customer the expected
    wait (the inbox's first-response target), once per conversation."""
    if not settings.busy_enabled or state.busy_acknowledged or conversation.first_response_at:
        return False
    if inbox_waiting_count(conversation.inbox_id) < settings.busy_threshold:
        return False
    minutes = max(1, round(conversation.inbox.first_response_target_seconds / 60))
    text = _text(settings, "busy", language, BUSY_TEXT).replace("{minutes}", str(minutes))
    if not bot_message_send(conversation=conversation, text=text):
        return False
    state.busy_acknowledged = True
    state.save(update_fields=["busy_acknowledged", "updated_at"])
    return True
