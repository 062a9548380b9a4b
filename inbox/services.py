"""Writes on conversations made by agents: status, assignment, tags, priority.

Each change is recorded as a ConversationEvent and announced after commit.
"""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel import realtime
from kernel.refusals import Refused
from kernel.tasks import enqueue_on_commit

from . import access, channel_registry, hooks
from .events import event_record
from .mentions import mentions_read
from .models import (
    AgentProfile,
    Conversation,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    EventKind,
    Inbox,
    Message,
    Priority,
    Tag,
    Team,
)
from .tags import may_create_tags, tag_name_clean

logger = logging.getLogger(__name__)


class ConversationChangeRefused(Refused):
    code = "change_refused"


_UNSET = object()


def conversation_update(
    *,
    conversation: Conversation,
    actor,
    status=_UNSET,
    assignee=_UNSET,
    tags=_UNSET,
    priority=_UNSET,
    team=_UNSET,
    snoozed_until=None,
) -> Conversation:
    """Change what the agent asked to change, in one transaction; record every change."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        changed = False
        if status is not _UNSET and status != conversation.status:
            old_status = conversation.status
            _set_status(conversation, status, actor=actor, snoozed_until=snoozed_until)
            conversation_id = conversation.pk
            transaction.on_commit(lambda: hooks.status_changed(conversation_id, old_status, status))
            changed = True
        published = {}
        if assignee is not _UNSET and (assignee.pk if assignee else None) != conversation.assignee_id:
            _set_assignee(conversation, assignee, actor=actor)
            # Who it went to and who did it: the new assignee's page may notify them.
            published = {"assignee_id": conversation.assignee_id, "assigned_by": getattr(actor, "pk", None)}
            changed = True
        if team is not _UNSET and (team.pk if team else None) != conversation.team_id:
            event_record(
                conversation=conversation,
                kind=EventKind.TEAM_CHANGED,
                actor=actor,
                data={"from": conversation.team_id, "to": team.pk if team else None},
            )
            conversation.team = team
            changed = True
        if priority is not _UNSET and priority != conversation.priority:
            if priority not in Priority.values:
                raise ConversationChangeRefused(
                    _("Unknown priority '{priority}'."), code="priority_unknown", priority=priority
                )
            event_record(
                conversation=conversation,
                kind=EventKind.PRIORITY_CHANGED,
                actor=actor,
                data={"from": conversation.priority, "to": priority},
            )
            conversation.priority = priority
            changed = True
        if tags is not _UNSET:
            changed = _set_tags(conversation, tags, actor=actor) or changed
        if changed:
            conversation.version += 1
            conversation.save()
            _publish_updated(conversation, **published)
    return conversation


def _publish_updated(conversation: Conversation, **fields) -> None:
    realtime.conversation_publish(
        inbox_id=conversation.inbox_id,
        conversation_id=conversation.pk,
        event="conversation_updated",
        version=conversation.version,
        **fields,
    )


def conversation_seen(*, conversation: Conversation, agent, opened: bool = True) -> bool:
    """An agent opened the conversation (`opened`) or is looking at it while a new message
    arrives: nothing in it is unread any more (for the whole team), and the channel may tell
    the customer (WhatsApp blue ticks, Messenger mark_seen; each per-inbox setting, best
    effort). Returns True if unread messages were cleared."""

    now = timezone.now()
    with transaction.atomic():
        cleared = Conversation.objects.filter(pk=conversation.pk, unread_count__gt=0).update(
            unread_count=0, agent_last_seen_at=now
        )
        if not cleared:
            Conversation.objects.filter(pk=conversation.pk).update(agent_last_seen_at=now)
        if cleared:
            realtime.conversation_publish(
                inbox_id=conversation.inbox_id, conversation_id=conversation.pk, event="conversation_read"
            )
    conversation.unread_count, conversation.agent_last_seen_at = 0, now
    # The agent's own mentions in it are read too (the Mentions view marks the unread ones).
    cleared = mentions_read(conversation=conversation, agent=agent) > 0 or cleared
    if not (opened or cleared):
        return False
    try:
        opened = channel_registry.for_inbox(conversation.inbox).conversation_opened
    except channel_registry.SendError:
        opened = None
    if opened is not None:
        try:
            opened(conversation)
        except Exception:  # read receipts are a courtesy: never break opening a conversation
            logger.exception("conversation_opened hook failed for conversation %s", conversation.pk)
    return bool(cleared)


def conversation_agent_typing(*, conversation: Conversation, agent) -> None:
    """An agent is typing a reply: the channel may show the customer a typing indicator (the
    widget's "Anna is typing", Messenger's `typing_on`, throttled by the channel). Best effort."""

    try:
        typing = channel_registry.for_inbox(conversation.inbox).agent_typing
    except channel_registry.SendError:
        typing = None
    if typing is None:
        return
    try:
        typing(conversation, agent)
    except Exception:  # a courtesy: never an error for the agent
        logger.exception("agent_typing hook failed for conversation %s", conversation.pk)


def team_by_id(team_id) -> Team | None:
    if team_id in (None, ""):
        return None
    try:
        return Team.objects.get(pk=int(team_id))
    except (ValueError, Team.DoesNotExist):
        raise ConversationChangeRefused(_("Unknown team."), code="team_unknown") from None


def snooze_default_until(*, now=None) -> datetime:
    """Until when "Snoozed" with no time given lasts: tomorrow at 09:00 on the agent's clock
    (the active time zone)."""
    local = timezone.localtime(now or timezone.now())
    tomorrow = local.date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(9, 0), tzinfo=local.tzinfo)


def snoozed_conversations_wake(*, now=None) -> int:
    """Snoozed conversations whose time has come are open again, each with a system line."""
    now = now or timezone.now()
    woken = 0
    due = Conversation.objects.filter(status=ConversationStatus.SNOOZED, snoozed_until__lte=now)
    for conversation_id in due.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            conversation = (
                Conversation.objects.select_for_update()
                .filter(pk=conversation_id, status=ConversationStatus.SNOOZED, snoozed_until__lte=now)
                .first()
            )
            if conversation is None:
                continue  # an agent or a customer message got there first
            event_record(
                conversation=conversation,
                kind=EventKind.STATUS_CHANGED,
                data={"from": ConversationStatus.SNOOZED, "to": ConversationStatus.OPEN, "reason": "snooze_ended"},
            )
            conversation.status = ConversationStatus.OPEN
            conversation.snoozed_until = None
            conversation.version += 1
            conversation.save(update_fields=["status", "snoozed_until", "version", "updated_at"])
            _publish_updated(conversation)
            woken += 1
    return woken


def message_retry(*, message: Message, actor) -> Message:
    """Send a failed reply again: back into the outbox as pending, delivered by the worker."""
    from .tasks import message_deliver_task

    with transaction.atomic():
        updated = Message.objects.filter(
            pk=message.pk, direction=Direction.OUT, private=False, status=DeliveryStatus.FAILED
        ).update(
            status=DeliveryStatus.PENDING,
            error="",
            error_code="",
            attempts=0,
            next_attempt_at=timezone.now(),
            claimed_until=None,
            updated_at=timezone.now(),
        )
        if not updated:
            raise ConversationChangeRefused(_("Only a failed reply can be sent again."), code="retry_not_failed")
        logger.info("message %s queued again by %s", message.pk, getattr(actor, "pk", None))
        enqueue_on_commit(message_deliver_task, message.pk)
        realtime.conversation_publish(
            inbox_id=message.inbox_id,
            conversation_id=message.conversation_id,
            event="message_updated",
            message_id=message.pk,
        )
    message.refresh_from_db()
    return message


def _set_status(conversation: Conversation, status: str, *, actor, snoozed_until) -> None:
    if status not in ConversationStatus.values:
        raise ConversationChangeRefused(_("Unknown status '{status}'."), code="status_unknown", status=status)
    now = timezone.now()
    event_record(
        conversation=conversation,
        kind=EventKind.STATUS_CHANGED,
        actor=actor,
        data={"from": conversation.status, "to": status},
    )
    conversation.status = status
    conversation.snoozed_until = snoozed_until if status == ConversationStatus.SNOOZED else None
    if status == ConversationStatus.RESOLVED:
        conversation.resolved_at = now
        conversation_id = conversation.pk
        transaction.on_commit(lambda: hooks.conversation_resolved(conversation_id))
    if status == ConversationStatus.CLOSED:
        conversation.closed_at = now
        conversation.resolved_at = conversation.resolved_at or now


def _set_assignee(conversation: Conversation, assignee, *, actor) -> None:
    if assignee is not None and not access.may_see_inbox(assignee, conversation.inbox_id):
        raise ConversationChangeRefused(
            _("That agent is not a member of this conversation's inbox."), code="assignee_not_member"
        )
    event_record(
        conversation=conversation,
        kind=EventKind.ASSIGNED,
        actor=actor,
        data={"from": conversation.assignee_id, "to": assignee.pk if assignee else None},
    )
    conversation.assignee = assignee


def _set_tags(conversation: Conversation, names, *, actor) -> bool:
    wanted = {tag_name_clean(name) for name in names if name and name.strip()}
    current = set(conversation.tags.values_list("name", flat=True))
    unknown = sorted(wanted - current - set(Tag.objects.filter(name__in=wanted).values_list("name", flat=True)))
    if unknown and not may_create_tags(actor):
        raise ConversationChangeRefused(
            _("“{name}” is not one of the tags. Pick one from the list (team leads add new tags)."),
            code="tag_unknown",
            name=unknown[0],
        )
    for name in sorted(wanted - current):
        tag, _created = Tag.objects.get_or_create(name=name)
        conversation.tags.add(tag)
        event_record(conversation=conversation, kind=EventKind.TAG_ADDED, actor=actor, data={"tag": name})
    for name in sorted(current - wanted):
        conversation.tags.remove(Tag.objects.get(name=name))
        event_record(conversation=conversation, kind=EventKind.TAG_REMOVED, actor=actor, data={"tag": name})
    return wanted != current


def assignee_by_id(user_id) -> object | None:
    if user_id in (None, ""):
        return None
    User = get_user_model()
    try:
        return User.objects.get(pk=int(user_id), is_active=True)
    except (ValueError, User.DoesNotExist):
        raise ConversationChangeRefused(_("Unknown agent."), code="agent_unknown") from None


def inbox_credentials_rejected(*, inbox_id: int, reason: str = "") -> bool:
    """The platform refused the inbox's token (expired, revoked): flag it for an admin to
    enter new credentials. Returns True if this changed the flag."""
    changed = Inbox.objects.filter(pk=inbox_id, needs_reauth=False).update(needs_reauth=True, updated_at=timezone.now())
    if changed:
        logger.warning("inbox %s needs new credentials: %s", inbox_id, reason)
    return bool(changed)


def agent_language_set(*, user, language: str) -> str:
    """Remember the agent's UI language; empty follows the browser's."""

    language = language if language in dict(settings.LANGUAGES) else ""
    AgentProfile.objects.update_or_create(user=user, defaults={"language": language})
    return language
