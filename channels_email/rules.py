"""Email's rules for replies: no window (an email can always be answered)."""

from inbox.channel_registry import WINDOW_ALWAYS_OPEN, WindowState


def window(conversation) -> WindowState:
    return WINDOW_ALWAYS_OPEN
