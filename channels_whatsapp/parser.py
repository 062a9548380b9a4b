"""WhatsApp webhook payload -> plain dataclasses. Pure: no database, no network.

Walks every `entry[] x changes[] x messages[]/statuses[]/errors[]` of one POST. Contacts are
joined to messages by wa_id (or business-scoped user id), never by position. A message this
parser cannot read becomes kind `unsupported` with the raw payload: never dropped.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from inbox.normalized import InboundAttachment, InboundMessage, Reaction, SenderProfile, StatusUpdate
from kernel.json_text import json_loads

from .errors import reason_for

logger = logging.getLogger(__name__)

MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")
STATUS_NAMES = {"sent": "sent", "delivered": "delivered", "read": "read", "played": "read", "failed": "failed"}


@dataclass(frozen=True)
class IdentityChange:
    """The customer's WhatsApp id changed (`user_changed_number`): shown as a system message."""

    message: InboundMessage
    old_external_id: str
    new_external_id: str
    new_phone: str


@dataclass(frozen=True)
class PlatformError:
    code: int | None
    title: str
    details: str
    raw: dict = field(default_factory=dict)


Item = InboundMessage | StatusUpdate | Reaction | IdentityChange | PlatformError


def payload_shape_valid(payload) -> bool:
    """The platform's envelope: a WhatsApp Business Account object with an entry list."""
    return (
        isinstance(payload, dict)
        and payload.get("object") == "whatsapp_business_account"
        and isinstance(payload.get("entry"), list)
    )


def webhook_split(payload: dict) -> list[tuple[str, dict]]:
    """The body's parts per phone number id (`metadata.phone_number_id`): each entry with only
    that number's changes. A change without one (template or account updates) is keyed ""."""
    parts: list[tuple[str, dict]] = []
    for entry in _dicts(payload.get("entry")):
        per_number: dict[str, list] = {}
        for change in _dicts(entry.get("changes")):
            value = _dict(change.get("value"))
            number = str(_dict(value.get("metadata")).get("phone_number_id") or "")
            per_number.setdefault(number, []).append(change)
        if not per_number:
            parts.append(("", entry))
        for number, changes in per_number.items():
            parts.append((number, {**entry, "changes": changes}))
    return parts


def payload_parse(payload: dict, *, phone_number_id: str = "") -> list[Item]:
    """Everything in one webhook body that belongs to `phone_number_id` (all when empty). A body
    can hold other numbers' changes (one app URL serves many numbers): those are routed to their
    own inboxes (`inbox.webhook_routing`), so they are passed over here."""
    items: list[Item] = []
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                logger.info("ignored WhatsApp webhook field %r", change.get("field"))
                continue
            routed_to = str(_dict(value.get("metadata")).get("phone_number_id") or "")
            if phone_number_id and routed_to and routed_to != phone_number_id:
                continue
            items.extend(_value_parse(value))
    return items


def _value_parse(value: dict) -> list[Item]:
    contacts = {}
    for contact in _dicts(value.get("contacts")):
        for key in (contact.get("wa_id"), contact.get("user_id")):
            if key:
                contacts[str(key)] = contact
    items: list[Item] = [message_parse(m, contacts) for m in _dicts(value.get("messages")) if _ids_fit(m)]
    items += [s for s in map(status_parse, _dicts(value.get("statuses"))) if s is not None]
    for error in _dicts(value.get("errors")):
        items.append(_platform_error(error))
    return items


def _platform_error(error: dict) -> PlatformError:
    code = _int(error.get("code"))
    title = str(error.get("title") or error.get("message") or "")
    details = str(_dict(error.get("error_data")).get("details") or "")
    logger.warning("WhatsApp reported error %s in a webhook: %s %s", code, title, details)
    return PlatformError(code=code, title=title, details=details, raw=error)


# --- Messages ----------------------------------------------------------------------------------


def message_parse(message: dict, contacts: dict) -> InboundMessage | Reaction | IdentityChange:
    """One `messages[]` item. Whatever goes wrong, the customer's message is kept."""
    sender = _sender(message, contacts)
    external_id = str(message.get("id") or "")
    timestamp = _timestamp(message.get("timestamp"))
    kind = message.get("type")
    kind = kind if isinstance(kind, str) else "unknown"
    try:
        if kind == "reaction":
            reaction = message["reaction"]
            return Reaction(
                external_id=external_id,
                sender=sender,
                target_external_id=str(reaction["message_id"])[:ID_MAX],
                emoji=str(reaction.get("emoji") or "")[:32],
                timestamp=timestamp,
            )
        if kind == "system":
            return _system(message, sender, external_id, timestamp)
        reader = _READERS.get(kind)
        fields = reader(message) if reader else _unsupported(message)
    except (KeyError, TypeError, ValueError, AttributeError):
        logger.warning("could not read WhatsApp %s message %s; kept as unsupported", kind, external_id, exc_info=True)
        fields = _unsupported(message)
    content = {**fields.get("content", {}), **_context_flags(message)}
    return InboundMessage(
        external_id=external_id,
        sender=sender,
        timestamp=timestamp,
        kind=fields["kind"],
        text=fields.get("text", ""),
        content=content,
        attachments=tuple(fields.get("attachments", ())),
        reply_to_external_id=str(_dict(message.get("context")).get("id") or "")[:255],
        source=_referral(message.get("referral")),
    )


