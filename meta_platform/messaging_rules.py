"""The Messenger Platform's rules for replies, for a Page's Messenger and Instagram Direct alike:
the 24-hour standard messaging window, and the HUMAN_AGENT message tag that lets a human agent
answer for 7 days after the customer's last message (only when the inbox has it enabled:
`config["human_agent"]`, which needs Meta's App Review)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from inbox.channel_registry import PermanentSendError, WindowState
from inbox.models import SenderType

from .messaging_errors import PlatformReasons

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


class MessagingWindow:
    """The reply window of one channel, refused in its own words."""

    def __init__(self, reasons: PlatformReasons) -> None:
        self.reasons = reasons

    def window(self, conversation, *, now: datetime | None = None) -> WindowState:
        """What the composer may send now. Inside 24 hours: anything. Between 24 hours and 7
        days: a human agent's reply with the HUMAN_AGENT tag, if the inbox has it. After that:
        nothing."""
        if conversation.public:
            return WindowState(open=True)  # comments are answered in public at any time
        now = now or timezone.now()
        last = conversation.last_customer_message_at
        if last is None:
            return WindowState(open=False, reason=self.reasons.no_customer_message)
        age = now - last
        if age <= STANDARD_WINDOW:
            return WindowState(open=True)
        if age > HUMAN_AGENT_WINDOW:
            return WindowState(open=False, reason=self.reasons.human_agent_closed)
        if not human_agent_enabled(conversation.inbox):
            return WindowState(open=False, reason=self.reasons.human_agent_disabled)
        until = date_format(timezone.localtime(last + HUMAN_AGENT_WINDOW), "DATETIME_FORMAT")
        return WindowState(
            open=True,
            note=gettext(
                "Outside the 24-hour window: replies go out as a human agent's (HUMAN_AGENT tag) until %(until)s."
            )
            % {"until": until},
        )

    def messaging_for(self, conversation, *, sender_type: str, now: datetime | None = None) -> Messaging:
        """The label for a reply sent now, or PermanentSendError with the agent's reason (before
        any call: the window may have closed while the reply waited in the outbox)."""
        now = now or timezone.now()
        state = self.window(conversation, now=now)
        if not state.open:
            raise PermanentSendError(state.reason, code="window")
        if now - conversation.last_customer_message_at <= STANDARD_WINDOW:
            return RESPONSE
        if sender_type != SenderType.AGENT:
            raise PermanentSendError(self.reasons.human_agent_only, code="window")
        return HUMAN_AGENT
