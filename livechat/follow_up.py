"""Live chat that continues by email: an agent's reply to a visitor who left also goes by email.

When the live-chat inbox names an email inbox (`config.email_inbox_id`, any inbox whose channel
can carry a follow-up), the conversation's contact has an email address (the one typed in the
pre-chat or offline form is fine for writing to them; it never matches contacts), and the
visitor's widget has been quiet for `config.email_after_minutes` (10), the reply is also sent
by email from that inbox. The email carries a link that reopens the chat on the page the visitor
was on, with the history (a signed resume token, valid for two weeks). The email channel threads
the visitor's answer back into this conversation.
"""

import logging
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inbox import channel_registry
from inbox.models import Inbox, Message, SenderType
from kernel.tasks import enqueue_on_commit

from . import presence, sessions

logger = logging.getLogger(__name__)

DEFAULT_AFTER_MINUTES = 10


def follow_up_inbox(inbox: Inbox) -> Inbox | None:
    """The active inbox a live-chat inbox's replies continue through, if it has one."""
    inbox_id = (inbox.config or {}).get("email_inbox_id")
    if not inbox_id:
        return None
    target = Inbox.objects.filter(pk=inbox_id, is_active=True).first()
    if target is None or not channel_registry.known(target.kind):
        return None
    return target if channel_registry.get(target.kind).follow_up_send else None


def follow_up_inboxes():
    """The inboxes a live-chat inbox may continue through (for the settings' choice)."""
    kinds = [channel.kind for channel in channel_registry.channels() if channel.follow_up_send]
    return Inbox.objects.filter(kind__in=kinds, is_active=True).order_by("name")


def after_minutes(inbox: Inbox) -> float:
    try:
        return max(float((inbox.config or {}).get("email_after_minutes", DEFAULT_AFTER_MINUTES)), 0.0)
    except (TypeError, ValueError):
        return DEFAULT_AFTER_MINUTES


def resume_link(inbox: Inbox, conversation) -> str:
    """The page the visitor chatted on, with the resume token in its fragment (a fragment never
    reaches the host site's server or its logs). No page known: the first allowed website."""
    token = sessions.resume_token_for(inbox, conversation.identity.external_id)
    if not token:
        return ""
    source = conversation.source if isinstance(conversation.source, dict) else {}
    page = str(source.get("page") or "")
    origins = [str(o) for o in (inbox.config or {}).get("allowed_origins") or []]
    if not _own_website(page, origins):
        page = next((o for o in origins if o.startswith(("http://", "https://"))), "")
    if not page:
        page = f"{settings.PUBLIC_URL}/livechat/demo/?key={inbox.public_key}"
    scheme, netloc, path, query, _fragment = urlsplit(page)
    return urlunsplit((scheme, netloc, path or "/", query, f"webcare_resume={token}"))


def _own_website(page: str, origins: list[str]) -> bool:
    """The visitor's page is the visitor's word (any script can send one): an email from our
    address links only to a page on one of the inbox's allowed websites or on our own."""
    if not page.startswith(("http://", "https://")) or any(c.isspace() or c in '<>"' for c in page):
        return False
    scheme, netloc, *_rest = urlsplit(page)
    origin = f"{scheme}://{netloc}".lower()
    own = [o.strip().rstrip("/").lower() for o in [*origins, settings.PUBLIC_URL] if o and o.strip() != "*"]
    return origin in own


def reply_follow_up_maybe(message: Message) -> bool:
    """After an agent's reply reached the visitor's tabs: also by email if they left."""
    if message.sender_type != SenderType.AGENT or message.private:
        return False
    conversation = message.conversation
    inbox = conversation.inbox
    if not (conversation.contact.email or "").strip() or follow_up_inbox(inbox) is None:
        return False
    if not presence.visitor_away(inbox.pk, conversation.identity.external_id, minutes=after_minutes(inbox)):
        return False
    from .tasks import reply_email_task

    enqueue_on_commit(reply_email_task, message.pk, inline_if_broker_down=reply_email_send)
    return True


def reply_email_send(message_id: int) -> str:
    """Send the email copy of one reply, once: the outcome is kept on the message
    (`content.email_follow_up`), and the email's Message-ID is fixed per message."""
    message = (
        Message.objects.select_related("conversation__inbox", "conversation__identity", "conversation__contact")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return "missing"
    done = (message.content or {}).get("email_follow_up") or {}
    if done.get("status") == "sent":
        return "sent"
    inbox = message.conversation.inbox
    target = follow_up_inbox(inbox)
    if target is None:
        return "not_configured"
    link = resume_link(inbox, message.conversation)
    try:
        sent_id = channel_registry.get(target.kind).follow_up_send(target, message, link)
    except channel_registry.RetryableSendError:
        raise
    except channel_registry.SendError as error:
        _record(message.pk, {"status": "failed", "error": error.reason, "inbox_id": target.pk})
        return "failed"
    _record(
        message.pk,
        {"status": "sent", "message_id": sent_id, "inbox_id": target.pk, "at": timezone.now().isoformat()},
    )
    return "sent"


def _record(message_id: int, outcome: dict) -> None:
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        message.content = {**(message.content or {}), "email_follow_up": outcome}
        message.save(update_fields=["content", "updated_at"])
