"""Service-level alerts: warn live before and when a conversation breaches its first-response
target (`Inbox.first_response_target_seconds`, counted from the conversation's start).

A periodic task (every 30 s) finds conversations still waiting for a human's first answer past
the inbox's warning share of the target, and again past the target. Each alert goes once per
conversation (claimed by a conditional UPDATE, so two workers never both send it) to the
assignee and the leads of the inbox's team (all leads when the inbox has no team), as a
realtime event the inbox UI shows. A breach is also recorded as an `sla_breached` event.
"""

import logging
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inbox.events import event_record
from inbox.models import Conversation, ConversationStatus, EventKind, Role
from kernel import realtime

from .models import BotStatus, ConversationAutomation, InboxAutomation, RuleTrigger
from .rules import RuleContext, rules_run

logger = logging.getLogger(__name__)
BATCH = 500


def _recipients(conversation: Conversation) -> list[int]:
    leads = get_user_model().objects.filter(is_active=True, agent_profile__role=Role.LEAD)
    if conversation.inbox.team_id:
        leads = leads.filter(teams=conversation.inbox.team_id)
    ids = list(leads.values_list("pk", flat=True))
    if conversation.assignee_id:
        ids.append(conversation.assignee_id)
    return sorted(set(ids))


def _waiting(now: datetime):
    return (
        Conversation.objects.filter(
            status=ConversationStatus.OPEN, first_response_at__isnull=True, created_at__lte=now, inbox__is_active=True
        )
        .exclude(automation__bot_status=BotStatus.ANSWERING)
        .select_related("inbox")
    )


def _alert(conversation: Conversation, *, kind: str, due: datetime) -> None:
    realtime.agents_publish(
        user_ids=_recipients(conversation),
        event=kind,
        conversation_id=conversation.pk,
        inbox_id=conversation.inbox_id,
        due_at=due.isoformat(),
        version=conversation.version,
    )


def _claim(conversation: Conversation, field: str, now: datetime) -> bool:
    """Mark the alert as sent; False when it already was (another run got there first)."""
    ConversationAutomation.objects.get_or_create(conversation=conversation)
    return bool(
        ConversationAutomation.objects.filter(conversation=conversation, **{f"{field}__isnull": True}).update(
            **{field: now, "updated_at": now}
        )
    )


def sla_alerts_check(*, now: datetime | None = None) -> dict[str, int]:
    """Send the due warnings and breach alerts; returns how many of each."""
    now = now or timezone.now()
    sent = {"sla_warning": 0, "sla_breached": 0}
    warn_share = {s.inbox_id: s.sla_warning_percent for s in InboxAutomation.objects.all()}
    candidates = (
        _waiting(now)
        .filter(Q(automation__isnull=True) | Q(automation__sla_breached_at__isnull=True))
        .order_by("created_at")
    )
    for conversation in candidates[:BATCH]:
        target = timedelta(seconds=conversation.inbox.first_response_target_seconds)
        due = conversation.created_at + target
        warn_at = conversation.created_at + target * warn_share.get(conversation.inbox_id, 80) / 100
        with transaction.atomic():
            if now >= due and _claim(conversation, "sla_breached_at", now):
                event_record(conversation=conversation, kind=EventKind.SLA_BREACHED, data={"target": "first_response"})
                _alert(conversation, kind="sla_breached", due=due)
                sent["sla_breached"] += 1
            elif warn_at <= now < due and _claim(conversation, "sla_warned_at", now):
                _alert(conversation, kind="sla_warning", due=due)
                rules_run(RuleContext(conversation=conversation, trigger=RuleTrigger.SLA_WARNING, at=now))
                sent["sla_warning"] += 1
    return sent
