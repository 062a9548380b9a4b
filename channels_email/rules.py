"""Email's rules for replies: no window (an email can always be answered); where a conversation
the business starts goes."""

import uuid

from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import WINDOW_ALWAYS_OPEN, StartRefused, WindowState

from .addresses import identity_address, thread_identity


def window(conversation) -> WindowState:
    return WINDOW_ALWAYS_OPEN


def message_template(message) -> str:
    """Emails (stored with their headers and parts) show as an email; notes and system lines of
    the conversation keep the core's rendering."""
    return "channels_email/_email_message.html" if (message.content or {}).get("email") else ""


def start_address(inbox, contact) -> str:
    """A new thread to the customer's address: the one they last wrote from to an inbox of
    this channel, else the contact's email address. Each start is a thread (a conversation)
    of its own, so its identity is new every time."""
    identity = contact.identities.filter(channel=inbox.kind).order_by("-id").first()
    address = identity_address(identity.external_id) if identity is not None else ""
    address = address or contact.email or ""
    if not address:
        address = contact.emails.filter(verified=True).values_list("email", flat=True).first() or ""
    if "@" not in address:
        raise StartRefused(_("This customer has no email address yet: add one to write to them by email."))
    return thread_identity(address, f"<started.{uuid.uuid4().hex}>")
