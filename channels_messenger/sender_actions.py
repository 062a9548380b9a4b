"""Messenger's sender actions (`mark_seen`, `typing_on`): the shared ones
(`meta_platform.messaging_actions`) through Messenger's Sender."""

from meta_platform.messaging_actions import sender_action_send as _sender_action_send
from meta_platform.messaging_actions import typing_due

from .sender import SENDER

__all__ = ["sender_action_send", "typing_due"]


def sender_action_send(conversation, action: str) -> bool:
    """Send `mark_seen` or `typing_on` for the conversation's customer. True if sent."""
    return _sender_action_send(conversation, action, sender=SENDER)
