"""Instagram webhook payload -> plain dataclasses. Pure: no database, no network.

Instagram Direct's `messaging[]` events are the Messenger Platform's (the shared
`meta_platform.messaging_parser`), under the object `instagram` and with the account's id as
`entry.id`, in both connection shapes (Facebook Login and Instagram Login send the same
messaging events). What only Instagram sends is read here:
- a story mention: an attachment `story_mention` with the story's CDN URL. Meta's policy forbids
  storing story media, so only the link is kept (it stops working once the story expires);
- a reply to a story: `reply_to.story {id, url}` beside the text;
- shared posts and reels (`share`, `ig_post`, `ig_reel`, `reel`): links, not downloads;
- `is_unsupported` messages (a type the API does not deliver): kind `unsupported`, raw kept;
- `message.is_deleted` (unsent) and `read {mid}` (`messaging_seen`), read by the shared parser.
"""

from inbox.normalized import PublicComment, SenderProfile
from meta_platform.messaging_parser import (
    ID_MAX,
    REFERENCE_PREFIX,
    Ignored,
    MentionNotice,
    MessagingParser,
    _compact,
    _dict,
    _https,
    _timestamp,
    payload_shape_valid,
    webhook_split,
)

__all__ = ["PARSER", "REFERENCE_PREFIX", "Ignored", "payload_shape_valid", "webhook_split"]

SHARE_TYPES = {"share", "ig_post", "ig_reel", "reel", "post"}


class InstagramParser(MessagingParser):
    kind = "instagram"
    name = "Instagram"
    object_type = "instagram"
    user_noun = "Instagram user"

    def message_fields(self, message: dict) -> dict:
        if message.get("is_unsupported"):
            return {"kind": "unsupported", "text": "", "content": {"raw": message}}
        fields = super().message_fields(message)
        content = fields.setdefault("content", {})
        story = message.get("reply_to", {}).get("story") if isinstance(message.get("reply_to"), dict) else None
        if isinstance(story, dict):
            content.pop("reply_to", None)
            content["story_reply"] = {"id": str(story.get("id") or ""), "url": _https(story.get("url"))}
        links = content.get("links", [])
        mention = next((link for link in links if link["type"] == "story_mention"), None)
        if mention is not None:
            content["story_mention"] = {"url": _https(mention["url"])}
            content["links"] = [link for link in links if link is not mention]
            if not content["links"]:
                del content["links"]
            fields.update(kind="text", text=str(message.get("text") or "") or "Mentioned you in their story")
        elif links and all(link["type"] in SHARE_TYPES for link in links):
            content["shared"] = True
        return fields

    def change_readers(self) -> dict:
        return {
            "comments": self._comment_change,
            "live_comments": lambda value, entry: self._comment_change(value, entry, live=True),
            "mentions": self._mention_change,
        }

    def _mention_change(self, value: dict, entry: dict) -> MentionNotice | Ignored:
        """`mentions`: the account @mentioned in a comment (`comment_id` and `media_id`) or in a
        caption (`media_id` only); the content is looked up (`channels_instagram.mentions`)."""
        media_id, comment_id = str(value.get("media_id") or ""), str(value.get("comment_id") or "")
        if not media_id:
            return Ignored("mention without a media id", value)
        return MentionNotice(
            media_id=media_id[:ID_MAX], comment_id=comment_id[:ID_MAX], timestamp=_timestamp(entry.get("time"))
        )

    def _comment_change(self, value: dict, entry: dict, *, live: bool = False) -> PublicComment | Ignored:
        """`comments` / `live_comments`: a comment (or reply) under the account's media. No
        creation time: Meta's `entry.time`. Instagram reports new comments only (no edits or
        deletions)."""
        author = _dict(value.get("from"))
        media = _dict(value.get("media"))
        author_id, username = str(author.get("id") or ""), str(author.get("username") or "")
        if not value.get("id") or not media.get("id"):
            return Ignored("comment without an id or media", value)
        post = {
            "post_id": media["id"],
            "media_product_type": media.get("media_product_type"),
            "ad_id": media.get("ad_id"),
            "ad_title": media.get("ad_title"),
            "original_media_id": media.get("original_media_id"),
            "live": "true" if live else "",
        }
        return PublicComment(
            external_id=str(value["id"])[:ID_MAX],
            author=SenderProfile(
                external_id=author_id, display_name=f"@{username}" if username else self.placeholder_name(author_id)
            ),
            timestamp=_timestamp(entry.get("time")),
            text=str(value.get("text") or ""),
            post=_compact(post),
            parent_id=str(value.get("parent_id") or ""),
            from_business=bool(author_id) and author_id == str(entry.get("id") or ""),
        )


PARSER = InstagramParser()
