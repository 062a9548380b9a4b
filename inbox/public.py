"""Public conversations: comments under a brand's posts, reels and ads, answered in public or
in private.

Each person's comments under one post are one public conversation (`Conversation.public`,
`thread_key` = the post's id), beside the person's direct conversation in the same inbox. A
comment is a message of kind `comment` (or `mention`) keeping its post, parent and root comment
ids. Edits keep the earlier text; removals and hides mark the comment, never delete it; the
account's own comments are outbound messages. A private reply (Meta's Private Reply: one
message per comment, within 7 days of it) goes out in the person's direct conversation, and
the two conversations link to each other (`source["direct_conversation_id"]`,
`source["public_conversation_id"]`). The channel says how a reply reaches the platform.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from crm import services as crm_services
from crm.models import ContactIdentity
from kernel import realtime
from kernel.refusals import Refused
from kernel.tasks import enqueue_on_commit

from . import channel_registry
from .ingest import (
    IngestResult,
    _automation_enqueue,
    _conversation_after_inbound,
    _conversation_for,
    _message_by_external_id,
    _publish_message_created,
    message_edit_apply,
    message_updated_publish,
)
from .models import (
    Conversation,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    Inbox,
    Message,
    MessageKind,
    SenderType,
)
from .normalized import InboundMessage, MessageEdit, PublicComment

logger = logging.getLogger(__name__)

PRIVATE_REPLY_WINDOW = timedelta(days=7)
COMMENT_KINDS = (MessageKind.COMMENT, MessageKind.MENTION)


class CommentModerationRefused(Refused):
    """A comment cannot be hidden, shown or deleted (not a comment, not ours, the platform said no)."""

    code = "comment_moderation_refused"


MODERATION_AUDIT = {
    "hide": AuditAction.COMMENT_HIDDEN,
    "unhide": AuditAction.COMMENT_UNHIDDEN,
    "delete": AuditAction.COMMENT_DELETED,
}


def comment_moderate(*, message: Message, action: str, actor) -> Message:
    """Hide or unhide a customer's comment, or delete a comment of ours, on the platform (a
    network call: never inside a transaction), then mark it here, with the audit log. A deleted
    comment of ours stays in the history, marked removed."""
    from .channel_registry import SendError

    conversation = message.conversation
    if action not in MODERATION_AUDIT or not conversation.public or message.kind not in COMMENT_KINDS:
        raise CommentModerationRefused(
            _("Only comments in a public conversation can be moderated."), code="not_a_comment"
        )
    if not message.external_id:
        raise CommentModerationRefused(_("This comment has not reached the platform yet."), code="not_sent")
    if (action == "delete") != (message.direction == Direction.OUT):
        raise CommentModerationRefused(
            _("Customers' comments can be hidden, not deleted; only our own replies can be deleted."), code="not_ours"
        )
    moderate = channel_registry.get(conversation.inbox.kind).comment_moderate
    if moderate is None:
        raise CommentModerationRefused(_("This channel cannot moderate comments."), code="unsupported")
    try:
        moderate(message, action)
    except SendError as error:
        raise CommentModerationRefused(
            _("The platform refused: {reason}"), code="platform", reason=error.reason
        ) from error
    marks = {"delete": {"removed_at": timezone.now().isoformat(), "deleted_by": "us"}}.get(
        action, {"hidden": action == "hide"}
    )
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        message.content = {**message.content, **marks}
        message.save(update_fields=["content", "updated_at"])
        message_updated_publish(message)
        audit_record(actor=actor, action=MODERATION_AUDIT[action], target=conversation, comment=message.external_id)
    return message


class PrivateReplyRefused(Refused):
    """A private reply cannot be sent (no comment to answer, answered already, too old)."""

    code = "private_reply_refused"


def public_comment_apply(*, inbox: Inbox, comment: PublicComment) -> Message | None:
    """Apply one comment event. Idempotent: comment ids are the messages' external ids."""
    if comment.action == "edited":
        edit = MessageEdit(external_id=comment.external_id, text=comment.text, timestamp=comment.timestamp)
        return message_edit_apply(inbox=inbox, edit=edit)
    if comment.action in ("remove", "hide", "unhide"):
        return _comment_mark(inbox, comment)
    if comment.from_business:
        return _own_comment_ingest(inbox, comment)
    return comment_ingest(inbox=inbox, comment=comment).message


def comment_content(comment: PublicComment) -> dict:
    post_id = str(comment.post.get("post_id") or "")
    parent = comment.parent_id if comment.parent_id and comment.parent_id != post_id else ""
    return {"post_id": post_id, "parent_id": parent, "root_id": parent or comment.external_id}


