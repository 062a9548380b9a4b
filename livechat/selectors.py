"""Reads for the widget: the visitor's history, one message as the visitor may see it, and the
inbox's public widget configuration. Every read is scoped to the visitor's identity in the
widget's inbox, and private notes are never part of it."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from crm.models import ContactIdentity
from inbox.models import Attachment, DeliveryStatus, Direction, Inbox, Message
from kernel import public_names

from . import KIND, limits

HISTORY_LIMIT = 200
FILE_SALT = "livechat.attachment-url"
FILE_URL_MAX_AGE = 7 * 24 * 3600  # links lapse; a history fetch hands out fresh ones
LANGUAGES = ("en", "nl", "de")
PRECHAT_FIELDS = ("name", "email", "phone")


def widget_language(inbox: Inbox) -> str:
    """The language the inbox's widget speaks (its setting, else the site's, else English)."""
    language = (inbox.config or {}).get("language")
    language = language if language in LANGUAGES else settings.LANGUAGE_CODE[:2]
    return language if language in LANGUAGES else "en"


def agent_public_name(agent, *, inbox: Inbox) -> str:
    """How a visitor sees an agent (`kernel.public_names`), in the widget's language."""
    with translation.override(widget_language(inbox)):
        return public_names.agent_public_name(agent)


def visitor_messages(*, inbox: Inbox, identity_key: str):
    """Messages the visitor may see: their identity's conversations in this inbox (closed ones
    included), never private notes."""
    return Message.objects.filter(
        inbox=inbox,
        conversation__identity__channel=KIND,
        conversation__identity__external_id=identity_key,
        private=False,
    )


def visitor_history(*, inbox: Inbox, identity_key: str, limit: int = HISTORY_LIMIT) -> list[dict]:
    """The latest `limit` messages, oldest first."""
    latest = (
        visitor_messages(inbox=inbox, identity_key=identity_key)
        .select_related("author", "inbox", "conversation")
        .prefetch_related("attachments")
        .order_by("-sent_at", "-id")[:limit]
    )
    return [message_public(message) for message in reversed(list(latest))]


def message_for_visitor(*, inbox: Inbox, identity_key: str, message_id) -> dict | None:
    message = (
        visitor_messages(inbox=inbox, identity_key=identity_key)
        .select_related("author", "inbox", "conversation")
        .prefetch_related("attachments")
        .filter(pk=message_id)
        .first()
    )
    return message_public(message) if message else None


def visitor_identity(identity_key: str) -> ContactIdentity | None:
    return ContactIdentity.objects.select_related("contact").filter(channel=KIND, external_id=identity_key).first()


def open_conversation_id(*, inbox: Inbox, identity_id: int) -> int | None:
    return (
        inbox.conversations.filter(identity_id=identity_id)
        .exclude(status="closed")
        .values_list("id", flat=True)
        .first()
    )


def message_public(message: Message) -> dict:
    """A message as the widget shows it: no internal fields, agents by `agent_public_name`."""
    author = message.author
    external_id = message.external_id or ""
    return {
        "id": message.pk,
        "client_id": external_id.split(":", 2)[2] if external_id.startswith("lc:") else None,
        "conversation_id": message.conversation_id,
        "direction": message.direction,
        "sender": message.sender_type,
        "author": agent_public_name(author, inbox=message.inbox) if author else None,
        "kind": message.kind,
        "text": message.text,
        "at": message.sent_at.isoformat(),
        "seen": message.direction == Direction.IN and message.status == DeliveryStatus.READ,
        "attachments": [attachment_public(a, message=message) for a in message.attachments.all()],
        # Answer buttons of an outbound choice (a feedback survey): id and title only.
        "choices": [
            {"id": str(choice.get("id", "")), "title": str(choice.get("title", ""))}
            for choice in (message.content or {}).get("choices") or []
        ]
        if message.kind == "interactive" and message.direction == Direction.OUT
        else [],
    }


def attachment_public(attachment: Attachment, *, message: Message) -> dict:
    url = None
    if attachment.file:
        url = settings.PUBLIC_URL + reverse("livechat:file", args=[attachment_link_signed(attachment, message=message)])
    return {
        "kind": attachment.kind,
        "name": attachment.filename,
        "mime": attachment.mime_type,
        "size": attachment.size,
        "url": url,
    }