def _sender(message: dict, contacts: dict) -> SenderProfile:
    wa_id = str(message.get("from") or "")
    user_id = str(message.get("from_user_id") or "")
    contact = _dict(contacts.get(wa_id) or contacts.get(user_id))
    wa_id = wa_id or str(contact.get("wa_id") or "")
    user_id = user_id or str(contact.get("user_id") or "")
    profile = _dict(contact.get("profile"))
    return SenderProfile(
        # Replies go to the wa_id exactly as received; without one (a username user) to the
        # business-scoped user id, and the phone is unknown.
        external_id=wa_id or user_id,
        display_name=str(profile.get("name") or profile.get("username") or ""),
        phone=f"+{wa_id}" if wa_id.isdigit() else "",
        # The wa_id is the number WhatsApp verified: it may find the contact who has it.
        details_verified=wa_id.isdigit(),
    )


def _text(message: dict) -> dict:
    body = message["text"]["body"]
    if not isinstance(body, str):
        raise TypeError("text body is not a string")
    return {"kind": "text", "text": body}


def _media(message: dict) -> dict:
    kind = message["type"]
    media = message[kind]
    content = {}
    if kind == "audio":
        content["voice"] = bool(media.get("voice"))
    if kind == "sticker":
        content["animated"] = bool(media.get("animated"))
    attachment = InboundAttachment(
        kind=kind,
        mime_type=str(media.get("mime_type") or ""),
        filename=str(media.get("filename") or ""),
        remote_id=str(media["id"]),
        remote_url=str(media.get("url") or ""),
        sha256=str(media.get("sha256") or ""),
    )
    return {"kind": kind, "text": str(media.get("caption") or ""), "content": content, "attachments": [attachment]}


def _location(message: dict) -> dict:
    place = message["location"]
    latitude, longitude = float(place["latitude"]), float(place["longitude"])
    name, address = str(place.get("name") or ""), str(place.get("address") or "")
    content = {
        "latitude": latitude,
        "longitude": longitude,
        "name": name,
        "address": address,
        "url": str(place.get("url") or ""),
        "map_url": f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map=17/{latitude}/{longitude}",
    }
    text = ", ".join(part for part in (name, address) if part) or f"{latitude}, {longitude}"
    return {"kind": "location", "text": text, "content": content}


def _contacts(message: dict) -> dict:
    cards = []
    for card in _dicts(message["contacts"]):
        name = _dict(card.get("name"))
        cards.append(
            {
                "name": str(
                    name.get("formatted_name")
                    or " ".join(filter(None, [name.get("first_name"), name.get("last_name")]))
                ),
                "phones": [
                    {"phone": p.get("phone", ""), "wa_id": p.get("wa_id", ""), "type": p.get("type", "")}
                    for p in _dicts(card.get("phones"))
                ],
                "emails": [
                    {"email": e.get("email", ""), "type": e.get("type", "")} for e in _dicts(card.get("emails"))
                ],
                "organization": _dict(card.get("org")).get("company", ""),
                "card": card,
            }
        )
    return {
        "kind": "contacts",
        "text": ", ".join(c["name"] for c in cards if c["name"]),
        "content": {"contacts": cards},
    }


def _interactive(message: dict) -> dict:
    interactive = message["interactive"]
    reply_type = interactive["type"]
    reply = interactive[reply_type]
    if reply_type == "nfm_reply":
        raw = reply.get("response_json") or "{}"
        try:
            response = json_loads(raw)
        except ValueError:
            response = raw
        text = str(reply.get("body") or reply.get("name") or "Form sent")
        content = {"type": reply_type, "name": reply.get("name", ""), "response": response}
        return {"kind": "interactive", "text": text, "content": content}
    content = {"type": reply_type, "id": str(reply["id"]), "title": str(reply["title"])}
    if reply.get("description"):
        content["description"] = str(reply["description"])
    return {"kind": "interactive", "text": content["title"], "content": content}


def _button(message: dict) -> dict:
    button = message["button"]
    content = {"type": "button", "payload": str(button.get("payload") or ""), "title": str(button["text"])}
    return {"kind": "interactive", "text": content["title"], "content": content}