def comment_ingest(*, inbox: Inbox, comment: PublicComment) -> IngestResult:
    """A customer's comment: into the person's public conversation about the post (made on the
    first comment, with the post as its source)."""
    existing = Message.objects.filter(inbox=inbox, external_id=comment.external_id).first()
    if existing is not None:
        return IngestResult(message=existing, created=False)
    post = comment.post
    with transaction.atomic():
        who = crm_services.identify(
            channel=inbox.kind, external_id=comment.author.external_id, display_name=comment.author.display_name
        )
        source = {"channel": inbox.kind, "kind": "post", "public": True, **post}
        conversation, created = _conversation_for(
            inbox=inbox, identity=who.identity, at=comment.timestamp, thread_key=str(post["post_id"]), source=source
        )
        content = comment_content(comment)
        message = Message.objects.create(
            conversation=conversation,
            inbox=inbox,
            direction=Direction.IN,
            sender_type=SenderType.CONTACT,
            kind=comment.kind,
            text=comment.text,
            content=content,
            external_id=comment.external_id,
            reply_to=_message_by_external_id(inbox, content["parent_id"]),
            sent_at=comment.timestamp,
            status=DeliveryStatus.DELIVERED,
            status_at=timezone.now(),
        )
        inbound = InboundMessage(
            external_id=comment.external_id, sender=comment.author, timestamp=comment.timestamp, source=source
        )
        _conversation_after_inbound(conversation, message, inbound, created=created)
        _publish_message_created(conversation, message, conversation_created=created)
        _automation_enqueue([message.pk])
        known = bool(post.get("caption") or post.get("thumbnail_url"))  # a mention's look-up gave it
        # A new thread asks about its post; a later comment retries a failed look-up when due.
        retry = not created and post_details_retry_due(conversation)
        if ((created and not known) or retry) and channel_registry.for_inbox(inbox).post_details is not None:
            from .tasks import conversation_post_details_fetch_task  # tasks import services

            enqueue_on_commit(conversation_post_details_fetch_task, conversation.pk)
    return IngestResult(message=message, created=True)


# A failed post look-up is tried again after these delays, then given up (the card keeps the
# ids): Meta down or rate-limited recovers within hours; a deleted post or a missing
# permission never does, so the attempts are bounded.
POST_LOOKUP_RETRY_DELAYS = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
POST_LOOKUP = "post_lookup"  # in the source: {"failures": n, "retry_at": ISO time or ""}


def conversation_post_details_fetch(conversation_id: int) -> dict:
    """Ask the platform about the post a public conversation is on (caption, picture,
    permalink, an ad's name; a network call, outside any transaction) and keep what it says in
    the conversation's source, for the post card. A failed look-up keeps what was found and
    the number of failures, with when to try again (`POST_LOOKUP_RETRY_DELAYS`): the sweeper
    and the person's next comment try again then, and the card fills in."""
    from .channel_registry import LookupFailed

    conversation = Conversation.objects.select_related("inbox").filter(pk=conversation_id, public=True).first()
    fetch = channel_registry.for_inbox(conversation.inbox).post_details if conversation else None
    if fetch is None:
        return {}
    failed = None
    try:
        found = fetch(conversation.inbox, dict(conversation.source))
    except LookupFailed as failure:
        found, failed = failure.partial, failure
    details = {key: value for key, value in found.items() if value}
    if not details and failed is None and POST_LOOKUP not in conversation.source:
        return {}
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
        source = {**conversation.source, **details}
        if failed is None:
            source.pop(POST_LOOKUP, None)
        else:
            failures = int((source.get(POST_LOOKUP) or {}).get("failures") or 0) + 1
            delays = POST_LOOKUP_RETRY_DELAYS
            retry_at = timezone.now() + delays[failures - 1] if failures <= len(delays) else None
            source[POST_LOOKUP] = {"failures": failures, "retry_at": retry_at.isoformat() if retry_at else ""}
            logger.info(
                "post of conversation %s not looked up (%s failures): %s; %s",
                conversation_id,
                failures,
                failed.reason,
                f"again at {retry_at.isoformat()}" if retry_at else "given up",
            )
        conversation.source = source
        conversation.version += 1
        conversation.save(update_fields=["source", "version", "updated_at"])
        _updated_publish(conversation)
    return details


def post_details_retry_due(conversation: Conversation, *, now=None) -> bool:
    """Whether the conversation's failed post look-up is due for another try."""
    retry_at = parse_datetime(str((conversation.source.get(POST_LOOKUP) or {}).get("retry_at") or ""))
    return retry_at is not None and retry_at <= (now or timezone.now())