def attachment_link_signed(attachment: Attachment, *, message: Message) -> str:
    """The signed part of a file link: the attachment together with its conversation and the
    visitor's identity, stamped with the time of issue. A link is a capability handed out only
    inside one visitor's history: it opens that one file of that conversation, for a while."""
    conversation = message.conversation
    return signing.dumps({"a": attachment.pk, "c": conversation.pk, "i": conversation.identity_id}, salt=FILE_SALT)


def attachment_by_signed(signed: str) -> Attachment | None:
    """The attachment a valid, unexpired link names, if it still belongs to the conversation and
    live-chat identity the link was issued for and is not part of a private note."""
    try:
        link = signing.loads(signed, salt=FILE_SALT, max_age=FILE_URL_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(link, dict) or not all(isinstance(link.get(key), int) for key in ("a", "c", "i")):
        return None  # links of an earlier form named the attachment alone
    return Attachment.objects.filter(
        pk=link["a"],
        message__conversation_id=link["c"],
        message__conversation__identity_id=link["i"],
        message__conversation__identity__channel=KIND,
        message__private=False,
    ).first()


def _localized(value, default: str = "") -> dict:
    if isinstance(value, dict):
        return {lang: str(value[lang]) for lang in LANGUAGES if value.get(lang)}
    return {"*": str(value)} if value else ({"*": default} if default else {})


def prechat_fields(inbox: Inbox) -> dict:
    """Inbox.config["prechat"] = {"name": "required" | "optional", "email": ..., "phone": ...};
    a missing field is not asked."""
    config = (inbox.config or {}).get("prechat") or {}
    return {name: config[name] for name in PRECHAT_FIELDS if config.get(name) in ("required", "optional")}


def widget_config(inbox: Inbox) -> dict:
    """What the widget needs before it connects; embedded in the widget script, so it must
    hold nothing secret."""
    config = inbox.config or {}
    rules = limits.attachment_rules(inbox)
    return {
        "key": inbox.public_key,
        "title": _localized(config.get("title") or inbox.name),
        "greeting": _localized(config.get("greeting")),
        "color": config.get("color") if _is_hex_color(config.get("color")) else "#2563eb",
        "position": "left" if config.get("position") == "left" else "right",
        "lang": widget_language(inbox),
        "prechat": prechat_fields(inbox),
        "files": {"types": rules["types"], "max": rules["max_bytes"]} if rules["enabled"] else None,
        "maxText": limits.MAX_TEXT_LENGTH,
        # Only with an email inbox to answer from may the offline notice promise an email.
        "byEmail": bool(config.get("email_inbox_id")),
    }


def _is_hex_color(value) -> bool:
    return (
        isinstance(value, str)
        and len(value) in (4, 7)
        and value.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )


def widget_availability(inbox: Inbox) -> dict:
    """Whether anyone is there, as the widget shows it: on connect and whenever it changes."""
    from .availability import inbox_availability

    availability = inbox_availability(inbox)
    return {
        "online": availability.online,
        "within_hours": availability.within_hours,
        "opens_at": availability.opens_at.isoformat() if availability.opens_at else None,
        "agents": list(availability.agents),
    }


def visitor_state(*, inbox: Inbox, identity_key: str) -> dict:
    """Everything the widget shows on (re)connect: availability, history, the open conversation."""
    identity = visitor_identity(identity_key)
    contact = identity.contact if identity else None
    return {
        "identity_id": identity.pk if identity else None,
        "conversation_id": open_conversation_id(inbox=inbox, identity_id=identity.pk) if identity else None,
        **widget_availability(inbox),
        "known": {
            "name": bool(contact and contact.name),
            "email": bool(contact and contact.email),
            "phone": bool(contact and contact.phone),
        },
        "messages": visitor_history(inbox=inbox, identity_key=identity_key) if identity else [],
    }


def livechat_inbox_by_key(key) -> Inbox | None:
    if not isinstance(key, str) or not key or len(key) > 64:
        return None
    return Inbox.objects.filter(public_key=key, kind=KIND, is_active=True).first()
