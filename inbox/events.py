"""Recording conversation events: the audit trail that reporting reads."""

from datetime import datetime

from django.utils import timezone

from .models import Conversation, ConversationEvent


def event_record(
    *, conversation: Conversation, kind: str, actor=None, data: dict | None = None, at: datetime | None = None
) -> ConversationEvent:
    return ConversationEvent.objects.create(
        conversation=conversation,
        inbox_id=conversation.inbox_id,
        kind=kind,
        actor=actor,
        data=data or {},
        created_at=at or timezone.now(),
    )
