"""Messenger webhook payload -> plain dataclasses. Pure: no database, no network.

Walks every `entry[] x messaging[]` of one POST, and `standby[]` too (events of threads another
app controls under the handover protocol: stored all the same, flagged `standby`). Each entry
belongs to the Page in `entry.id`. A message this parser cannot read becomes kind `unsupported`
with the raw payload; an event it does not know becomes `Ignored` (logged): never an error.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from inbox.access import row_id
from inbox.normalized import (
    InboundAttachment,
    InboundMessage,
    OutboundEcho,
    Reaction,
    SenderProfile,
    StatusWatermark,
)

logger = logging.getLogger(__name__)

ATTACHMENT_KINDS = {"image": "image", "video": "video", "audio": "audio", "file": "document", "sticker": "sticker"}
# Messenger's thumbs-up "like" button, in its three sizes.
LIKE_STICKER_IDS = {"369239263222822", "369239343222814", "369239383222810"}
REACTION_EMOJI = {"like": "👍", "love": "❤️", "smile": "😆", "wow": "😮", "sad": "😢", "angry": "😠", "dislike": "👎"}
# Our own sends carry this in the Send API's `metadata`, so their echo is recognised even
# before the send call's answer (with the message id) is stored.
REFERENCE_PREFIX = "webcare:"
MAX_URL_LENGTH = 2000  # Attachment.remote_url


@dataclass(frozen=True)
class Ignored:
    """An event we store raw but do not act on (unknown kind, an opt-in without a PSID)."""

    reason: str
    raw: dict = field(default_factory=dict)


Item = InboundMessage | Reaction | OutboundEcho | StatusWatermark | Ignored


def payload_shape_valid(payload) -> bool:
    """Meta's webhook envelope: an object with an entry list. Other objects than `page` (an
    Instagram subscription on the same app) are valid envelopes that this channel ignores."""
    return (
        isinstance(payload, dict) and isinstance(payload.get("object"), str) and isinstance(payload.get("entry"), list)
    )


def webhook_split(payload: dict) -> list[tuple[str, dict]]:
    """The body's parts per Page: each entry keyed by its `id` (the Page id)."""
    return [(str(entry.get("id") or ""), entry) for entry in _dicts(payload.get("entry"))]


def payload_parse(payload: dict, *, page_id: str = "") -> list[Item]:
    """Everything in one webhook body that belongs to `page_id` (all Pages when empty). A body
    can hold other Pages' entries (one app URL serves many Pages): those are routed to their own
    inboxes (`inbox.webhook_routing`), so they are passed over here."""
    if payload.get("object") != "page":
        logger.info("ignored a webhook for object %r on a Messenger inbox", payload.get("object"))
        return []
    items: list[Item] = []
    for entry in _dicts(payload.get("entry")):
        routed_to = str(entry.get("id") or "")
        if page_id and routed_to and routed_to != page_id:
            continue
        for key in ("messaging", "standby"):
            items += [event_parse(event, standby=key == "standby") for event in _dicts(entry.get(key))]
    return items


def event_parse(event: dict, *, standby: bool = False) -> Item:
    """One `messaging[]` (or `standby[]`) item: exactly one event key besides the envelope."""
    if not _ids_fit(event):
        logger.warning("ignored a Messenger event with an impossible id; it stays stored raw")
        return Ignored("impossible id", event)
    if isinstance(event.get("message"), dict):
        if event["message"].get("is_echo"):
            return _echo(event, standby=standby)
        return _message(event, standby=standby)
    try:
        for key, reader in _EVENT_READERS.items():
            if isinstance(event.get(key), dict):
                return reader(event, standby=standby)
    except (KeyError, TypeError, ValueError, AttributeError):
        logger.warning("could not read a Messenger event; stored raw only", exc_info=True)
        return Ignored("unreadable event", event)
    keys = sorted(set(event) - {"sender", "recipient", "timestamp"})
    logger.info("ignored Messenger event %s; it stays stored raw", keys)
    return Ignored(f"unknown event {keys}", event)


