"""The hooks automation plugs into.

- `on_message_received`: after every ingested customer message commits. Bots, rules, tagging
  and auto-assignment register handlers here.
- `on_status_changed`: after any status change commits (a resolved conversation frees an
  agent for auto-assignment; rules on "conversation resolved").
- `on_conversation_resolved`: after a conversation was resolved and that committed (e.g. the
  customer feedback survey of `reporting.surveys`).
- `on_agent_online`: after an agent became Online and that committed (waiting conversations
  are auto-assigned to them).
- `on_inbound_claim`: inside ingest's transaction, before a customer message would reopen
  its conversation: a handler that recognises the message as something else than a new
  question (a survey answer) claims it, and the conversation stays as it is.

Each handler runs on its own: a broken rule is logged and never stops a message from
arriving or the next handler from running.
"""

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack

from django.db import transaction

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


BatchScope = Callable[[list[int]], AbstractContextManager]
_batch_scopes: list[BatchScope] = []


def on_message_batch(scope: BatchScope) -> BatchScope:
    """Register `scope(message_ids)`, a context manager entered around the handlers' run over one
    batch of messages (a batched webhook, or a group of single ones): inside it a handler may
    read once what every message of the batch would read again (the messages, settings, rules)."""
    if scope not in _batch_scopes:
        _batch_scopes.append(scope)
    return scope


def messages_received(message_ids: list[int]) -> None:
    """`message_received` for each message of a batch, in order, inside the batch scopes."""
    with ExitStack() as scopes:
        for scope in list(_batch_scopes):
            scopes.enter_context(scope(message_ids))
        for message_id in message_ids:
            message_received(message_id)


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


ResolvedHandler = Callable[[int], None]  # receives the Conversation id
_conversation_resolved_handlers: list[ResolvedHandler] = []


def on_conversation_resolved(handler: ResolvedHandler) -> ResolvedHandler:
    """Register `handler(conversation_id)`, called after a resolution commits."""
    if handler not in _conversation_resolved_handlers:
        _conversation_resolved_handlers.append(handler)
    return handler


def conversation_resolved(conversation_id: int) -> None:
    for handler in list(_conversation_resolved_handlers):
        try:
            handler(conversation_id)
        except Exception:
            logger.exception(
                "resolved handler %s failed for conversation %s", getattr(handler, "__name__", handler), conversation_id
            )


ClaimHandler = Callable[..., bool]  # (conversation=, message=) -> True if it claims the message
_inbound_claim_handlers: list[tuple[ClaimHandler, ClaimHandler | None]] = []


def on_inbound_claim(handler: ClaimHandler, *, applies: ClaimHandler | None = None) -> ClaimHandler:
    """Register `handler(conversation=, message=) -> bool`. It runs inside ingest's transaction
    with the conversation row locked, before reopening; True keeps the conversation's status.

    `applies(conversation=, message=) -> bool`, if given, is an in-memory test of whether the
    handler could claim this message at all: where it says no, the handler (and the savepoint
    and queries it costs) is skipped. Every customer message passes here, so it matters."""
    if all(registered is not handler for registered, _ in _inbound_claim_handlers):
        _inbound_claim_handlers.append((handler, applies))
    return handler


def inbound_claimed(*, conversation, message) -> bool:
    """Whether a handler claims this customer message (it then does not reopen anything)."""
    for handler, applies in list(_inbound_claim_handlers):
        if applies is not None and not applies(conversation=conversation, message=message):
            continue
        try:
            # A savepoint: a failing handler must not poison ingest's transaction.
            with transaction.atomic():
                if handler(conversation=conversation, message=message):
                    return True
        except Exception:
            logger.exception(
                "claim handler %s failed for message %s", getattr(handler, "__name__", handler), message.pk
            )
    return False


AgentHandler = Callable[[int], None]  # receives the user id
_agent_online_handlers: list[AgentHandler] = []


def on_agent_online(handler: AgentHandler) -> AgentHandler:
    """Register `handler(user_id)`, called after the commit of an agent becoming Online."""
    if handler not in _agent_online_handlers:
        _agent_online_handlers.append(handler)
    return handler


def agent_online(user_id: int) -> None:
    for handler in list(_agent_online_handlers):
        try:
            handler(user_id)
        except Exception:
            name = getattr(handler, "__name__", handler)
            logger.exception("agent-online handler %s failed for user %s", name, user_id)