def _order(message: dict) -> dict:
    order = message["order"]
    items = [
        {
            "product_retailer_id": str(item.get("product_retailer_id", "")),
            "quantity": int(item.get("quantity", 0)),
            "item_price": float(item.get("item_price", 0)),
            "currency": str(item.get("currency", "")),
        }
        for item in _dicts(order.get("product_items"))
    ]
    currencies = {item["currency"] for item in items}
    total = round(sum(item["quantity"] * item["item_price"] for item in items), 2)
    content = {"catalog_id": str(order.get("catalog_id", "")), "note": str(order.get("text") or ""), "items": items}
    count = sum(item["quantity"] for item in items)
    text = f"Order: {count} item{'s' if count != 1 else ''}"
    if len(currencies) == 1:
        content["total"] = total
        content["currency"] = currencies.pop()
        text += f", total {total:.2f} {content['currency']}"
    if content["note"]:
        text += f"\n{content['note']}"
    return {"kind": "order", "text": text, "content": content}


def _unsupported(message: dict) -> dict:
    kind = str(message.get("type") or "unknown")
    detail = str(_dict(message.get("unsupported")).get("type") or kind)
    return {"kind": "unsupported", "text": "", "content": {"type": kind, "unsupported_type": detail, "raw": message}}


def _system(message: dict, sender: SenderProfile, external_id: str, timestamp: datetime):
    system = message["system"]
    body = str(system.get("body") or "")
    content = {"type": str(system.get("type") or ""), "raw": message}
    inbound = InboundMessage(
        external_id=external_id, sender=sender, timestamp=timestamp, kind="system", text=body, content=content
    )
    new_wa_id = str(system.get("wa_id") or system.get("new_wa_id") or "")
    if system.get("type") == "user_changed_number" and new_wa_id and sender.external_id:
        return IdentityChange(
            message=inbound,
            old_external_id=sender.external_id,
            new_external_id=new_wa_id,
            new_phone=f"+{new_wa_id}" if new_wa_id.isdigit() else "",
        )
    return inbound


_READERS = {
    "text": _text,
    **dict.fromkeys(MEDIA_TYPES, _media),
    "location": _location,
    "contacts": _contacts,
    "interactive": _interactive,
    "button": _button,
    "order": _order,
}


def _context_flags(message: dict) -> dict:
    context = _dict(message.get("context"))
    flags = {}
    if context.get("forwarded"):
        flags["forwarded"] = True
    if context.get("frequently_forwarded"):
        flags["forwarded"] = flags["frequently_forwarded"] = True
    if context.get("referred_product"):
        flags["referred_product"] = context["referred_product"]
    if context.get("id"):
        flags["context"] = {"id": str(context["id"]), "from": str(context.get("from") or "")}
    return flags


def _referral(referral) -> dict:
    """A click-to-WhatsApp ad: the conversation's source, counted as a lead."""
    if not isinstance(referral, dict) or not referral:
        return {}
    keys = (
        "headline",
        "body",
        "source_url",
        "source_id",
        "source_type",
        "media_type",
        "image_url",
        "video_url",
        "thumbnail_url",
        "ctwa_clid",
    )
    source = {key: str(referral[key]) for key in keys if referral.get(key)}
    return {"channel": "whatsapp", "kind": "ad_referral", "lead": True, **source}


# --- Statuses ----------------------------------------------------------------------------------


def status_parse(status: dict) -> StatusUpdate | None:
    raw_status = status.get("status")
    name = STATUS_NAMES.get(raw_status) if isinstance(raw_status, str) else None
    if name is None or not status.get("id") or len(str(status["id"])) > ID_MAX:
        logger.info("ignored WhatsApp status %r for %s", status.get("status"), status.get("id"))
        return None
    code, reason = None, ""
    if name == "failed":
        error = next(iter(_dicts(status.get("errors"))), {})
        code = _int(error.get("code"))
        details = str(_dict(error.get("error_data")).get("details") or error.get("message") or "")
        reason = reason_for(code, title=str(error.get("title") or ""), details=details)
    return StatusUpdate(
        external_id=str(status["id"]),
        status=name,
        timestamp=_timestamp(status.get("timestamp")),
        error_code="" if code is None else str(code),
        error=reason,
    )


# --- Helpers -----------------------------------------------------------------------------------


# Longer ids than these are not Meta's: such items are logged and skipped (the raw event stays
# stored), because no column could hold them and truncating could match the wrong message.
ID_MAX = 191
SENDER_MAX = 128


def _ids_fit(message: dict) -> bool:
    ids = (str(message.get("id") or ""), str(message.get("from") or ""), str(message.get("from_user_id") or ""))
    if len(ids[0]) > ID_MAX or max(len(ids[1]), len(ids[2])) > SENDER_MAX:
        logger.warning("skipped a WhatsApp message with an impossible id or sender (%d chars)", len(ids[0]))
        return False
    return True


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _timestamp(value) -> datetime:
    """Unix seconds as a string (WhatsApp), in UTC. Missing or garbled: now, logged."""
    seconds = _int(value)
    try:
        if seconds is None:
            raise ValueError("no number")
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError):
        logger.warning("WhatsApp timestamp %r unreadable; using now", value)
        return datetime.now(tz=UTC)
