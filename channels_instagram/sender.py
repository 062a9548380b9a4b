"""The Instagram Sender: the shared Send API Sender (`meta_platform.messaging_sender`) with
Instagram's endpoint, limits and reactions.

- Facebook Login: `POST /{page-id}/messages` (the Page linked to the account) with the Page
  token on `META_GRAPH_URL`; Instagram Login: `POST /{ig-account-id}/messages` with the
  Instagram user token on `INSTAGRAM_GRAPH_URL`.
- Text up to 1,000 characters; images up to 8 MB, video, audio and files up to 25 MB, uploaded
  with the message (multipart `filedata`).
- Instagram shows one reaction, the heart: every agent reaction goes out as `love`.
- No `metadata` is sent along (Instagram's Send API does not take it): an echo of ours is known
  by its message id.
"""

from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import AttachmentRefused
from meta_platform.media import MB
from meta_platform.messaging_sender import MessagingSender

from . import errors, rules
from .graph import graph_request_for, instagram_login

IMAGE_LIMIT = 8 * MB


class InstagramSender(MessagingSender):
    name = "Instagram"
    max_text = 1000
    send_metadata = False
    comment_reply_edge = "replies"
    comment_hide_field = "hide"
    post_fields = {
        "caption": "caption",
        "media_type": "media_type",
        "media_url": "media_url",
        "thumbnail_url": "thumbnail_url",
        "permalink": "permalink",
        "timestamp": "posted_at",
    }

    def post_details_read(self, answer: dict) -> dict:
        details = super().post_details_read(answer)
        # A photo has no thumbnail of its own: its media_url is the picture (a video's
        # media_url is the video, so it is never shown as the thumbnail).
        if "thumbnail_url" not in details and details.get("media_type") in ("IMAGE", "CAROUSEL_ALBUM"):
            if details.get("media_url"):
                details["thumbnail_url"] = details["media_url"]
        return details

    not_configured = "Channel not configured: this Instagram inbox has no access token or account id."
    too_large = _("Instagram accepts files up to {limit} MB; this one is {size} MB.")

    def attachment_kind(self, inbox, mime_type: str, size: int) -> str:
        kind = super().attachment_kind(inbox, mime_type, size)
        if kind == "image" and size > IMAGE_LIMIT:
            raise AttachmentRefused(
                self.too_large, code="file_too_large", limit=IMAGE_LIMIT // MB, size=f"{size / MB:.1f}"
            )
        return kind

    def messages_path(self, inbox) -> str:
        if instagram_login(inbox):
            return f"/{inbox.external_id}/messages"
        page_id = (inbox.config or {}).get("page_id") or "me"
        return f"/{page_id}/messages"

    def reaction_body(self, message, emoji: str) -> dict:
        payload = {"message_id": message.reply_to.external_id, **({"reaction": "love"} if emoji else {})}
        return {
            "recipient": {"id": message.conversation.identity.external_id},
            "sender_action": "react" if emoji else "unreact",
            "payload": payload,
        }


SENDER = InstagramSender(errors=errors.ERRORS, window=rules.WINDOW, graph_request=graph_request_for)
message_send = SENDER.message_send
attachment_kind = SENDER.attachment_kind
