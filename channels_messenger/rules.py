"""Messenger's rules for replies: the shared Messenger Platform window
(`meta_platform.messaging_rules`: 24 hours, then the HUMAN_AGENT tag up to 7 days when the inbox
has it enabled) in Messenger's words."""

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

__all__ = [
    "HUMAN_AGENT",
    "HUMAN_AGENT_WINDOW",
    "RESPONSE",
    "STANDARD_WINDOW",
    "Messaging",
    "human_agent_enabled",
    "messaging_for",
    "window",
]
