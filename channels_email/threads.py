"""Which conversation an arriving email belongs to (reads only).

In order: its In-Reply-To and References against the Message-IDs we know in this inbox (ours
and the customer's); then a conversation's own reply address among its recipients; then the
same subject from the same customer. Nothing found: a new thread.

Message-IDs and reply addresses travel: a forwarded email or a mailing list shows them to
strangers. So an email found by them joins the conversation only when its sender was on the
thread already (the customer, or an address an email of it went to or came from); anyone else
starts a thread of their own, so nobody writes into another customer's conversation by quoting
its ids.
"""

from django.db.models import Q

from inbox.models import Conversation, Direction, Inbox, Message

from .addresses import conversation_id_from_address, identity_address, message_pk_from_id
from .parser import ParsedEmail


def conversation_for(inbox, parsed: ParsedEmail) -> Conversation | None:
    found = _by_references(inbox, parsed) or _by_our_message_id(inbox, parsed) or _by_reply_address(inbox, parsed)
    if found is not None and parsed.sender.email in thread_addresses(found):
        return found
    return _by_subject(inbox, parsed)


def thread_addresses(conversation: Conversation) -> set[str]:
    """Everyone on a conversation's thread: its customer's address and whoever its emails
    came from, went to or were copied to (the most recent 200 emails)."""
    found = {identity_address(conversation.identity.external_id), (conversation.contact.email or "").lower()}
    emails = (
        Message.objects.filter(conversation=conversation, content__email__isnull=False)
        .order_by("-id")
        .values_list("content__email", flat=True)[:200]
    )
    for email in emails:
        if not isinstance(email, dict):
            continue
        sender = email.get("from") if isinstance(email.get("from"), dict) else {}
        addresses = [sender.get("email"), *(email.get("to") or []), *(email.get("cc") or [])]
        found.update(str(address).lower() for address in addresses if isinstance(address, str))
    found.discard("")
    return found


def linked_inbox_ids(inbox):
    """This inbox and the inboxes whose replies continue through it (live chat by email): an
    answer to such a reply belongs to that inbox's conversation. A subquery of the lookup that
    uses it, not a query of its own."""
    return Inbox.objects.filter(Q(pk=inbox.pk) | Q(config__email_inbox_id=inbox.pk)).values("pk")


def _by_references(inbox, parsed: ParsedEmail) -> Conversation | None:
    ids = [i for i in (parsed.in_reply_to, *reversed(parsed.references)) if i]
    if not ids:
        return None
    found = (
        Message.objects.filter(inbox_id__in=linked_inbox_ids(inbox), external_id__in=ids[:50])
        .select_related("conversation__identity", "conversation__contact")
        .order_by("-sent_at", "-id")
        .first()
    )
    return found.conversation if found else None


def _by_our_message_id(inbox, parsed: ParsedEmail) -> Conversation | None:
    """Our Message-ID of a reply that went out as a copy (live chat by email) is the id of no
    stored message; it names the message it copies, with a keyed check."""
    for message_id in (parsed.in_reply_to, *reversed(parsed.references)):
        pk = message_pk_from_id(inbox, message_id or "")
        if pk is not None:
            found = (
                Message.objects.filter(pk=pk, inbox_id__in=linked_inbox_ids(inbox))
                .select_related("conversation__identity", "conversation__contact")
                .first()
            )
            if found is not None:
                return found.conversation
    return None


def _by_reply_address(inbox, parsed: ParsedEmail) -> Conversation | None:
    for address in (*[a.email for a in (*parsed.to, *parsed.cc)], *parsed.delivered_to):
        conversation_id = conversation_id_from_address(inbox, address)
        if conversation_id is not None:
            found = (
                Conversation.objects.filter(pk=conversation_id, inbox_id__in=linked_inbox_ids(inbox))
                .select_related("identity", "contact")
                .first()
            )
            if found is not None:
                return found
    return None


def _by_subject(inbox, parsed: ParsedEmail) -> Conversation | None:
    key = parsed.subject_key
    if not key or not parsed.sender.email:
        return None
    found = (
        Message.objects.filter(
            inbox=inbox,
            direction=Direction.IN,
            conversation__identity__channel=inbox.kind,
            conversation__identity__external_id__startswith=f"{parsed.sender.email}#",
            content__email__subject_key=key,
        )
        .select_related("conversation__identity", "conversation__contact")
        .order_by("-sent_at", "-id")
        .first()
    )
    return found.conversation if found else None