# --- Messages ----------------------------------------------------------------------------------


def _message(event: dict, *, standby: bool) -> InboundMessage:
    message = event["message"]
    psid = _id(event, "sender")
    mid = str(message.get("mid") or "")
    try:
        fields = message_fields(message)
    except (KeyError, TypeError, ValueError, AttributeError):
        logger.warning("could not read Messenger message %s; kept as unsupported", mid, exc_info=True)
        fields = {"kind": "unsupported", "content": {"raw": message}}
    content = {**fields.get("content", {}), **({"standby": True} if standby else {})}
    return InboundMessage(
        external_id=mid,
        sender=_profile(psid),
        timestamp=_timestamp(event.get("timestamp")),
        kind=fields["kind"],
        text=fields.get("text", ""),
        content=content,
        attachments=tuple(fields.get("attachments", ())),
        reply_to_external_id=str(_dict(message.get("reply_to")).get("mid") or "")[:255],
        source=_referral(message.get("referral")),
    )


def _echo(event: dict, *, standby: bool) -> OutboundEcho:
    """A message the Page sent: the customer is the recipient."""
    message = event["message"]
    try:
        fields = message_fields(message)
    except (KeyError, TypeError, ValueError, AttributeError):
        fields = {"kind": "unsupported", "content": {"raw": message}}
    content = {**fields.get("content", {}), "app_id": str(message.get("app_id") or "")}
    if standby:
        content["standby"] = True
    metadata = str(message.get("metadata") or "")
    reference = metadata.removeprefix(REFERENCE_PREFIX)
    return OutboundEcho(
        external_id=str(message.get("mid") or ""),
        recipient=_profile(_id(event, "recipient")),
        timestamp=_timestamp(event.get("timestamp")),
        kind=fields["kind"],
        text=fields.get("text", ""),
        content=content,
        attachments=tuple(fields.get("attachments", ())),
        reply_to_external_id=str(_dict(message.get("reply_to")).get("mid") or "")[:255],
        reference=row_id(reference) if metadata.startswith(REFERENCE_PREFIX) else None,
    )


def message_fields(message: dict) -> dict:
    """kind, text, content and attachments of a `message` object (customer's or echo)."""
    text = str(message.get("text") or "")
    content: dict = {}
    attachments, links = _attachments(message, content)
    if links:
        content["links"] = links
    if isinstance(message.get("quick_reply"), dict):
        content.update(type="quick_reply", payload=str(message["quick_reply"].get("payload") or ""), title=text)
        return {"kind": "interactive", "text": text, "content": content}
    if isinstance(message.get("reply_to"), dict):
        content["reply_to"] = {
            "mid": str(message["reply_to"].get("mid") or ""),
            "is_self_reply": bool(message["reply_to"].get("is_self_reply")),
        }
    if attachments:
        return {"kind": attachments[0].kind, "text": text, "content": content, "attachments": attachments}
    if "location" in content:
        place = content["location"]
        return {"kind": "location", "text": text or place["name"], "content": {**content, **place}}
    readable = "\n".join(filter(None, (link["title"] or link["url"] for link in links)))
    if text or readable:
        return {"kind": "text", "text": text or readable, "content": content}
    return {"kind": "unsupported", "text": "", "content": {**content, "raw": message}}


