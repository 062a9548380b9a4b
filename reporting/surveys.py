"""Customer feedback surveys: asked when a conversation is resolved, answered in the channel.

- `survey_send` (after a resolution commits, via `inbox.hooks.on_conversation_resolved`):
  when the inbox's `SurveySetting` asks for CSAT or NPS, the question goes out through the
  outbox as a bot message of kind `interactive` with its choices (WhatsApp list, Messenger
  quick replies, buttons in the live-chat widget), in the contact's language (else the inbox's,
  else English).
- `survey_inbound_claim` (inside ingest, via `inbox.hooks.on_inbound_claim`, before a
  customer message would reopen the conversation): a tapped choice, or a typed number right
  after the question, is the answer; the next free-text message within `COMMENT_WINDOW` is its
  comment. Both are recorded with `survey_response_record` and claimed, so they never reopen or
  open a case. Anything else is a normal message.

The survey's own messages are listed in `SurveyMessage` so the KPIs leave them out.
"""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inbox import channel_registry
from inbox.models import Conversation, ConversationStatus, Message, MessageKind, SenderType
from inbox.replies import ReplyRefused, reply_send

from .models import SurveyKind, SurveyMessage, SurveyRequest, SurveySetting
from .services import survey_response_record

logger = logging.getLogger(__name__)

# A typed number counts as the answer only this long after the question.
ANSWER_WINDOW = timedelta(days=3)
# The next free-text message this soon after the answer is the answer's comment.
COMMENT_WINDOW = timedelta(minutes=15)
CHOICE_ID = re.compile(r"^survey:(csat|nps):(\d{1,2})$")
TYPED_SCORE = re.compile(r"^\s*(\d{1,2})\s*(?:/\s*(?:5|10)\s*)?[.!]?\s*$")
LANGUAGES = {code for code, _name in settings.LANGUAGES}


def survey_language(conversation: Conversation) -> str:
    """The contact's language when we ship it, else the inbox's, else English."""
    for candidate in (conversation.contact.locale, (conversation.inbox.config or {}).get("language")):
        code = str(candidate or "")[:2].lower()
        if code in LANGUAGES:
            return code
    return "en"


def survey_choices(kind: str, *, channel: str) -> list[dict]:
    """The answer options, best first, with ids the answer parser recognises."""
    if kind == SurveyKind.CSAT:
        faces = {5: "😀", 4: "🙂", 3: "😐", 2: "🙁", 1: "😞"}
        labels = {
            5: _("Very satisfied"),
            4: _("Satisfied"),
            3: _("Neutral"),
            2: _("Dissatisfied"),
            1: _("Very dissatisfied"),
        }
        choices = [
            {"id": f"survey:csat:{score}", "title": f"{score} {faces[score]}", "description": labels[score]}
            for score in range(5, 0, -1)
        ]
    else:
        ends = {10: _("Extremely likely"), 0: _("Not at all likely")}
        choices = [{"id": f"survey:nps:{score}", "title": str(score)} for score in range(10, -1, -1)]
        for choice in choices:
            score = int(choice["title"])
            if score in ends:
                choice["description"] = ends[score]
    # A channel that carries fewer options (NPS has 11) gets the best ones; the question says a
    # number can be typed, which is how the lowest is given.
    limit = channel_registry.get(channel).choice_limit if channel_registry.known(channel) else None
    return choices[:limit] if limit else choices


def survey_question(kind: str, *, own: dict | None = None, language: str = "") -> str:
    """The inbox's own wording in `language` if it has one, else the standard question in the
    active language."""
    if own and str(own.get(language) or "").strip():
        return str(own[language]).strip()
    if kind == SurveyKind.CSAT:
        return _(
            "Thank you for contacting us! How satisfied are you with our help? "
            "Choose a score, or type a number from 1 (very dissatisfied) to 5 (very satisfied)."
        )
    return _(
        "Thank you for contacting us! How likely are you to recommend us to a friend or colleague? "
        "Choose a score, or type a number from 0 (not at all likely) to 10 (extremely likely)."
    )


def survey_send(conversation_id: int, *, now=None, kind: str | None = None) -> SurveyRequest | None:
    """Ask the customer of a resolved conversation for feedback, once per conversation, when
    the inbox asks for a survey (or a rule names the `kind`: csat or nps) and the channel may
    still reach the customer."""

    now = now or timezone.now()
    conversation = Conversation.objects.select_related("inbox", "contact").filter(pk=conversation_id).first()
    if conversation is None or conversation.status != ConversationStatus.RESOLVED:
        return None
    setting = SurveySetting.objects.filter(inbox_id=conversation.inbox_id).first()
    survey = kind or (setting.survey if setting is not None else SurveySetting.Survey.OFF)
    if survey not in (SurveyKind.CSAT, SurveyKind.NPS):
        return None
    if not _reachable(conversation, now):
        return None
    language = survey_language(conversation)
    with transaction.atomic():
        request, created = SurveyRequest.objects.get_or_create(
            conversation=conversation,
            defaults={"inbox_id": conversation.inbox_id, "kind": survey, "language": language, "sent_at": now},
        )
        if not created:
            return None  # asked before: resolving again does not ask twice
        with translation.override(language):
            content = {
                "survey": {"kind": request.kind},
                "choices": survey_choices(request.kind, channel=conversation.inbox.kind),
                "button": _("Choose a score"),  # WhatsApp: at most 20 characters
            }
            question = survey_question(
                request.kind, own=setting.questions if setting is not None else None, language=language
            )
        try:
            message = reply_send(
                conversation=conversation,
                author=None,
                text=question,
                sender_type=SenderType.BOT,
                kind=MessageKind.INTERACTIVE,
                content=content,
            )
        except ReplyRefused as refused:
            logger.info("survey for conversation %s not sent: %s", conversation_id, refused.reason)
            transaction.set_rollback(True)
            return None
        SurveyMessage.objects.create(message=message, request=request, role="question")
    return request


