"""The plain dataclasses every channel turns its platform input into.

Channel apps build these and hand them to `inbox.ingest`; the inbox never sees a platform's
payload format. Timestamps are timezone-aware datetimes taken from the platform's payload.
"""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SenderProfile:
    """Who sent it, as the platform knows them."""

    external_id: str  # wa_id, PSID, live-chat visitor id
    display_name: str = ""
    phone: str = ""  # any format; crm normalizes it
    email: str = ""
    locale: str = ""
    verified_user_id: str = ""  # a host site's own user id, verified by HMAC (live chat)


@dataclass(frozen=True)
class InboundAttachment:
    kind: str  # image, audio, video, document, sticker
    mime_type: str = ""
    filename: str = ""
    remote_id: str = ""  # platform media id, downloaded later by the channel
    remote_url: str = ""
    size: int | None = None
    sha256: str = ""


@dataclass(frozen=True)
class InboundMessage:
    external_id: str  # the platform's message id: the idempotency key within an inbox
    sender: SenderProfile
    timestamp: datetime
    kind: str = "text"
    text: str = ""
    content: dict = field(default_factory=dict)
    attachments: tuple[InboundAttachment, ...] = ()
    reply_to_external_id: str = ""
    source: dict = field(default_factory=dict)  # referral / ad attribution for the conversation


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery status for one of our outbound messages."""

    external_id: str
    status: str  # sent, delivered, read, failed
    timestamp: datetime
    error_code: str = ""
    error: str = ""
