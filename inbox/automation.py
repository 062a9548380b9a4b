"""The hook automation plugs into: called after every ingested customer message commits.

Bots, rules, tagging and auto-assignment (a later issue) register handlers here. Each handler
runs on its own: a broken rule is logged and never stops a message from arriving or the
next handler from running.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

MessageHandler = Callable[[int], None]  # receives the Message id
_message_received_handlers: list[MessageHandler] = []
StatusHandler = Callable[[int, str, str], None]  # receives the Conversation id, old and new status
_status_changed_handlers: list[StatusHandler] = []


def on_message_received(handler: MessageHandler) -> MessageHandler:
    """Register `handler(message_id)`; usable as a decorator."""
    if handler not in _message_received_handlers:
        _message_received_handlers.append(handler)
    return handler


def message_received(message_id: int) -> None:
    for handler in list(_message_received_handlers):
        try:
            handler(message_id)
        except Exception:
            logger.exception(
                "automation handler %s failed for message %s", getattr(handler, "__name__", handler), message_id
            )


def on_status_changed(handler: StatusHandler) -> StatusHandler:
    """Register `handler(conversation_id, old_status, new_status)`, called after the commit
    of every status change (resolved conversations free an agent, fire rules)."""
    if handler not in _status_changed_handlers:
        _status_changed_handlers.append(handler)
    return handler


def status_changed(conversation_id: int, old: str, new: str) -> None:
    for handler in list(_status_changed_handlers):
        try:
            handler(conversation_id, old, new)
        except Exception:
            logger.exception(
                "automation handler %s failed for conversation %s",
                getattr(handler, "__name__", handler),
                conversation_id,
            )