def post_details_retries_enqueue(*, now=None, limit: int = 200) -> int:
    """The sweeper: try again every public conversation whose post look-up failed and is due.
    Returns how many were enqueued."""
    from .tasks import conversation_post_details_fetch_task  # tasks import services

    now = now or timezone.now()
    waiting = Conversation.objects.filter(public=True, source__has_key=POST_LOOKUP).only("pk", "source")
    due = [conversation.pk for conversation in waiting[: limit * 5] if post_details_retry_due(conversation, now=now)]
    for conversation_id in due[:limit]:
        enqueue_on_commit(conversation_post_details_fetch_task, conversation_id)
    return len(due[:limit])


def _own_comment_ingest(inbox: Inbox, comment: PublicComment) -> Message | None:
    """The account's own comment: ours when we sent it (known by id), else written on the
    platform itself, stored as an outbound message "sent outside Webcare" in the thread of the
    comment it answers (a comment of ours on nobody's comment belongs to no conversation)."""
    existing = Message.objects.filter(inbox=inbox, external_id=comment.external_id).first()
    if existing is not None:
        return existing
    parent = _message_by_external_id(inbox, comment.parent_id)
    if parent is None or not parent.conversation.public:
        logger.info("own comment %s answers no known comment; not stored", comment.external_id)
        return None
    with transaction.atomic():
        message = Message.objects.create(
            conversation=parent.conversation,
            inbox=inbox,
            direction=Direction.OUT,
            sender_type=SenderType.AGENT,
            kind=comment.kind,
            text=comment.text,
            content={**comment_content(comment), "sent_outside_webcare": True},
            external_id=comment.external_id,
            reply_to=parent,
            sent_at=comment.timestamp,
            status=DeliveryStatus.SENT,
            status_at=comment.timestamp,
        )
        _publish_message_created(parent.conversation, message, conversation_created=False)
    return message


def _comment_mark(inbox: Inbox, comment: PublicComment) -> Message | None:
    """Removed or hidden on the platform: marked on the message, which stays in the history."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(inbox=inbox, external_id=comment.external_id).first()
        if message is None:
            logger.info("%s of unknown comment %r ignored", comment.action, comment.external_id)
            return None
        marks = {
            "remove": {"removed_at": comment.timestamp.isoformat()},
            "hide": {"hidden": True},
            "unhide": {"hidden": False},
        }[comment.action]
        if all(message.content.get(key) == value for key, value in marks.items()):
            return message
        message.content = {**message.content, **marks}
        message.save(update_fields=["content", "updated_at"])
        message_updated_publish(message)
    return message


# --- Private replies ---------------------------------------------------------------------------


def private_reply_target(conversation: Conversation, *, now=None) -> Message:
    """The customer's latest comment a private reply may still answer, or PrivateReplyRefused."""
    now = now or timezone.now()
    comment = (
        conversation.messages.filter(direction=Direction.IN, kind__in=COMMENT_KINDS).order_by("-sent_at", "-pk").first()
    )
    if not conversation.public or comment is None:
        raise PrivateReplyRefused(_("There is no comment to reply to privately."), code="no_comment")
    if comment.content.get("private_reply"):
        raise PrivateReplyRefused(
            _("This comment has been answered privately already: Meta allows one private reply per comment."),
            code="private_reply_sent",
        )
    if now - comment.sent_at > PRIVATE_REPLY_WINDOW:
        raise PrivateReplyRefused(
            _("The comment is more than 7 days old: Meta no longer allows a private reply to it."),
            code="private_reply_expired",
        )
    return comment


def private_reply_send(
    *, conversation: Conversation, author, text: str, sender_type: str = SenderType.AGENT
) -> Message:
    """Answer the customer's latest comment in private: the reply goes out in (and opens, if
    needed) the person's direct conversation, addressed to the comment. Both conversations
    link to each other and the comment is marked answered. `sender_type`: bot when a rule sends
    it (`author` None). Returns the reply."""
    from .replies import ReplyRefused, _replies_store

    text = (text or "").strip()
    if not text:
        raise ReplyRefused(_("A reply needs text."), code="text_required")
    comment = private_reply_target(conversation)
    now = timezone.now()
    with transaction.atomic():
        identity = _direct_identity(conversation.identity)
        direct, created = _conversation_for(inbox=conversation.inbox, identity=identity, at=now)
        if not direct.source:
            link = {"kind": "private_reply", "public_conversation_id": conversation.pk}
            direct.source = {**link, **_post_of(conversation)}
            direct.save(update_fields=["source", "updated_at"])
        content = {"private_reply_to": comment.external_id, "public_conversation_id": conversation.pk}
        [reply] = _replies_store(
            direct,
            [(text, MessageKind.TEXT, None)],
            author=author,
            sender_type=sender_type,
            content=content,
            reply_to=None,
            private=False,
            now=now,
        )
        comment = Message.objects.select_for_update().get(pk=comment.pk)
        comment.content = {
            **comment.content,
            "private_reply": {"conversation_id": direct.pk, "message_id": reply.pk, "at": now.isoformat()},
        }
        comment.save(update_fields=["content", "updated_at"])
        Conversation.objects.filter(pk=conversation.pk).update(
            source={**conversation.source, "direct_conversation_id": direct.pk}
        )
        message_updated_publish(comment)
        audit_record(
            actor=author,
            action=AuditAction.PRIVATE_REPLY_SENT,
            target=conversation,
            comment=comment.external_id,
            direct_conversation=direct.pk,
        )
    return reply


