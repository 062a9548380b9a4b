"""Email's rules for replies: no window (an email can always be answered)."""

from inbox.channel_registry import WINDOW_ALWAYS_OPEN, WindowState


def window(conversation) -> WindowState:
    return WINDOW_ALWAYS_OPEN


def message_template(message) -> str:
    """Emails (stored with their headers and parts) show as an email; notes and system lines of
    the conversation keep the core's rendering."""
    return "channels_email/_email_message.html" if (message.content or {}).get("email") else ""
