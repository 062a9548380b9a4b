"""@mentions in private notes: who may be named, recording who named whom in which note, and
reading them back (the "Mentions" view, the API).

A mention is written as `@` and the colleague's name (or username) in a private note. The
composer's picker offers only agents who may see the conversation, and the server checks the
same rule again when the note is stored: text that names anyone else mentions no one.
"""

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kernel import realtime

from . import access
from .models import Conversation, Mention, Message, Role

MAX_CANDIDATES = 8


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def mentionable_agents(*, conversation: Conversation, author=None, query: str = "") -> QuerySet:
    """Active users who may see the conversation (its inbox's members, leads and admins), the
    author left out, filtered by the start of any part of their name or username."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(inboxes=conversation.inbox_id) | Q(is_superuser=True) | Q(agent_profile__role__in=[Role.LEAD, Role.ADMIN])
        )
        .distinct()
    )
    if author is not None:
        users = users.exclude(pk=author.pk)
    query = query.strip()
    if query:
        users = users.filter(
            Q(first_name__istartswith=query)
            | Q(last_name__istartswith=query)
            | Q(username__istartswith=query)
            | Q(first_name__icontains=" " + query)
        )
    return users.order_by("first_name", "last_name", "username")


def _names_in(text: str, user) -> bool:
    for name in {display_name(user), user.get_username()}:
        if name and re.search(r"(?:^|(?<=[\s(\[]))@" + re.escape(name) + r"(?![\w-])", text, re.IGNORECASE):
            return True
    return False


def mentions_record(*, message: Message, author) -> list[Mention]:
    """The colleagues a private note names with @, stored and told after commit. Call inside
    the transaction that stores the note."""
    if not message.private or "@" not in (message.text or ""):
        return []
    conversation = message.conversation
    named = [
        user for user in mentionable_agents(conversation=conversation, author=author) if _names_in(message.text, user)
    ]
    mentions = [
        Mention.objects.create(message=message, conversation=conversation, mentioned=user, author=author)
        for user in named
    ]
    if mentions:
        realtime.agents_publish(
            user_ids=[m.mentioned_id for m in mentions],
            event="mention_created",
            conversation_id=conversation.pk,
            message_id=message.pk,
        )
    return mentions


def mentions_read(*, conversation: Conversation, agent) -> int:
    """The agent has the conversation open: their mentions in it are read."""
    with transaction.atomic():
        return Mention.objects.filter(conversation=conversation, mentioned=agent, read_at__isnull=True).update(
            read_at=timezone.now(), updated_at=timezone.now()
        )


def mentioned_conversation_ids(user):
    """A subquery of the conversations the user was mentioned in."""
    return Mention.objects.filter(mentioned=user).values("conversation_id")


def unread_mention_exists(user):
    return Exists(Mention.objects.filter(conversation=OuterRef("pk"), mentioned=user, read_at__isnull=True))


def unread_mention_count(*, user) -> int:
    """Conversations (that the user may still see) with a mention of the user not yet read."""
    return (
        access.visible_conversations(user)
        .filter(pk__in=Mention.objects.filter(mentioned=user, read_at__isnull=True).values("conversation_id"))
        .order_by()
        .count()
    )


def mentions_of(*, user) -> QuerySet[Mention]:
    """The user's mentions in conversations they may see, newest first."""
    return (
        Mention.objects.filter(mentioned=user, conversation__in=access.visible_conversations(user))
        .select_related("author", "message", "conversation")
        .order_by("-created_at", "-id")
    )