# Where a commenter's identity keeps the id a private reply reached (Messenger's PSID).
MESSAGING_ID = "messaging_id"


def _direct_identity(commenter: ContactIdentity) -> ContactIdentity:
    """The identity a private reply's direct conversation belongs to: the one an earlier
    private reply to the same commenter reached, else the commenter's own (on Instagram the
    commenter's id is their id in Direct)."""
    known = commenter.attributes.get(MESSAGING_ID)
    if known:
        found = ContactIdentity.objects.filter(channel=commenter.channel, external_id=known).first()
        if found is not None:
            return found
    return commenter


def private_reply_recipient_link(*, message_id: int, recipient_id: str) -> str:
    """The platform answered a private reply with the person's id in its messaging
    (`recipient_id`: on Facebook their Messenger PSID, which is not their id in the `feed`
    webhook; on Instagram the IGSID, usually the commenter's id already). Their answer will come
    from that id, so it must land in the direct conversation the reply opened:

    - the id is new: it becomes an identity of the commenter's contact and the conversation
      moves to it (so do the agent's next replies, which Meta addresses by that id);
    - the id is the contact's already, or another contact's (kept theirs, with a merge
      suggestion: `crm.services.identity_link`): the conversation moves to it when it has no
      open direct conversation here, else the two conversations are linked (the public one
      and the private reply's point to where the person writes).

    The commenter's identity remembers the id, so later private replies go straight to that
    conversation. Idempotent. Returns what was done."""
    recipient_id = str(recipient_id)[: ContactIdentity._meta.get_field("external_id").max_length]
    with transaction.atomic():
        message = Message.objects.filter(pk=message_id).first()
        if message is None or not message.content.get("private_reply_to"):
            return "unknown"
        direct = Conversation.objects.select_for_update().select_related("identity").get(pk=message.conversation_id)
        commenter = direct.identity
        if commenter.external_id == recipient_id:
            return "same"
        linked = crm_services.identity_link(identity=commenter, external_id=recipient_id, reason="private_reply")
        if commenter.attributes.get(MESSAGING_ID) != recipient_id:
            commenter.attributes = {**commenter.attributes, MESSAGING_ID: recipient_id}
            commenter.save(update_fields=["attributes", "updated_at"])
        target = linked.identity
        open_there = (
            Conversation.objects.select_for_update()
            .filter(inbox_id=direct.inbox_id, identity=target, thread_key="")
            .exclude(status=ConversationStatus.CLOSED)
            .exclude(pk=direct.pk)
            .first()
        )
        public_id = direct.source.get("public_conversation_id")
        if open_there is None and _only_private_replies(direct):
            direct.identity, direct.contact_id = target, target.contact_id
            direct.version += 1
            direct.save(update_fields=["identity", "contact", "version", "updated_at"])
            _updated_publish(direct)
            done = "moved"
        elif open_there is not None:
            open_there.source = {**open_there.source, "public_conversation_id": public_id or direct.pk}
            open_there.version += 1
            open_there.save(update_fields=["source", "version", "updated_at"])
            direct.source = {**direct.source, "direct_conversation_id": open_there.pk}
            direct.version += 1
            direct.save(update_fields=["source", "version", "updated_at"])
            if public_id:
                public = Conversation.objects.select_for_update().filter(pk=public_id).first()
                if public is not None:
                    public.source = {**public.source, "direct_conversation_id": open_there.pk}
                    public.save(update_fields=["source", "updated_at"])
            for changed in (open_there, direct):
                _updated_publish(changed)
            done = "linked"
        else:
            done = "kept"  # the conversation holds more than private replies: it stays whose it is
        logger.info(
            "private reply %s reached %s: conversation %s %s%s",
            message_id,
            target.pk,
            direct.pk,
            done,
            " (another contact's id: merge suggested)" if linked.conflict else "",
        )
    return done


def _only_private_replies(conversation: Conversation) -> bool:
    return not conversation.messages.exclude(direction=Direction.OUT, content__has_key="private_reply_to").exists()


def _updated_publish(conversation: Conversation) -> None:
    realtime.conversation_publish(
        inbox_id=conversation.inbox_id,
        conversation_id=conversation.pk,
        event="conversation_updated",
        version=conversation.version,
    )


def _post_of(conversation: Conversation) -> dict:
    return {key: conversation.source[key] for key in ("post_id", "permalink") if conversation.source.get(key)}
