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

from meta_platform.messaging_parser import (
    REFERENCE_PREFIX,
    Ignored,
    MessagingParser,
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


def _https(url) -> str:
    """A story link agents may open: Meta's https CDN URLs only (never another scheme)."""
    url = str(url or "")
    return url if url.startswith("https://") and len(url) <= 2000 else ""


PARSER = InstagramParser()
