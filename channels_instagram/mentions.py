"""Mentions of the account (`mentions` webhooks) as public conversations of kind `mention`.

The webhook carries ids alone, so the mentioning comment or post is looked up on the account
(the only way Meta allows: a mentioning comment is not readable by its own id):
- in a comment: `GET /{ig-user-id}?fields=mentioned_comment.comment_id(<id>){id,text,timestamp,
  username,from{id,username},media{...}}`;
- in a caption: `GET /{ig-user-id}?fields=mentioned_media.media_id(<id>){id,caption,username,...}`.
The person's conversation is about the post the mention is on; the look-up runs in a task
(`mention_lookup_task`), never inside the webhook's transaction. A failed look-up is logged and
the raw webhook event stays stored; no conversation is made from ids alone.
"""

import logging

from django.utils.dateparse import parse_datetime

from inbox.models import Inbox, Message
from inbox.normalized import PublicComment, SenderProfile
from inbox.public import public_comment_apply
from meta_platform.graph import GraphError
from meta_platform.messaging_parser import ID_MAX

from .graph import graph_request_for
from .parser import PARSER

logger = logging.getLogger(__name__)

MEDIA_FIELDS = "id,caption,media_type,media_url,thumbnail_url,permalink,timestamp,username"


def mention_lookup(*, inbox_id: int, media_id: str, comment_id: str, at: str) -> str:
    """Look the mention up and store it (idempotent: the comment's or post's id is the message's
    external id, and a mention already stored is not looked up again). Returns what happened."""
    inbox = Inbox.objects.filter(pk=inbox_id, is_active=True).first()
    external_id = comment_id or media_id
    if inbox is None or Message.objects.filter(inbox=inbox, external_id=external_id).exists():
        return "known"
    if comment_id:
        edge, wanted = (
            "mentioned_comment",
            f"comment_id({comment_id}){{id,text,timestamp,username,from{{id,username}},media{{{MEDIA_FIELDS}}}}}",
        )
    else:
        edge, wanted = "mentioned_media", f"media_id({media_id}){{{MEDIA_FIELDS}}}"
    try:
        answer = graph_request_for(
            "GET",
            f"/{inbox.external_id}",
            inbox=inbox,
            token=inbox.credentials.get("access_token", ""),
            params={"fields": f"{edge}.{wanted}"},
        )
    except GraphError as error:
        logger.warning("Instagram mention %s on inbox %s not looked up: %s", external_id, inbox_id, error)
        return "failed"
    found = answer.get(edge) if isinstance(answer.get(edge), dict) else {}
    media = found.get("media") if comment_id and isinstance(found.get("media"), dict) else found
    if not found:
        return "failed"
    public_comment_apply(inbox=inbox, comment=_mention(found, media, media_id=media_id, external_id=external_id, at=at))
    return "stored"


def _mention(found: dict, media: dict, *, media_id: str, external_id: str, at: str) -> PublicComment:
    author = found.get("from") if isinstance(found.get("from"), dict) else {}
    username = str(author.get("username") or found.get("username") or "")
    # A comment's `from {id, username}` gives the person's Instagram-scoped id, the same id as
    # their comments' webhooks and their Direct messages: the identity, so they are recognised
    # everywhere. Without it (a caption mention never has one: `mentioned_media` gives only the
    # username) the username is their identity here, apart from their Direct conversation.
    person = str(author.get("id") or (f"@{username}" if username else "")) or f"mention:{external_id}"
    post = {
        "post_id": str(media.get("id") or media_id)[:ID_MAX],
        "caption": str(media.get("caption") or "")[:2000],
        "media_type": str(media.get("media_type") or ""),
        "mention": "comment" if found is not media else "caption",
    }
    for key in ("permalink", "thumbnail_url", "media_url"):
        if str(media.get(key) or "").startswith("https://"):
            post[key] = str(media[key])
    if "thumbnail_url" not in post and post["media_type"] in ("IMAGE", "CAROUSEL_ALBUM") and "media_url" in post:
        post["thumbnail_url"] = post["media_url"]
    text = found.get("text") if found is not media else found.get("caption")
    return PublicComment(
        external_id=external_id[:ID_MAX],
        author=SenderProfile(
            external_id=person[:ID_MAX], display_name=f"@{username}" if username else PARSER.placeholder_name(person)
        ),
        timestamp=parse_datetime(str(found.get("timestamp") or "")) or parse_datetime(at),
        text=str(text or ""),
        kind="mention",
        post={key: value for key, value in post.items() if value},
    )
