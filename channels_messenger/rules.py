"""Messenger's rules for replies: the 24-hour standard messaging window, and the HUMAN_AGENT
message tag that lets a human agent answer for 7 days after the customer's last message (only
when the inbox has it enabled: `config["human_agent"]`, which needs Meta's App Review)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from inbox.channel_registry import PermanentSendError, StartRefused, WindowState
from inbox.models import Conversation, SenderType

from . import errors

STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Messaging:
    """How the Send API must label a reply: `messaging_type` and, for a tag, the tag."""

    messaging_type: str  # RESPONSE or MESSAGE_TAG
    tag: str = ""

    def as_fields(self) -> dict:
        return {"messaging_type": self.messaging_type, **({"tag": self.tag} if self.tag else {})}


RESPONSE = Messaging("RESPONSE")
HUMAN_AGENT = Messaging("MESSAGE_TAG", "HUMAN_AGENT")


def human_agent_enabled(inbox) -> bool:
    return bool(inbox.config.get("human_agent", False))


def window(conversation, *, now: datetime | None = None) -> WindowState:
    """What the composer may send now. Inside 24 hours: anything. Between 24 hours and 7 days:
    a human agent's reply with the HUMAN_AGENT tag, if the inbox has it. After that: nothing."""
    now = now or timezone.now()
    last = conversation.last_customer_message_at
    if last is None:
        return WindowState(open=False, reason=errors.NO_CUSTOMER_MESSAGE_REASON)
    age = now - last
    if age <= STANDARD_WINDOW:
        return WindowState(open=True)
    if age > HUMAN_AGENT_WINDOW:
        return WindowState(open=False, reason=errors.HUMAN_AGENT_CLOSED_REASON)
    if not human_agent_enabled(conversation.inbox):
        return WindowState(open=False, reason=errors.HUMAN_AGENT_DISABLED_REASON)
    until = date_format(timezone.localtime(last + HUMAN_AGENT_WINDOW), "DATETIME_FORMAT")
    return WindowState(
        open=True,
        note=gettext("Outside the 24-hour window: replies go out as a human agent's (HUMAN_AGENT tag) until %(until)s.")
        % {"until": until},
    )


def messaging_for(conversation, *, sender_type: str, now: datetime | None = None) -> Messaging:
    """The label for a reply sent now, or PermanentSendError with the agent's reason (before
    any call: the window may have closed while the reply waited in the outbox)."""
    now = now or timezone.now()
    state = window(conversation, now=now)
    if not state.open:
        raise PermanentSendError(state.reason, code="window")
    if now - conversation.last_customer_message_at <= STANDARD_WINDOW:
        return RESPONSE
    if sender_type != SenderType.AGENT:
        raise PermanentSendError(errors.HUMAN_AGENT_ONLY_REASON, code="window")
    return HUMAN_AGENT


def start_address(inbox, contact) -> str:
    """A Page can only write to the people who wrote to it (their id is per Page): the customer's
    id from a conversation in this inbox. Whether the window still allows a message is `window`."""
    identity = (
        Conversation.objects.filter(inbox=inbox, contact=contact)
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
