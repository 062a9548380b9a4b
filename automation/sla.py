"""Service-level alerts: warn live before and when a conversation breaches its first-response
target (`Inbox.first_response_target_seconds`, counted from the conversation's start) or its
next-response target (`Inbox.next_response_target_seconds`, counted from the first customer
message after the latest human reply; no target set: no next-response alerts).

A periodic task (every 30 s) finds conversations still waiting for a human's answer past the
inbox's warning share of the target, and again past the target. Each alert goes once per wait
(claimed by a conditional UPDATE, so two workers never both send it) to the assignee and the
leads of the inbox's team (all leads when the inbox has no team), as a realtime event the inbox
UI shows. A breach is also recorded as an `sla_breached` event naming the target.
"""

import logging
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from inbox.events import event_record
from inbox.models import (
    Conversation,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    EventKind,
    Message,
    MessageKind,
    Role,
    SenderType,
)
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


def _alert(conversation: Conversation, *, kind: str, due: datetime, target: str = "first_response") -> None:
    realtime.agents_publish(
        user_ids=_recipients(conversation),
        event=kind,
        conversation_id=conversation.pk,
        inbox_id=conversation.inbox_id,
        due_at=due.isoformat(),
        target=target,
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
    for kind, count in next_response_alerts_check(now=now, warn_share=warn_share).items():
        sent[kind] += count
    return sent


# docs/kpis.md, "Common rules": a human reply and a customer message (surveys aside, which only
# follow a resolution, when no clock runs).
_HUMAN_REPLY = (
    Q(direction=Direction.OUT, sender_type=SenderType.AGENT, private=False)
    & ~Q(kind=MessageKind.REACTION)
    & ~Q(status=DeliveryStatus.FAILED)
)
_CUSTOMER_MESSAGE = Q(direction=Direction.IN, sender_type=SenderType.CONTACT) & ~Q(kind=MessageKind.REACTION)


def _waiting_for_next_response(now: datetime):
    """Open conversations answered before whose customer wrote again after the latest human
    reply, with `waiting_since`: that customer's first message since the reply."""
    last_reply = (
        Message.objects.filter(_HUMAN_REPLY, conversation=OuterRef("pk"))
        .values("conversation")
        .annotate(at=Max("sent_at"))
        .values("at")
    )
    since = (
        Message.objects.filter(_CUSTOMER_MESSAGE, conversation=OuterRef("pk"), sent_at__gt=OuterRef("last_reply"))
        .values("conversation")
        .annotate(at=Min("sent_at"))
        .values("at")
    )
    return (
        Conversation.objects.filter(
            status=ConversationStatus.OPEN,
            first_response_at__isnull=False,
            inbox__is_active=True,
            inbox__next_response_target_seconds__isnull=False,
            last_customer_message_at__gt=F("first_response_at"),
        )
        .exclude(automation__bot_status=BotStatus.ANSWERING)
        .annotate(last_reply=Subquery(last_reply))
        .annotate(waiting_since=Subquery(since))
        .filter(waiting_since__isnull=False, waiting_since__lte=now)
        .select_related("inbox")
    )


def _claim_wait(conversation: Conversation, field: str, waiting_since: datetime) -> bool:
    """Mark the alert as sent for this wait (the customer message that started it); False when
    it already was."""
    ConversationAutomation.objects.get_or_create(conversation=conversation)
    unsent = Q(**{f"{field}__isnull": True}) | ~Q(**{field: waiting_since})
    return bool(
        ConversationAutomation.objects.filter(unsent, conversation=conversation).update(
            **{field: waiting_since, "updated_at": timezone.now()}
        )
    )


def next_response_alerts_check(*, now: datetime, warn_share: dict[int, int]) -> dict[str, int]:
    """Warnings and breach alerts of the next-response clocks, once per wait."""
    sent = {"sla_warning": 0, "sla_breached": 0}
    already_breached = Exists(
        ConversationAutomation.objects.filter(conversation=OuterRef("pk"), next_breached_for=OuterRef("waiting_since"))
    )
    candidates = _waiting_for_next_response(now).filter(~already_breached).order_by("waiting_since")
    for conversation in candidates[:BATCH]:
        target = timedelta(seconds=conversation.inbox.next_response_target_seconds)
        due = conversation.waiting_since + target
        warn_at = conversation.waiting_since + target * warn_share.get(conversation.inbox_id, 80) / 100
        with transaction.atomic():
            if now >= due and _claim_wait(conversation, "next_breached_for", conversation.waiting_since):
                event_record(conversation=conversation, kind=EventKind.SLA_BREACHED, data={"target": "next_response"})
                _alert(conversation, kind="sla_breached", due=due, target="next_response")
                sent["sla_breached"] += 1
            elif warn_at <= now < due and _claim_wait(conversation, "next_warned_for", conversation.waiting_since):
                _alert(conversation, kind="sla_warning", due=due, target="next_response")
                rules_run(RuleContext(conversation=conversation, trigger=RuleTrigger.SLA_WARNING, at=now))
                sent["sla_warning"] += 1
    return sent
