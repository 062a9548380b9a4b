"""Writes on conversations made by agents: status, assignment, tags, priority.

Each change is recorded as a ConversationEvent and announced after commit.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import access, realtime
from .events import event_record
from .models import Conversation, ConversationStatus, EventKind, Inbox, Priority, Tag

logger = logging.getLogger(__name__)


class ConversationChangeRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_UNSET = object()


def conversation_update(
    *,
    conversation: Conversation,
    actor,
    status=_UNSET,
    assignee=_UNSET,
    tags=_UNSET,
    priority=_UNSET,
    snoozed_until=None,
) -> Conversation:
    """Change what the agent asked to change, in one transaction; record every change."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        changed = False
        if status is not _UNSET and status != conversation.status:
            _set_status(conversation, status, actor=actor, snoozed_until=snoozed_until)
            changed = True
        if assignee is not _UNSET and (assignee.pk if assignee else None) != conversation.assignee_id:
            _set_assignee(conversation, assignee, actor=actor)
            changed = True
        if priority is not _UNSET and priority != conversation.priority:
            if priority not in Priority.values:
                raise ConversationChangeRefused(f"Unknown priority '{priority}'.")
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
            groups = [realtime.inbox_group(conversation.inbox_id), realtime.conversation_group(conversation.pk)]
            if conversation.assignee_id:
                groups.append(realtime.agent_group(conversation.assignee_id))
            realtime.publish_on_commit(
                groups, "conversation_updated", conversation_id=conversation.pk, version=conversation.version
            )
    return conversation


def _set_status(conversation: Conversation, status: str, *, actor, snoozed_until) -> None:
    if status not in ConversationStatus.values:
        raise ConversationChangeRefused(f"Unknown status '{status}'.")
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
    if status == ConversationStatus.CLOSED:
        conversation.closed_at = now
        conversation.resolved_at = conversation.resolved_at or now


def _set_assignee(conversation: Conversation, assignee, *, actor) -> None:
    if assignee is not None and not access.may_see_inbox(assignee, conversation.inbox_id):
        raise ConversationChangeRefused("That agent is not a member of this conversation's inbox.")
    event_record(
        conversation=conversation,
        kind=EventKind.ASSIGNED,
        actor=actor,
        data={"from": conversation.assignee_id, "to": assignee.pk if assignee else None},
    )
    conversation.assignee = assignee


def _set_tags(conversation: Conversation, names, *, actor) -> bool:
    wanted = {name.strip().lower() for name in names if name and name.strip()}
    current = set(conversation.tags.values_list("name", flat=True))
    for name in sorted(wanted - current):
        tag, _ = Tag.objects.get_or_create(name=name)
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
        raise ConversationChangeRefused("Unknown agent.") from None


def inbox_credentials_rejected(*, inbox_id: int, reason: str = "") -> bool:
    """The platform refused the inbox's token (expired, revoked): flag it for an admin to
    enter new credentials. Returns True if this changed the flag."""
    changed = Inbox.objects.filter(pk=inbox_id, needs_reauth=False).update(needs_reauth=True, updated_at=timezone.now())
    if changed:
        logger.warning("inbox %s needs new credentials: %s", inbox_id, reason)
    return bool(changed)
