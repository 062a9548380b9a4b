"""Sender actions on the Messenger Platform (a Page's Messenger, Instagram Direct): `mark_seen`
when an agent opens a conversation and `typing_on` while an agent types (at most once per
conversation every few seconds). Per inbox: `config["mark_seen"]` and `config["typing_indicator"]`
(both default on). A courtesy: best effort, never shown to agents, and never sent outside the
reply window (Meta would refuse it), never for a public comment thread."""

import logging

from django.core.cache import cache

from .graph import GraphError
from .messaging_sender import MessagingSender

logger = logging.getLogger(__name__)

TYPING_THROTTLE_SECONDS = 10
CONFIG_KEYS = {"mark_seen": "mark_seen", "typing_on": "typing_indicator"}


def sender_action_send(conversation, action: str, *, sender: MessagingSender) -> bool:
    """Send `mark_seen` or `typing_on` for the conversation's customer. True if sent."""
    inbox = conversation.inbox
    if conversation.public:
        return False  # a comment thread has no direct conversation to mark seen or type in
    if not inbox.config.get(CONFIG_KEYS[action], True) or not sender.window.window(conversation).open:
        return False
    body = sender.sender_action_body(conversation, action)
    try:
        sender.graph_request(
            "POST",
            sender.messages_path(inbox),
            inbox=inbox,
            token=inbox.credentials.get("access_token", ""),
            json=body,
        )
    except GraphError as error:
        logger.info("%s %s for conversation %s failed: %s", sender.name, action, conversation.pk, error.message)
        return False
    return True


def typing_due(conversation_id: int) -> bool:
    """At most one typing indicator per conversation per throttle period, across workers
    (the cache is shared on Redis). A cache that is down lets it through: it is harmless."""
    try:
        return bool(cache.add(f"meta:typing:{conversation_id}", 1, timeout=TYPING_THROTTLE_SECONDS))
    except Exception:
        logger.warning("typing throttle unavailable", exc_info=True)
        return True
