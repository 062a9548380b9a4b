"""Auto-assignment per inbox: round robin or least busy, among members who are online and
below their capacity (most open conversations at once, `AgentProfile.capacity`).

Concurrency: the conversation row, the inbox's automation row (round robin's pointer) and the
candidates' AgentProfile rows are locked, always in that order and the profiles by primary
key, so simultaneous arrivals in several inboxes count each agent's load one after the other
and never push an agent past capacity (PostgreSQL row locks; SQLite serialises anyway).
"""

import logging

from django.db import transaction
from django.db.models import Count

from inbox import services as inbox_services
from inbox.models import AgentProfile, Conversation, ConversationStatus
from inbox.selectors import inbox_online_agents

from .models import AssignmentMode, BotStatus, InboxAutomation

logger = logging.getLogger(__name__)

LOAD_STATUSES = (ConversationStatus.OPEN, ConversationStatus.PENDING)


def _candidates(inbox) -> list:
    return list(inbox_online_agents(inbox).order_by("pk"))


def _choose(settings: InboxAutomation, eligible: list, loads: dict[int, int]):
    if settings.assignment_mode == AssignmentMode.LEAST_BUSY:
        return min(eligible, key=lambda user: (loads.get(user.pk, 0), user.pk))
    after = settings.last_assignee_id or 0
    later = [user for user in eligible if user.pk > after]
    return (later or eligible)[0]


def conversation_auto_assign(*, conversation_id: int):
    """Give the waiting conversation to an agent by the inbox's mode; returns the agent or None."""
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update()
            .select_related("inbox")
            .filter(pk=conversation_id, assignee__isnull=True, status=ConversationStatus.OPEN)
            .first()
        )
        if conversation is None:
            return None
        settings = InboxAutomation.objects.select_for_update().filter(inbox_id=conversation.inbox_id).first()
        if settings is None or settings.assignment_mode == AssignmentMode.OFF:
            return None
        candidates = _candidates(conversation.inbox)
        if not candidates:
            return None
        profiles = {
            p.user_id: p for p in AgentProfile.objects.select_for_update().filter(user__in=candidates).order_by("pk")
        }
        loads = dict(
            Conversation.objects.filter(assignee__in=candidates, status__in=LOAD_STATUSES)
            .values_list("assignee")
            .annotate(n=Count("id"))
        )
        eligible = [u for u in candidates if u.pk in profiles and loads.get(u.pk, 0) < profiles[u.pk].capacity]
        if not eligible:
            return None
        agent = _choose(settings, eligible, loads)
        inbox_services.conversation_update(conversation=conversation, actor=None, assignee=agent)
        settings.last_assignee = agent
        settings.save(update_fields=["last_assignee", "updated_at"])
    logger.info("conversation %s auto-assigned to %s", conversation_id, agent.pk)
    return agent


def waiting_conversations_assign(*, inbox_id: int | None = None, limit: int = 200) -> int:
    """Assign conversations that wait for an agent (oldest first), e.g. when one frees up or
    comes online. Bot-handled conversations do not wait for anyone."""
    waiting = Conversation.objects.filter(
        status=ConversationStatus.OPEN,
        assignee__isnull=True,
        inbox__automation__assignment_mode__in=[AssignmentMode.ROUND_ROBIN, AssignmentMode.LEAST_BUSY],
    ).exclude(automation__bot_status=BotStatus.ANSWERING)
    if inbox_id is not None:
        waiting = waiting.filter(inbox_id=inbox_id)
    assigned = 0
    for conversation_id in waiting.order_by("created_at").values_list("pk", flat=True)[:limit]:
        if conversation_auto_assign(conversation_id=conversation_id) is not None:
            assigned += 1
    return assigned
