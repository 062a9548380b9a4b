"""Which conversation an arriving email belongs to (reads only).

In order: its In-Reply-To and References against the Message-IDs we know in this inbox (ours
and the customer's); then a conversation's own reply address among its recipients; then the
same subject from the same customer. Nothing found: a new thread.
"""

from inbox.models import Conversation, Direction, Message

from .addresses import conversation_id_from_address
from .parser import ParsedEmail


def conversation_for(inbox, parsed: ParsedEmail) -> Conversation | None:
    return _by_references(inbox, parsed) or _by_reply_address(inbox, parsed) or _by_subject(inbox, parsed)


def _by_references(inbox, parsed: ParsedEmail) -> Conversation | None:
    ids = [i for i in (parsed.in_reply_to, *reversed(parsed.references)) if i]
    if not ids:
        return None
    found = (
        Message.objects.filter(inbox=inbox, external_id__in=ids[:50])
        .select_related("conversation__identity")
        .order_by("-sent_at", "-id")
        .first()
    )
    return found.conversation if found else None


def _by_reply_address(inbox, parsed: ParsedEmail) -> Conversation | None:
    for address in (*[a.email for a in (*parsed.to, *parsed.cc)], *parsed.delivered_to):
        conversation_id = conversation_id_from_address(inbox, address)
        if conversation_id is not None:
            found = Conversation.objects.filter(pk=conversation_id, inbox=inbox).select_related("identity").first()
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
            conversation__identity__external_id__startswith=f"{parsed.sender.email}#",
            content__email__subject_key=key,
        )
        .select_related("conversation__identity")
        .order_by("-sent_at", "-id")
        .first()
    )
    return found.conversation if found else None