def _attachments(message: dict, content: dict) -> tuple[list[InboundAttachment], list[dict]]:
    """Files to download, and links to show (shares, templates, reels, posts...)."""
    items = _dicts(message.get("attachments"))
    # Until 30 Aug 2026 a sticker arrives both as `sticker` and as `image`: keep the sticker.
    has_sticker = any(item.get("type") == "sticker" for item in items)
    files, links = [], []
    for item in items:
        kind = str(item.get("type") or "")
        payload = item.get("payload") if isinstance(item.get("payload"), dict) else {}
        url = str(payload.get("url") or "")
        sticker_id = str(payload.get("sticker_id") or message.get("sticker_id") or "")
        if kind == "image" and has_sticker:
            continue
        if kind == "location" and isinstance(payload.get("coordinates"), dict):
            coordinates = payload["coordinates"]
            latitude, longitude = float(coordinates["lat"]), float(coordinates["long"])
            content["location"] = {
                "latitude": latitude,
                "longitude": longitude,
                "name": str(item.get("title") or ""),
                "map_url": f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map=17/{latitude}/{longitude}",
            }
        elif kind in ATTACHMENT_KINDS and url and len(url) <= MAX_URL_LENGTH:
            file_kind = "sticker" if (kind == "sticker" or sticker_id) else ATTACHMENT_KINDS[kind]
            files.append(InboundAttachment(kind=file_kind, remote_url=url, filename=str(payload.get("name") or "")))
            if sticker_id:
                content["sticker_id"] = sticker_id
                if sticker_id in LIKE_STICKER_IDS:
                    content["like"] = True
        else:
            link_url = url or str(item.get("url") or "")
            title = str(item.get("title") or payload.get("title") or "")
            links.append({"type": kind or "unknown", "url": link_url, "title": title})
    return files, links


def _referral(referral) -> dict:
    """Where the thread came from (m.me link, ad, chat plugin...): the conversation's source,
    counted as a lead."""
    if not isinstance(referral, dict) or not referral:
        return {}
    source_type = str(referral.get("source") or "")
    ads = referral.get("ads_context_data") if isinstance(referral.get("ads_context_data"), dict) else {}
    source = {
        "channel": "messenger",
        "kind": "ad_referral" if source_type == "ADS" else "referral",
        "lead": True,
        "source_type": source_type,
        "ref": str(referral.get("ref") or ""),
        "source_id": str(referral.get("ad_id") or ""),
        "headline": str(ads.get("ad_title") or ""),
        "source_url": str(referral.get("referer_uri") or ""),
        "image_url": str(ads.get("photo_url") or ""),
        "video_url": str(ads.get("video_url") or ""),
        "post_id": str(ads.get("post_id") or ""),
        "product_id": str(ads.get("product_id") or ""),
    }
    return {key: value for key, value in source.items() if value != ""}


# --- Other events ------------------------------------------------------------------------------


def _postback(event: dict, *, standby: bool) -> InboundMessage:
    """A button tap (Get Started, a template button, the persistent menu): shown with its title."""
    postback = event["postback"]
    psid = _id(event, "sender")
    title = str(postback.get("title") or postback.get("payload") or "")
    content = {"type": "postback", "title": title, "payload": str(postback.get("payload") or "")}
    if standby:
        content["standby"] = True
    return InboundMessage(
        # Older postbacks have no mid: the sender and time identify a tap for redeliveries.
        external_id=_fit_id(str(postback.get("mid") or f"postback:{psid}:{event.get('timestamp')}")),
        sender=_profile(psid),
        timestamp=_timestamp(event.get("timestamp")),
        kind="interactive",
        text=title,
        content=content,
        source=_referral(postback.get("referral")),
    )


def _reaction(event: dict, *, standby: bool) -> Reaction:
    reaction = event["reaction"]
    psid = _id(event, "sender")
    emoji = ""
    if reaction.get("action") != "unreact":
        emoji = str(reaction.get("emoji") or REACTION_EMOJI.get(str(reaction.get("reaction"))) or "👍")
    return Reaction(
        external_id=_fit_id(f"reaction:{psid}:{reaction['mid']}:{event.get('timestamp')}"),
        sender=_profile(psid),
        target_external_id=str(reaction["mid"]),
        emoji=emoji,
        timestamp=_timestamp(event.get("timestamp")),
    )


