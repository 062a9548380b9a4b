"""The plain dataclasses every channel turns its platform input into.

Channel apps build these and hand them to `inbox.ingest`; the inbox never sees a platform's
payload format. Timestamps are timezone-aware datetimes taken from the platform's payload.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from .files import safe_filename


@dataclass(frozen=True)
class SenderProfile:
    """Who sent it, as the platform knows them."""

    external_id: str  # wa_id, PSID, live-chat visitor id
    display_name: str = ""
    phone: str = ""  # any format; crm normalizes it
    email: str = ""
    locale: str = ""
    verified_user_id: str = ""  # a host site's own user id, verified by HMAC (live chat)
    # The platform vouches for `phone` and `email` (WhatsApp: the phone is the wa_id). Typed
    # details (the live-chat widget) are not: they never attach the sender to another contact.
    details_verified: bool = False

    def __post_init__(self) -> None:
        # What a platform sends is clipped to what our columns hold (names 255); a "phone"
        # or locale too long to be one is no phone or locale at all.
        _clip(self, display_name=255, email=254)
        for name, limit in (("phone", 32), ("locale", 16)):
            if len(getattr(self, name)) > limit:
                object.__setattr__(self, name, "")


@dataclass(frozen=True)
class InboundAttachment:
    kind: str  # image, audio, video, document, sticker
    mime_type: str = ""
    filename: str = ""
    remote_id: str = ""  # platform media id, downloaded later by the channel
    remote_url: str = ""
    size: int | None = None
    sha256: str = ""

    def __post_init__(self) -> None:
        _clip(self, kind=12, mime_type=128, remote_id=255, remote_url=2000, sha256=64)
        if self.filename:  # the sender's name for it: shown, and the name it is stored under
            object.__setattr__(self, "filename", safe_filename(self.filename))


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

    def __post_init__(self) -> None:
        _clip(self, error_code=32)


@dataclass(frozen=True)
class Reaction:
    """The customer set (or, with an empty emoji, removed) a reaction on a message."""

    external_id: str
    sender: SenderProfile
    target_external_id: str
    emoji: str
    timestamp: datetime


@dataclass(frozen=True)
class OutboundEcho:
    """A message the business account sent, as the platform reports it back (Messenger's
    echoes): one of ours (known by its external id or by `reference`, the id of our Message that
    we sent along), or one sent with another tool, which the inbox stores for a complete history."""

    external_id: str
    recipient: SenderProfile  # the customer it went to
    timestamp: datetime
    kind: str = "text"
    text: str = ""
    content: dict = field(default_factory=dict)
    attachments: tuple[InboundAttachment, ...] = ()
    reply_to_external_id: str = ""
    reference: int | None = None


@dataclass(frozen=True)
class StatusWatermark:
    """Every outbound message to `recipient_external_id` sent up to `watermark` reached
    `status` (Messenger's delivery and read events); `external_ids` names some of them."""

    recipient_external_id: str
    status: str  # delivered, read
    watermark: datetime
    external_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class MessageEdit:
    """The customer edited a message they sent: its new text (the earlier one is kept)."""

    external_id: str
    text: str
    timestamp: datetime


@dataclass(frozen=True)
class MessageUnsent:
    """The customer unsent (deleted) a message: it stays in the history, marked, its content
    hidden from agents."""

    external_id: str
    timestamp: datetime


@dataclass(frozen=True)
class PublicComment:
    """A public comment under a post, reel or ad (or a mention of the account), as the platform
    reports it: added, edited, removed or hidden. `from_business`: the account's own comment."""

    external_id: str  # the comment's id
    author: SenderProfile
    timestamp: datetime
    action: str = "add"  # add, edited, remove, hide, unhide
    text: str = ""
    kind: str = "comment"  # or "mention"
    # The post: {"post_id", "permalink", "caption", "thumbnail_url", "ad_id", "ad_title", ...}
    post: dict = field(default_factory=dict)
    parent_id: str = ""  # the comment it answers ("" or the post's id for a top-level comment)
    from_business: bool = False


def inbound_runs(items: Iterable[tuple[object, object]]) -> Iterator[tuple[object, object]]:
    """`(source, item)` pairs in platform order, with every run of consecutive customer messages
    gathered into one list: yields `(None, [InboundMessage, ...])` for a run (store it with
    `messages_ingest`, a few queries for the lot) and `(source, item)` for anything else. A run
    is yielded before the item that ends it, so everything still applies in the order sent."""
    run: list[InboundMessage] = []
    for source, item in items:
        if isinstance(item, InboundMessage):
            run.append(item)
            continue
        if run:
            yield None, run
            run = []
        yield source, item
    if run:
        yield None, run


def _clip(instance, **limits: int) -> None:
    """Shorten string fields of a frozen dataclass to the columns they end up in."""
    for name, limit in limits.items():
        value = getattr(instance, name)
        if isinstance(value, str) and len(value) > limit:
            object.__setattr__(instance, name, value[:limit])
