"""WhatsApp's rules for replies: the 24-hour customer-service window."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import WindowState

from .errors import WINDOW_CLOSED_REASON

WINDOW = timedelta(hours=24)
NO_CUSTOMER_MESSAGE_REASON = _(
    "The customer has not written to this WhatsApp number yet: WhatsApp only allows an approved template message."
)


def window(conversation) -> WindowState:
    """Free-form messages only within 24 hours of the customer's last message (its platform
    timestamp, so a late delivery counts from when the customer wrote). Templates always."""
    last = conversation.last_customer_message_at
    if last is None:
        return WindowState(open=False, reason=NO_CUSTOMER_MESSAGE_REASON)
    if timezone.now() - last > WINDOW:
        return WindowState(open=False, reason=WINDOW_CLOSED_REASON)
    return WindowState(open=True)