def _watermark(status: str):
    def read(event: dict, *, standby: bool) -> StatusWatermark:
        body = event[status]
        return StatusWatermark(
            recipient_external_id=_id(event, "sender"),
            status="delivered" if status == "delivery" else "read",
            watermark=_timestamp(body["watermark"]),
            external_ids=tuple(str(mid) for mid in body.get("mids") or () if mid),
        )

    return read


def _referral_event(event: dict, *, standby: bool) -> InboundMessage:
    """The customer opened an existing thread through a link, an ad or the chat plugin: a
    system line in the conversation, and its source if it has none yet."""
    psid = _id(event, "sender")
    source = _referral(event["referral"])
    label = source.get("headline") or source.get("ref") or source.get("source_type", "").lower() or "a link"
    return InboundMessage(
        external_id=_fit_id(f"referral:{psid}:{event.get('timestamp')}"),
        sender=_profile(psid),
        timestamp=_timestamp(event.get("timestamp")),
        kind="system",
        text=f"Opened the conversation from {label}",
        content={"type": "referral", **source},
        source=source,
    )


def _optin(event: dict, *, standby: bool) -> InboundMessage | Ignored:
    """An opt-in (notification messages, the Send to Messenger plugin). Without a PSID (a
    plugin's `user_ref`) there is nobody to attach it to yet."""
    optin = event["optin"]
    psid = _id(event, "sender")
    if not psid:
        return Ignored("opt-in without a PSID (user_ref only)", event)
    kind = str(optin.get("type") or "plugin")
    payload = str(optin.get("payload") or optin.get("ref") or "")
    return InboundMessage(
        external_id=_fit_id(f"optin:{psid}:{event.get('timestamp')}"),
        sender=_profile(psid),
        timestamp=_timestamp(event.get("timestamp")),
        kind="system",
        text=f"Opted in ({kind.replace('_', ' ')})" + (f": {payload}" if payload else ""),
        content={"type": "optin", "optin_type": kind, "payload": payload},
    )


_EVENT_READERS = {
    "postback": _postback,
    "reaction": _reaction,
    "delivery": _watermark("delivery"),
    "read": _watermark("read"),
    "referral": _referral_event,
    "optin": _optin,
}


# --- Helpers -----------------------------------------------------------------------------------


def placeholder_name(psid: str) -> str:
    """What a contact is called until (or unless) the User Profile API gives a name."""
    return f"Messenger user …{psid[-4:]}" if psid else "Messenger user"


def _profile(psid: str) -> SenderProfile:
    return SenderProfile(external_id=psid, display_name=placeholder_name(psid))


# Longer ids than these are not Meta's (columns: message ids 191, identities 128).
ID_MAX = 191
SENDER_MAX = 128


def _plain(value, limit: int) -> bool:
    if value is None:
        return True
    return isinstance(value, str | int) and not isinstance(value, bool) and len(str(value)) <= limit


def _ids_fit(event: dict) -> bool:
    parties = (_dict(event.get(key)).get("id") for key in ("sender", "recipient"))
    mids = (_dict(event.get(key)).get("mid") for key in ("message", "postback", "reaction"))
    return all(_plain(v, SENDER_MAX) for v in parties) and all(_plain(v, ID_MAX) for v in mids)


def _fit_id(value: str) -> str:
    """An id we compose (postbacks without mid, reactions) kept within the column, stably."""
    if len(value) <= ID_MAX:
        return value
    return value.split(":", 1)[0] + ":" + hashlib.sha256(value.encode()).hexdigest()


def _id(event: dict, key: str) -> str:
    party = event.get(key)
    return str(party.get("id") or "") if isinstance(party, dict) else ""


def _dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _timestamp(value) -> datetime:
    """Milliseconds since the epoch (a number; some newer examples show seconds, sometimes as a
    string: told apart by size). Missing or garbled: now, logged."""
    try:
        number = float(value)
        seconds = number / 1000 if number > 1e11 else number
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        logger.warning("Messenger timestamp %r unreadable; using now", value)
        return datetime.now(tz=UTC)
