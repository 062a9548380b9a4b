"""Automation's rows beside inboxes and conversations, and the system line helper."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import IntegrityError, transaction

from inbox import replies
from inbox.models import Conversation, Inbox, MessageKind, SenderType

from .models import ConversationAutomation, InboxAutomation

logger = logging.getLogger(__name__)


_batch_memo: ContextVar[dict | None] = ContextVar("automation_batch_memo", default=None)


@contextmanager
def batch_scope(message_ids: list[int] | tuple = ()):
    """While automation runs over one batch of messages, what each message would read again
    (the inbox's settings, its rules, the messages themselves) is read once. Only reads are
    kept, and only for the batch: a lead's change applies from the next batch, as if this one
    had run a moment earlier."""
    token = _batch_memo.set({("batch", "message_ids"): tuple(message_ids)})
    try:
        yield
    finally:
        _batch_memo.reset(token)


def batch_message_ids() -> tuple[int, ...]:
    """The ids of the messages of the batch being run (empty outside a batch scope)."""
    memo = _batch_memo.get()
    return memo.get(("batch", "message_ids"), ()) if memo is not None else ()


def batch_memo(key: tuple, compute):
    """`compute()`, once per batch scope for `key`; outside a scope, every time."""
    memo = _batch_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def inbox_automation(inbox: Inbox) -> InboxAutomation:
    """The inbox's automation settings (all off until a lead switches something on)."""
    return batch_memo(("settings", inbox.pk), lambda: _inbox_automation(inbox))


def _inbox_automation(inbox: Inbox) -> InboxAutomation:
    found = InboxAutomation.objects.filter(inbox=inbox).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return InboxAutomation.objects.create(inbox=inbox)
    except IntegrityError:  # created concurrently
        return InboxAutomation.objects.get(inbox=inbox)


def conversation_state_lock(conversation: Conversation, *, language=None) -> tuple[ConversationAutomation, bool]:
    """The conversation's automation row, locked (call inside a transaction); True if new.
    `language()`, if given, is the language a new row starts with.

    The lock serialises automation for one conversation: two messages arriving together
    cannot both get the bot's answer or the out-of-hours reply."""
    locked = ConversationAutomation.objects.select_for_update()
    state = locked.filter(conversation=conversation).first()
    if state is not None:
        return state, False
    try:
        with transaction.atomic():
            initial = language() if language else ""
            return ConversationAutomation.objects.create(conversation=conversation, language=initial), True
    except IntegrityError:  # created concurrently: wait for theirs
        return locked.get(conversation=conversation), False


def system_line_add(*, conversation: Conversation, text: str) -> None:
    """A line in the conversation's timeline for agents (never sent to the customer)."""
    replies.reply_send(
        conversation=conversation,
        author=None,
        text=text,
        private=True,
        sender_type=SenderType.SYSTEM,
        kind=MessageKind.SYSTEM,
    )


def bot_message_send(*, conversation: Conversation, text: str, choices: list[dict] | None = None) -> bool:
    """Send `text` to the customer as the bot, through the outbox and the channel's rules;
    with `choices` ([{id, title}]) it carries buttons (WhatsApp reply buttons, Messenger quick
    replies, buttons in the widget). Returns False (and logs) when the channel refuses, e.g.
    its reply window is closed."""
    extra = {"kind": MessageKind.INTERACTIVE, "content": {"choices": choices}} if choices else {}
    try:
        replies.reply_send(conversation=conversation, author=None, text=text, sender_type=SenderType.BOT, **extra)
    except replies.ReplyRefused as refused:
        logger.info("bot message to conversation %s not sent: %s", conversation.pk, refused.reason)
        return False
    return True
