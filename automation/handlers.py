"""Wiring automation into the inbox's hooks (see inbox.hooks).

On every customer message, in this order (each step isolated: one failing never stops the
next, nor the message, which is already committed):
1. rules for "conversation created" (first message automation sees) and "message received",
   and the preparatory tags;
2. the FAQ bot: answer, hand over, or stay quiet;
3. if the bot did not answer: the out-of-hours reply when closed, else the busy
   acknowledgement;
4. if the bot did not answer: auto-assignment.
"""

import logging

from django.db import transaction

from inbox import hooks
from inbox.models import ConversationStatus, Inbox, Message, SenderType

from . import assignment, auto_replies, bot, rules
from .language import LANGUAGES, language_detect, language_known
from .models import BotStatus, RuleTrigger
from .state import batch_memo, batch_message_ids, batch_scope, conversation_state_lock, inbox_automation

logger = logging.getLogger(__name__)


def _step(name: str, message_id: int, function, *args, **kwargs):
    try:
        with transaction.atomic():
            return function(*args, **kwargs)
    except Exception:
        logger.exception("automation step %s failed for message %s", name, message_id)
        return None


def _messages_load(message_ids) -> dict[int, Message]:
    """Messages with their conversation, contact and inbox in one query. Messages of one inbox
    share one Inbox instance, without its credentials: automation does not send (the outbox task
    does), so there is nothing to decrypt."""
    messages = list(
        Message.objects.select_related("conversation__contact", "conversation__inbox")
        .defer("conversation__inbox__credentials")
        .filter(pk__in=message_ids)
    )
    inboxes: dict[int, Inbox] = {}
    for message in messages:
        inbox = inboxes.setdefault(message.conversation.inbox_id, message.conversation.inbox)
        message.conversation.inbox = inbox
    return {message.pk: message for message in messages}


def _message_for_automation(message_id: int) -> Message | None:
    """The message, read with the rest of its batch (one query for the batch, not one each).
    A conversation that an earlier message of the batch already went through is read again:
    its rules, tags or assignment may have changed it since the batch was read."""
    batch = batch_memo(("messages",), lambda: _messages_load(batch_message_ids()))
    seen = batch_memo(("conversations seen",), set)
    message = batch.get(message_id)
    if message is None or message.conversation_id in seen:
        message = _messages_load([message_id]).get(message_id)
    if message is not None:
        seen.add(message.conversation_id)
    return message


def message_received(message_id: int) -> None:
    message = _message_for_automation(message_id)
    if message is None or message.sender_type != SenderType.CONTACT:
        return
    conversation = message.conversation
    # The contact's own language (the live-chat widget's, or set by an agent) wins: the bot,
    # auto-replies and surveys all speak it. Only without one is it read from the text.
    locale = (conversation.contact.locale or "")[:2].lower()

    def language_of(known: str) -> str:
        return locale if locale in LANGUAGES else language_detect(message.text or "", fallback=known)

    with transaction.atomic():
        # A new row is written with its language at once (no second write).
        state, created = conversation_state_lock(conversation, language=lambda: language_of(""))
        if not created and (locale in LANGUAGES or language_known(message.text or "") or not state.language):
            language = language_of(state.language)
            if language != state.language:
                state.language = language
                state.save(update_fields=["language", "updated_at"])
    triggers = [RuleTrigger.CONVERSATION_CREATED] if created else []
    for trigger in [*triggers, RuleTrigger.MESSAGE_RECEIVED]:
        enabled = rules.rules_enabled(conversation.inbox_id, trigger)
        if not enabled:
            continue  # no transaction to open for nothing
        context = rules.RuleContext(conversation=conversation, trigger=trigger, message=message)
        _step("rules", message_id, rules.rules_run, context, enabled)
    _step("tags", message_id, rules.tags_prepare, conversation=conversation, message=message)
    settings = inbox_automation(conversation.inbox)
    # Steps the lead has not switched on are skipped before they lock anything: each would
    # find its switch off and do nothing, at a dozen queries per message (the worker has to
    # keep up with batches of 1,000 messages).
    if not (settings.bot_enabled or settings.away_enabled or settings.busy_enabled or settings.assignment_mode_on):
        return
    conversation.refresh_from_db()
    # Everyone reads a reply under a public comment: the bot and the automatic replies stay
    # out of public conversations unless the inbox allows them there.
    speaks = automatic_replies_allowed(conversation)
    if settings.bot_enabled and speaks:
        outcome = _step("bot", message_id, _bot_step, message, settings)
        if outcome is not None and outcome.action == "answered":
            return
    if (settings.away_enabled or settings.busy_enabled) and speaks:
        _step("auto_reply", message_id, _auto_reply_step, conversation, settings)
    if settings.assignment_mode_on:
        _step("assignment", message_id, assignment.conversation_auto_assign, conversation_id=conversation.pk)


def automatic_replies_allowed(conversation) -> bool:
    """Whether the bot and automatic replies may write in this conversation: always in a direct
    one; in a public comment thread only with the inbox's `config["automation_public_replies"]`."""
    return not conversation.public or bool(conversation.inbox.config.get("automation_public_replies"))


def _bot_step(message: Message, settings):
    message.conversation.refresh_from_db()
    state, _created = conversation_state_lock(message.conversation)
    return bot.bot_consider(message=message, state=state, settings=settings, language=state.language or "en")


def _auto_reply_step(conversation, settings) -> None:
    conversation.refresh_from_db()
    state, _created = conversation_state_lock(conversation)
    if state.bot_status == BotStatus.ANSWERING:
        return
    language = state.language or "en"
    kwargs = {"conversation": conversation, "state": state, "settings": settings, "language": language}
    if not auto_replies.away_reply_send(**kwargs):
        auto_replies.busy_acknowledge(**kwargs)


def status_changed(conversation_id: int, old: str, new: str) -> None:
    """A resolved conversation fires its rules and may free an agent for one that waits."""
    from inbox.models import Conversation

    conversation = Conversation.objects.select_related("inbox").filter(pk=conversation_id).first()
    if conversation is None:
        return
    if new == ConversationStatus.RESOLVED:
        context = rules.RuleContext(conversation=conversation, trigger=RuleTrigger.CONVERSATION_RESOLVED)
        _step("rules", 0, rules.rules_run, context)
    if new in (ConversationStatus.RESOLVED, ConversationStatus.CLOSED) and conversation.assignee_id:
        inbox_ids = list(conversation.assignee.inboxes.values_list("pk", flat=True))
        for inbox_id in inbox_ids or [conversation.inbox_id]:
            _step("assignment", 0, assignment.waiting_conversations_assign, inbox_id=inbox_id, limit=20)


def agent_online(user_id: int) -> None:
    """An agent who became Online gets the conversations waiting in their inboxes, now rather
    than at the next periodic run. In a task: signing in must not wait for it."""
    from kernel.tasks import enqueue_on_commit

    from .tasks import agent_online_assign_task

    enqueue_on_commit(agent_online_assign_task, user_id, inline_if_broker_down=agent_online_assign)


def agent_online_assign(user_id: int) -> int:
    from inbox.availability import agent_inbox_ids

    return sum(
        _step("assignment", 0, assignment.waiting_conversations_assign, inbox_id=inbox_id, limit=20) or 0
        for inbox_id in agent_inbox_ids(user_id)
    )


def register() -> None:
    hooks.on_agent_online(agent_online)
    hooks.on_message_received(message_received)
    hooks.on_status_changed(status_changed)
    hooks.on_message_batch(batch_scope)