def _reachable(conversation: Conversation, now) -> bool:
    window = channel_registry.get(conversation.inbox.kind).business_initiated_window
    if window is None:
        return True
    last = conversation.last_customer_message_at
    return last is not None and now - last <= window


def choice_score(message: Message, kind: str) -> int | None:
    """The score of a tapped choice: WhatsApp button/list reply id, Messenger quick-reply
    payload, the widget's choice."""
    content = message.content or {}
    for key in ("id", "payload", "choice"):
        match = CHOICE_ID.match(str(content.get(key) or ""))
        if match and match.group(1) == kind:
            return _in_range(kind, int(match.group(2)))
    return None


def typed_score(text: str, kind: str) -> int | None:
    """A number typed as the answer ("4", "8/10", "5!"); anything else is not an answer."""
    match = TYPED_SCORE.match(text or "")
    return _in_range(kind, int(match.group(1))) if match else None


def _in_range(kind: str, score: int) -> int | None:
    low, high = (1, 5) if kind == SurveyKind.CSAT else (0, 10)
    return score if low <= score <= high else None


def survey_claim_possible(*, conversation: Conversation, message: Message) -> bool:
    """Without a query: could `survey_inbound_claim` take this message? Only a tapped choice
    (in any status) or a message to a conversation still resolved can be an answer or comment;
    a text to an open conversation, most of what arrives, never is."""
    return message.sender_type == SenderType.CONTACT and (
        message.kind == MessageKind.INTERACTIVE or conversation.status == ConversationStatus.RESOLVED
    )


def survey_inbound_claim(*, conversation: Conversation, message: Message) -> bool:
    """Take a customer message as the survey's answer or comment (see the module docstring).
    Runs inside ingest's transaction with the conversation locked."""
    if message.sender_type != SenderType.CONTACT:
        return False
    request = SurveyRequest.objects.select_for_update().filter(conversation=conversation).first()
    if request is None or message.sent_at < request.sent_at:
        return False
    still_resolved = conversation.status == ConversationStatus.RESOLVED
    score = choice_score(message, request.kind) if message.kind == MessageKind.INTERACTIVE else None
    if score is None and message.kind == MessageKind.TEXT and still_resolved and request.answered_at is None:
        if message.sent_at - request.sent_at <= ANSWER_WINDOW:
            score = typed_score(message.text, request.kind)
    if score is not None:
        _answer_record(request, conversation, message, score)
        return True
    if _is_comment(request, message, still_resolved=still_resolved):
        answer = conversation.survey_responses.filter(kind=request.kind).first()
        survey_response_record(
            conversation=conversation,
            kind=request.kind,
            score=answer.score,
            comment=message.text,
            message=answer.message,
            at=answer.answered_at,
        )
        request.commented_at = message.sent_at
        request.save(update_fields=["commented_at", "updated_at"])
        SurveyMessage.objects.get_or_create(message=message, defaults={"request": request, "role": "comment"})
        return True
    return False


def _is_comment(request: SurveyRequest, message: Message, *, still_resolved: bool) -> bool:
    return (
        still_resolved
        and request.answered_at is not None
        and request.commented_at is None
        and request.comment_until is not None
        and message.kind == MessageKind.TEXT
        and bool(message.text.strip())
        and message.sent_at <= request.comment_until
    )


def _answer_record(request: SurveyRequest, conversation: Conversation, message: Message, score: int) -> None:
    first_answer = request.answered_at is None
    survey_response_record(
        conversation=conversation, kind=request.kind, score=score, message=message, at=message.sent_at
    )
    request.answered_at = message.sent_at
    request.comment_until = message.sent_at + COMMENT_WINDOW
    request.save(update_fields=["answered_at", "comment_until", "updated_at"])
    SurveyMessage.objects.get_or_create(message=message, defaults={"request": request, "role": "answer"})
    if first_answer:
        request_id = request.pk
        transaction.on_commit(lambda: survey_thanks_send(request_id))


def survey_thanks_send(request_id: int) -> None:
    """Thank the customer for the answer and invite one message of comment."""

    request = SurveyRequest.objects.select_related("conversation").get(pk=request_id)
    with translation.override(request.language):
        text = _("Thank you for your feedback! If you like, tell us in one message what we could do better.")
    with transaction.atomic():
        try:
            message = reply_send(conversation=request.conversation, author=None, text=text, sender_type=SenderType.BOT)
        except ReplyRefused as refused:
            logger.info("survey thanks for request %s not sent: %s", request_id, refused.reason)
            return
        SurveyMessage.objects.create(message=message, request=request, role="thanks")
