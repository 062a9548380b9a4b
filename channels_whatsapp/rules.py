"""WhatsApp's rules for replies: the 24-hour customer-service window."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import StartRefused, WindowState

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


def start_address(inbox, contact) -> str:
    """Where a conversation the business starts goes: the customer's WhatsApp id, or else their
    phone number (a wa_id is the number in international form, without the plus)."""
    identity = contact.identities.filter(channel="whatsapp").order_by("-id").first()
    if identity is not None:
        return identity.external_id
    number = (
        contact.phone or contact.phones.filter(verified=True).exclude(e164="").values_list("e164", flat=True).first()
    )
    if not number:
        raise StartRefused(_("This customer has no phone number yet: add one to write to them on WhatsApp."))
    return number.lstrip("+")
