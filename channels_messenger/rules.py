"""Messenger's rules for replies: the shared Messenger Platform window
(`meta_platform.messaging_rules`: 24 hours, then the HUMAN_AGENT tag up to 7 days when the inbox
has it enabled) in Messenger's words."""

from django.utils.translation import gettext_lazy

from inbox.channel_registry import StartRefused
from inbox.models import Conversation
from meta_platform.messaging_rules import (
    HUMAN_AGENT,
    HUMAN_AGENT_WINDOW,
    RESPONSE,
    STANDARD_WINDOW,
    Messaging,
    MessagingWindow,
    human_agent_enabled,
)

from .errors import ERRORS

WINDOW = MessagingWindow(ERRORS.reasons)
window = WINDOW.window
messaging_for = WINDOW.messaging_for


def start_address(inbox, contact) -> str:
    """A Page can only write to the people who wrote to it (their id is per Page): the customer's
    id from a conversation in this inbox. Whether the window still allows a message is `window`."""
    identity = (
        Conversation.objects.filter(inbox=inbox, contact=contact, public=False)
        .order_by("-last_message_at")
        .values_list("identity__external_id", flat=True)
        .first()
    )
    if not identity:
        raise StartRefused(
            gettext_lazy(
                "This customer has never written to this Facebook Page: on Messenger a business can only answer"
                " people who wrote first."
            )
        )
    return identity


__all__ = [
    "HUMAN_AGENT",
    "HUMAN_AGENT_WINDOW",
    "RESPONSE",
    "STANDARD_WINDOW",
    "Messaging",
    "human_agent_enabled",
    "messaging_for",
    "start_address",
    "window",
]
