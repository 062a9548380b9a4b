"""The registry of channels, keyed by kind: the one place the core learns about a channel.

A channel app registers what the inbox needs from it in its AppConfig.ready(): its name, a
Sender (deliver one Message, or raise a retryable / permanent error), its rules (is the reply
window open for this conversation?), a processor for stored raw webhook events and what it can
do (reactions, templates, files, typing). The core asks the registry and never names a channel;
`docs/adding-a-channel.md` walks through a new one.
"""

import argparse
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils.functional import Promise

from kernel.channel_kinds import kind_register, kind_unregister
from kernel.refusals import Refused

if TYPE_CHECKING:
    from .models import Conversation, Inbox, Message, WebhookEvent


class SendError(Exception):
    """A delivery failed. `reason` is shown to the agent, `code` is the platform's code."""

    def __init__(self, reason: str, *, code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class RetryableSendError(SendError):
    """Try again later (rate limit, timeout, 5xx)."""

    def __init__(self, reason: str, *, code: str = "", retry_after: float | None = None) -> None:
        super().__init__(reason, code=code)
        self.retry_after = retry_after


class PermanentSendError(SendError):
    """Never retry (window closed, user blocked, invalid request)."""


@dataclass(frozen=True)
class SendResult:
    external_id: str | None = None
    status: str = "sent"
    # Who the platform delivered to, when it says so and we addressed something else (Meta's
    # private reply goes to a comment and answers with the person's Messenger/Direct id).
    recipient_id: str | None = None


class LookupFailed(Exception):
    """A platform look-up failed (network, rate limit, permission, Meta down): worth another
    try later. `partial` holds what the other calls of the same look-up found."""

    def __init__(self, reason: str, *, partial: dict | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.partial = partial or {}


@dataclass(frozen=True)
class WindowState:
    open: bool
    reason: str = ""  # why a free-form reply cannot be sent now
    note: str = ""  # what an agent should know while it is open (e.g. Messenger's HUMAN_AGENT tag)


WINDOW_ALWAYS_OPEN = WindowState(open=True)


class TemplateRefused(Refused):
    """A template message cannot be composed (unknown template, wrong parameters)."""

    code = "template_refused"


@dataclass(frozen=True)
class TemplateMessage:
    """A channel's pre-approved template, filled in: what the outbox stores and sends."""

    text: str  # the filled-in body, as the agent and the customer see it
    content: dict  # what the Sender needs: {"template": {"name", "language", "parameters", ...}}


class AttachmentRefused(Refused):
    """An agent's file cannot go out on this channel (type or size); `reason` is for the agent."""

    code = "attachment_refused"


@dataclass(frozen=True)
class InboxSetup:
    """What `create_inbox <kind>` (or the settings' setup form) turns its input into. From the
    settings form, `credentials` holds only the secrets typed in (an empty field keeps the stored
    one) and `config` only the keys the form manages (the others are kept)."""

    name: str = ""
    external_id: str = ""
    credentials: dict | None = None
    config: dict | None = None


@dataclass(frozen=True)
class ConnectionResult:
    """What "Test connection" found: facts from the platform (label, value), or its error in words."""

    ok: bool
    facts: tuple = ()  # ((label, value), ...), e.g. (("Display number", "+31 20 123 4567"),)
    error: str = ""


@dataclass(frozen=True)
class CopyValue:
    """A value the person setting up the inbox copies into the platform (a callback URL, a
    snippet). `secret` values (a verify token) are shown only to those who manage credentials."""

    name: str  # stable, for tests and the page's ids
    label: "str | Promise"
    value: str
    secret: bool = False
    multiline: bool = False


def webhook_setup_summary(inbox: "Inbox") -> dict:
    """What a webhook channel's inbox needs next: the path to give the platform."""
    return {"webhook_url": inbox.webhook_path}


@dataclass(frozen=True)
class DemoIdentity:
    """A demo customer as one channel knows them: its id for the person, and the details the
    platform gives along (a WhatsApp id is a phone number; a Messenger id gives none)."""

    external_id: str
    phone: str = ""
    email: str = ""
    verified: bool = False  # the platform vouches for phone / email (not typed by the customer)


@dataclass(frozen=True)
class DemoPerson:
    """A made-up customer of the demo's history, before a channel turns them into an identity."""

    number: int  # unique within the demo: the channel's ids are derived from it
    name: str
    phone: str  # E.164
    email: str
    language: str  # nl, de, en


@dataclass(frozen=True)
class DemoCustomer:
    """A customer who is writing in right now when the demo loads (a live, waiting conversation)."""

    external_id: str
    name: str
    language: str  # nl, de, en: what the simulated customer answers in
    messages: tuple[str, ...]
    phone: str = ""
    email: str = ""
    verified: bool = False
    minutes_ago: int = 5  # when the first message came in
    # A channel with public comments: the post these messages are comments under (a public
    # conversation, `inbox.public`), e.g. {"post_id", "caption", "permalink"}; None: direct.
    post: dict | None = None


@dataclass(frozen=True)
class ChannelDemo:
    """What the demo (`manage.py load_demo`) makes of a channel: its inbox, who works it, the
    customers writing in now and what customers of its history ask. Declared by the channel app,
    so the demo itself names no channel.

    `send`: the Sender of the demo inbox, a simulated platform (`inbox.simulated_platform`) for a
    channel whose real platform is out of reach; None when the channel's own Sender works
    without any network (live chat). With a simulated platform the inbox's other calls to the
    platform (read receipts, typing, "Test connection") are off."""

    inbox_name: "str | Promise"
    members: tuple[str, ...]  # demo logins (see demo.data.DEMO_AGENTS) who work this inbox
    identity: "Callable[[DemoPerson], DemoIdentity]"
    # What customers of the history ask on this channel, per language (nl, de, en).
    questions: dict
    customers: tuple[DemoCustomer, ...] = ()
    external_id: str = ""
    config: dict | None = None
    send: "Callable[[Message], SendResult] | None" = None
    # This channel's share of the history's conversations (relative to the other channels).
    weight: float = 1.0


@dataclass(frozen=True)
class Channel:
    kind: str
    send: "Callable[[Message], SendResult]"
    label: "str | Promise" = ""  # the channel's name as agents read it (translated)
    # The default first-response target of a new inbox (leads change it per inbox).
    first_response_target_seconds: int = 60 * 60
    window: "Callable[[Conversation], WindowState]" = lambda conversation: WINDOW_ALWAYS_OPEN
    # Returns the platform errors reported inside the event (kept on the row), or None.
    process_webhook_event: "Callable[[WebhookEvent], list | None] | None" = None
    # The same for several stored events of one inbox, applied in order as one webhook (one
    # list of platform errors per event). None: they are processed one at a time.
    process_webhook_events: "Callable[[list[WebhookEvent]], list[list]] | None" = None
    # Channels with pre-approved templates (WhatsApp): compose one or raise TemplateRefused.
    template_compose: "Callable[..., TemplateMessage] | None" = None
    # Called when an agent opens a conversation (e.g. WhatsApp read receipts); best effort.
    conversation_opened: "Callable[[Conversation], None] | None" = None
    # Channels that deliver agents' files: (inbox, MIME type, size in bytes) -> the attachment
    # kind it goes out as ("image", "document", ...), or AttachmentRefused with the platform's
    # limit in words. None: the channel cannot send files.
    attachment_kind: "Callable[[Inbox, str, int], str] | None" = None
    # Called while an agent types a reply (e.g. Messenger's typing indicator); best effort.
    agent_typing: "Callable[[Conversation, object], None] | None" = None  # (conversation, agent)
    # Whether the Sender delivers reaction Messages (kind "reaction", reply_to the target).
    reactions: bool = False
    # The inbox's approved templates for the composer's picker (channels with templates).
    templates: "Callable[[Inbox], list] | None" = None
    # What a person setting up the inbox needs next, without secrets (a webhook URL, a snippet).
    setup_summary: "Callable[[Inbox], dict]" = webhook_setup_summary
    # How long after the customer's last message the business may still write first (a bot's
    # survey, say); None: any time.
    business_initiated_window: timedelta | None = None
    # The most answer options one interactive message can carry; None: no limit.
    choice_limit: int | None = None
    # `create_inbox <kind>`: its options, and how they become an inbox.
    cli_arguments: "Callable[[argparse.ArgumentParser], None] | None" = None
    cli_setup: "Callable[[dict], InboxSetup] | None" = None
    # Channels whose platform sends the events of many accounts through one app URL: the body's
    # `object` that names this channel (e.g. "page"), and how a body splits into its accounts'
    # parts: payload -> [(account id, entry part)], the account id being the inbox's
    # `external_id` ("" for a part that names no account). See `inbox.webhook_routing`.
    webhook_object: str = ""
    webhook_split: "Callable[[dict], list[tuple[str, dict]]] | None" = None
    # The settings' "Add inbox" and edit form: an `inbox.setup_forms.ChannelSetupForm` subclass
    # (the channel's own fields; credentials write-only). None: the channel is set up elsewhere.
    setup_form: type | None = None
    # "Test connection": asks the platform whether the stored credentials work (network; never
    # inside a transaction). None: nothing to test.
    connection_test: "Callable[[Inbox], ConnectionResult] | None" = None
    # What to copy into the platform once the inbox exists (callback URL, verify token, snippet).
    setup_copy_values: "Callable[[Inbox], list[CopyValue]] | None" = None
    # Channels with public comments: hide, unhide or delete one on the platform
    # (message, "hide" | "unhide" | "delete"); raises SendError with the platform's reason.
    comment_moderate: "Callable[[Message, str], None] | None" = None
    # Channels with public comments: what the platform says about the post a thread is on
    # (inbox, the conversation's source) -> {"caption", "thumbnail_url", "permalink", "ad_title",
    # ...}, only what it could find; never raises for a platform failure (returns less).
    post_details: "Callable[[Inbox, dict], dict] | None" = None
    # HTML that shows the inbox working on a page of ours (the chat widget); None: no preview.
    preview_html: "Callable[[Inbox], str] | None" = None
    # The template that shows a message of this channel in the timeline in its own way (an
    # email's subject, quoted history and sandboxed HTML), or "" for the core's rendering.
    message_template: "Callable[[Message], str] | None" = None
    # The channel in the demo (`load_demo`); None: the demo has no inbox of it.
    demo: ChannelDemo | None = None
    # Starting a conversation from a contact's page: (inbox, contact) -> the platform address
    # to write to (a wa_id, a PSID, an email thread's identity), or StartRefused with the reason
    # (no number, never wrote to this Page). None: the channel cannot start one, and
    # `start_refused_reason` says why. What may be sent is then the channel's `window` and
    # `templates`, as in any conversation; the composer's fields (`composer_fields` of a
    # conversation without messages) are asked for in the start form too.
    start_address: "Callable[[Inbox, object], str] | None" = None
    start_refused_reason: "str | Promise" = ""
    # Whether a start continues the customer's unclosed conversation in the inbox. False: every
    # start is a thread of its own (an email with a subject of its own), a new conversation.
    start_continues: bool = True
    # Channels whose replies carry more than text: the composer's extra fields for a
    # conversation, and how the typed values ({name: text}) become the reply's `content`
    # (ComposerRefused for a value that cannot be sent).
    composer_fields: "Callable[[Conversation], list[ComposerField]] | None" = None
    composer_content: "Callable[[Conversation, dict], dict] | None" = None
    # Channels that can carry another channel's reply to a customer who left (email for live
    # chat): (this channel's inbox, the reply, a link back to the conversation) -> the id the
    # copy went out with (an email's Message-ID), or SendError. None: it cannot.
    follow_up_send: "Callable[[Inbox, Message, str], str] | None" = None
    # A customer's message that reached one of this channel's conversations by another channel
    # (the visitor's email answer to a live chat), just stored (`created=True`) or changed since
    # (its files stored): show it where the customer is now (an open widget). Called by the
    # code that wrote it, in or after its transaction; publish after commit. None: nothing to show.
    message_relayed: "Callable[..., None] | None" = None  # (message, *, created)


@dataclass(frozen=True)
class ComposerField:
    """One extra field of the composer for a channel's replies (an email's subject, its CC)."""

    name: str  # posted as `channel_<name>`
    label: "str | Promise"
    value: str = ""
    readonly: bool = False
    required: bool = False


class ComposerRefused(Refused):
    """What was typed in a channel's composer field cannot be sent; `reason` says why."""

    code = "composer_refused"


class StartRefused(Refused):
    """A conversation cannot be started with this contact on this channel; `reason` says why."""

    code = "start_refused"


_registry: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    _registry[channel.kind] = channel
    kind_register(channel.kind, channel.label or channel.kind)


def unregister(kind: str) -> None:
    """Forget a channel (a channel defined by a test, once the test is done)."""
    _registry.pop(kind, None)
    kind_unregister(kind)


def channels() -> list[Channel]:
    """Every registered channel, in registration order."""
    return list(_registry.values())


def for_webhook_object(object_type: str) -> Channel | None:
    """The channel that takes webhook bodies whose `object` is `object_type`, if any."""
    for channel in _registry.values():
        if channel.webhook_object and channel.webhook_object == object_type:
            return channel
    return None


def known(kind: str) -> bool:
    return kind in _registry


def for_inbox(inbox: "Inbox") -> Channel:
    """The channel as it behaves for `inbox`: a demo inbox whose channel declares a simulated
    platform sends through it and makes no other call to the real platform."""
    channel = get(inbox.kind)
    if not inbox.demo or channel.demo is None or channel.demo.send is None:
        return channel
    return replace(
        channel,
        send=channel.demo.send,
        conversation_opened=None,
        agent_typing=None,
        connection_test=None,
        post_details=None,
    )


def get(kind: str) -> Channel:
    try:
        return _registry[kind]
    except KeyError:
        raise PermanentSendError(f"Channel '{kind}' is not configured.") from None
