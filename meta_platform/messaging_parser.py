"""Messenger Platform webhook payloads -> plain dataclasses, for every channel built on it (a
Facebook Page's Messenger, Instagram Direct). Pure: no database, no network.

Walks every `entry[] x messaging[]` of one POST, and `standby[]` too (events of threads another
app controls under the handover protocol: stored all the same, flagged `standby`). Each entry
belongs to the account (Page, Instagram account) in `entry.id`. A message this parser cannot
read becomes kind `unsupported` with the raw payload; an event it does not know becomes
`Ignored` (logged): never an error.

`MessagingParser` reads what both platforms share; a channel subclasses it for its own object
(`page`, `instagram`), its name and whatever only its platform sends.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from inbox.access import row_id
from inbox.normalized import (
    InboundAttachment,
    InboundMessage,
    MessageEdit,
    MessageUnsent,
    OutboundEcho,
    PublicComment,
    Reaction,
    SenderProfile,
    StatusWatermark,
)

logger = logging.getLogger(__name__)

ATTACHMENT_KINDS = {"image": "image", "video": "video", "audio": "audio", "file": "document", "sticker": "sticker"}
# Messenger's thumbs-up "like" button, in its three sizes.
LIKE_STICKER_IDS = {"369239263222822", "369239343222814", "369239383222810"}
REACTION_EMOJI = {
    "like": "👍",
    "love": "❤️",
    "smile": "😆",
    "laugh": "😆",
    "wow": "😮",
    "sad": "😢",
    "angry": "😠",
    "dislike": "👎",
}
# Our own sends carry this in the Send API's `metadata`, so their echo is recognised even
# before the send call's answer (with the message id) is stored.
REFERENCE_PREFIX = "webcare:"
MAX_URL_LENGTH = 2000  # Attachment.remote_url


@dataclass(frozen=True)
class MentionNotice:
    """Someone @mentioned the account in a comment (`comment_id`) or in a post's caption (only
    `media_id`): the webhook carries ids alone, so the content is looked up afterwards."""

    media_id: str
    comment_id: str
    timestamp: datetime


@dataclass(frozen=True)
class Ignored:
    """An event we store raw but do not act on (unknown kind, an opt-in without a PSID)."""

    reason: str
    raw: dict = field(default_factory=dict)


Item = (
    InboundMessage | Reaction | OutboundEcho | StatusWatermark | MessageEdit | MessageUnsent | PublicComment | Ignored
)


def payload_shape_valid(payload) -> bool:
    """Meta's webhook envelope: an object with an entry list. Other objects than the channel's
    own (an Instagram subscription on a Page's app) are valid envelopes the channel ignores."""
    return (
        isinstance(payload, dict) and isinstance(payload.get("object"), str) and isinstance(payload.get("entry"), list)
    )


def webhook_split(payload: dict) -> list[tuple[str, dict]]:
    """The body's parts per account: each entry keyed by its `id` (Page id, Instagram account id)."""
    return [(str(entry.get("id") or ""), entry) for entry in _dicts(payload.get("entry"))]


class MessagingParser:
    """The Messenger Platform's messaging events, as a Facebook Page receives them."""

    kind = "messenger"  # the channel kind: identities, referral sources
    name = "Messenger"  # what logs and placeholder names call the platform
    object_type = "page"  # the webhook body's `object`
    user_noun = "Messenger user"  # a contact's name until the profile is known

    def payload_parse(self, payload: dict, *, account_id: str = "") -> list[Item]:
        """Everything in one webhook body that belongs to `account_id` (all accounts when
        empty). A body can hold other accounts' entries (one app URL serves many): those are
        routed to their own inboxes (`inbox.webhook_routing`), so they are passed over here."""
        if payload.get("object") != self.object_type:
            logger.info("ignored a webhook for object %r on a %s inbox", payload.get("object"), self.name)
            return []
        items: list[Item] = []
        for entry in _dicts(payload.get("entry")):
            routed_to = str(entry.get("id") or "")
            if account_id and routed_to and routed_to != account_id:
                continue
            for key in ("messaging", "standby"):
                items += [self.event_parse(event, standby=key == "standby") for event in _dicts(entry.get(key))]
            items += [self.change_parse(change, entry) for change in _dicts(entry.get("changes"))]
        return items

    # --- Public comments (`entry.changes[]`) -----------------------------------------------------

    def change_parse(self, change: dict, entry: dict) -> "PublicComment | Ignored":
        """One `changes[]` item; fields this channel does not read are kept raw only."""
        reader = self.change_readers().get(str(change.get("field") or ""))
        value = change.get("value")
        if reader is None or not isinstance(value, dict):
            return Ignored(f"change {change.get('field')!r} not read", change)
        try:
            return reader(value, entry)
        except (KeyError, TypeError, ValueError, AttributeError):
            logger.warning("could not read a %s change; stored raw only", self.name, exc_info=True)
            return Ignored("unreadable change", change)

    def change_readers(self) -> dict:
        return {"feed": self._feed_change}

    def _feed_change(self, value: dict, entry: dict) -> "PublicComment | Ignored":
        """A Page's `feed`: only comments (`item: comment`, verb add / edited / remove / hide /
        unhide) become public conversations; posts, likes and reactions are kept raw only."""
        if value.get("item") != "comment" or not value.get("comment_id"):
            return Ignored(f"feed item {value.get('item')!r} not read", value)
        author = _dict(value.get("from"))
        post = _dict(value.get("post"))
        post_id = str(value.get("post_id") or post.get("id") or "")
        if not post_id:
            return Ignored("comment without a post", value)
        author_id = str(author.get("id") or "")
        verb = str(value.get("verb") or "add")
        if verb == "hide" and value.get("is_hidden") is False:
            verb = "unhide"
        return PublicComment(
            external_id=str(value["comment_id"])[:ID_MAX],
            author=SenderProfile(
                external_id=author_id, display_name=str(author.get("name") or "") or self.placeholder_name(author_id)
            ),
            timestamp=_timestamp(value.get("created_time") or entry.get("time")),
            action=verb,
            text=str(value.get("message") or ""),
            post=_compact(
                {
                    "post_id": post_id,
                    "permalink": _https(post.get("permalink_url")),
                    "status_type": post.get("status_type"),
                }
            ),
            parent_id=str(value.get("parent_id") or ""),
            from_business=bool(author_id) and author_id == str(entry.get("id") or ""),
        )

    def event_parse(self, event: dict, *, standby: bool = False) -> Item:
        """One `messaging[]` (or `standby[]`) item: exactly one event key besides the envelope."""
        if not _ids_fit(event):
            logger.warning("ignored a %s event with an impossible id; it stays stored raw", self.name)
            return Ignored("impossible id", event)
        if isinstance(event.get("message"), dict):
            message = event["message"]
            if message.get("is_deleted"):
                return self._unsent(event)
            if message.get("is_echo"):
                return self._echo(event, standby=standby)
            return self._message(event, standby=standby)
        try:
            for key, reader in self.event_readers().items():
                if isinstance(event.get(key), dict):
                    return reader(event, standby=standby)
        except (KeyError, TypeError, ValueError, AttributeError):
            logger.warning("could not read a %s event; stored raw only", self.name, exc_info=True)
            return Ignored("unreadable event", event)
        keys = sorted(set(event) - {"sender", "recipient", "timestamp"})
        logger.info("ignored %s event %s; it stays stored raw", self.name, keys)
        return Ignored(f"unknown event {keys}", event)

    def event_readers(self) -> dict:
        return {
            "postback": self._postback,
            "reaction": self._reaction,
            "delivery": self._watermark("delivery"),
            "read": self._watermark("read"),
            "referral": self._referral_event,
            "optin": self._optin,
            "message_edit": self._edit,
        }

    # --- Messages ------------------------------------------------------------------------------

    def _message(self, event: dict, *, standby: bool) -> InboundMessage:
        message = event["message"]
        sender_id = _id(event, "sender")
        mid = str(message.get("mid") or "")
        try:
            fields = self.message_fields(message)
        except (KeyError, TypeError, ValueError, AttributeError):
            logger.warning("could not read %s message %s; kept as unsupported", self.name, mid, exc_info=True)
            fields = {"kind": "unsupported", "content": {"raw": message}}
        content = {**fields.get("content", {}), **({"standby": True} if standby else {})}
        return InboundMessage(
            external_id=mid,
            sender=self.profile(sender_id),
            timestamp=_timestamp(event.get("timestamp")),
            kind=fields["kind"],
            text=fields.get("text", ""),
            content=content,
            attachments=tuple(fields.get("attachments", ())),
            reply_to_external_id=str(_dict(message.get("reply_to")).get("mid") or "")[:255],
            source=self.referral(message.get("referral")),
        )

    def _echo(self, event: dict, *, standby: bool) -> OutboundEcho:
        """A message the account sent: the customer is the recipient."""
        message = event["message"]
        try:
            fields = self.message_fields(message)
        except (KeyError, TypeError, ValueError, AttributeError):
            fields = {"kind": "unsupported", "content": {"raw": message}}
        content = {**fields.get("content", {}), "app_id": str(message.get("app_id") or "")}
        if standby:
            content["standby"] = True
        metadata = str(message.get("metadata") or "")
        reference = metadata.removeprefix(REFERENCE_PREFIX)
        return OutboundEcho(
            external_id=str(message.get("mid") or ""),
            recipient=self.profile(_id(event, "recipient")),
            timestamp=_timestamp(event.get("timestamp")),
            kind=fields["kind"],
            text=fields.get("text", ""),
            content=content,
            attachments=tuple(fields.get("attachments", ())),
            reply_to_external_id=str(_dict(message.get("reply_to")).get("mid") or "")[:255],
            reference=row_id(reference) if metadata.startswith(REFERENCE_PREFIX) else None,
        )

    def _unsent(self, event: dict) -> MessageUnsent:
        """The customer unsent (deleted) a message: the platform sends only its id."""
        return MessageUnsent(
            external_id=str(event["message"].get("mid") or ""), timestamp=_timestamp(event.get("timestamp"))
        )

    def _edit(self, event: dict, *, standby: bool) -> MessageEdit:
        edit = event["message_edit"]
        return MessageEdit(
            external_id=str(edit["mid"]),
            text=str(edit.get("text") or ""),
            timestamp=_timestamp(event.get("timestamp")),
        )

    def message_fields(self, message: dict) -> dict:
        """kind, text, content and attachments of a `message` object (customer's or echo)."""
        text = str(message.get("text") or "")
        content: dict = {}
        attachments, links = self.attachments(message, content)
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

    def attachments(self, message: dict, content: dict) -> tuple[list[InboundAttachment], list[dict]]:
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
                content["location"] = _location(item, payload["coordinates"])
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

    def referral(self, referral) -> dict:
        """Where the thread came from (a link, an ad, a chat plugin...): the conversation's
        source, counted as a lead."""
        if not isinstance(referral, dict) or not referral:
            return {}
        source_type = str(referral.get("source") or "")
        ads = referral.get("ads_context_data") if isinstance(referral.get("ads_context_data"), dict) else {}
        source = {
            "channel": self.kind,
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

    # --- Other events --------------------------------------------------------------------------

    def _postback(self, event: dict, *, standby: bool) -> InboundMessage:
        """A button tap (Get Started, an ice breaker, a template button, the persistent menu):
        shown with its title."""
        postback = event["postback"]
        sender_id = _id(event, "sender")
        title = str(postback.get("title") or postback.get("payload") or "")
        content = {"type": "postback", "title": title, "payload": str(postback.get("payload") or "")}
        if standby:
            content["standby"] = True
        return InboundMessage(
            # Older postbacks have no mid: the sender and time identify a tap for redeliveries.
            external_id=_fit_id(str(postback.get("mid") or f"postback:{sender_id}:{event.get('timestamp')}")),
            sender=self.profile(sender_id),
            timestamp=_timestamp(event.get("timestamp")),
            kind="interactive",
            text=title,
            content=content,
            source=self.referral(postback.get("referral")),
        )

    def _reaction(self, event: dict, *, standby: bool) -> Reaction:
        reaction = event["reaction"]
        sender_id = _id(event, "sender")
        emoji = ""
        if reaction.get("action") != "unreact":
            emoji = str(reaction.get("emoji") or REACTION_EMOJI.get(str(reaction.get("reaction"))) or "👍")
        return Reaction(
            external_id=_fit_id(f"reaction:{sender_id}:{reaction['mid']}:{event.get('timestamp')}"),
            sender=self.profile(sender_id),
            target_external_id=str(reaction["mid"]),
            emoji=emoji,
            timestamp=_timestamp(event.get("timestamp")),
        )

    def _watermark(self, status: str):
        def read(event: dict, *, standby: bool) -> StatusWatermark:
            body = event[status]
            mids = [str(mid) for mid in body.get("mids") or () if mid]
            if body.get("mid"):  # Instagram's `messaging_seen` names the message read, no watermark
                mids.append(str(body["mid"]))
            return StatusWatermark(
                recipient_external_id=_id(event, "sender"),
                status="delivered" if status == "delivery" else "read",
                watermark=_timestamp(body.get("watermark", event.get("timestamp"))),
                external_ids=tuple(mids),
            )

        return read

    def _referral_event(self, event: dict, *, standby: bool) -> InboundMessage:
        """The customer opened an existing thread through a link, an ad or the chat plugin: a
        system line in the conversation, and its source if it has none yet."""
        sender_id = _id(event, "sender")
        source = self.referral(event["referral"])
        label = source.get("headline") or source.get("ref") or source.get("source_type", "").lower() or "a link"
        return InboundMessage(
            external_id=_fit_id(f"referral:{sender_id}:{event.get('timestamp')}"),
            sender=self.profile(sender_id),
            timestamp=_timestamp(event.get("timestamp")),
            kind="system",
            text=f"Opened the conversation from {label}",
            content={"type": "referral", **source},
            source=source,
        )

    def _optin(self, event: dict, *, standby: bool) -> InboundMessage | Ignored:
        """An opt-in (notification messages, the Send to Messenger plugin). Without a PSID (a
        plugin's `user_ref`) there is nobody to attach it to yet."""
        optin = event["optin"]
        sender_id = _id(event, "sender")
        if not sender_id:
            return Ignored("opt-in without a PSID (user_ref only)", event)
        kind = str(optin.get("type") or "plugin")
        payload = str(optin.get("payload") or optin.get("ref") or "")
        return InboundMessage(
            external_id=_fit_id(f"optin:{sender_id}:{event.get('timestamp')}"),
            sender=self.profile(sender_id),
            timestamp=_timestamp(event.get("timestamp")),
            kind="system",
            text=f"Opted in ({kind.replace('_', ' ')})" + (f": {payload}" if payload else ""),
            content={"type": "optin", "optin_type": kind, "payload": payload},
        )

    # --- People --------------------------------------------------------------------------------

    def placeholder_name(self, user_id: str) -> str:
        """What a contact is called until (or unless) the profile API gives a name."""
        return f"{self.user_noun} …{user_id[-4:]}" if user_id else self.user_noun

    def profile(self, user_id: str) -> SenderProfile:
        return SenderProfile(external_id=user_id, display_name=self.placeholder_name(user_id))


# --- Helpers -----------------------------------------------------------------------------------

# Longer ids than these are not Meta's (columns: message ids 191, identities 128).
ID_MAX = 191
SENDER_MAX = 128


def _location(item: dict, coordinates: dict) -> dict:
    latitude, longitude = float(coordinates["lat"]), float(coordinates["long"])
    return {
        "latitude": latitude,
        "longitude": longitude,
        "name": str(item.get("title") or ""),
        "map_url": f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map=17/{latitude}/{longitude}",
    }


def _https(url) -> str:
    """A link agents may open: https only (never another scheme)."""
    url = str(url or "")
    return url if url.startswith("https://") and len(url) <= MAX_URL_LENGTH else ""


def _compact(values: dict) -> dict:
    return {key: str(value) for key, value in values.items() if value not in (None, "")}


def _plain(value, limit: int) -> bool:
    if value is None:
        return True
    return isinstance(value, str | int) and not isinstance(value, bool) and len(str(value)) <= limit


def _ids_fit(event: dict) -> bool:
    parties = (_dict(event.get(key)).get("id") for key in ("sender", "recipient"))
    mids = (_dict(event.get(key)).get("mid") for key in ("message", "postback", "reaction", "message_edit"))
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
        logger.warning("Meta timestamp %r unreadable; using now", value)
        return datetime.now(tz=UTC)
