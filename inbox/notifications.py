"""Desktop notifications for agents: which kinds each agent wants, and what to show for one.

The inbox websocket's events are hints (ids, no text). When one may concern the agent, the
page asks `notification_for` whether to notify and with what words; the answer follows the
agent's own choices (stored on their profile, all off until they opt in) and what they may see,
so the rules live here and not in the browser.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import TextChoices
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import access
from .mentions import display_name
from .models import AgentProfile, Direction, EventKind, Mention, Message


class NotificationKind(TextChoices):
    NEW_CONVERSATION = "new_conversation", _("New conversations in my inboxes")
    ASSIGNED = "assigned", _("A conversation assigned to me")
    MENTIONED = "mentioned", _("Someone mentions me in a note")
    CUSTOMER_REPLY = "customer_reply", _("A customer replies in my conversations")


PROFILE_FIELDS = {
    NotificationKind.NEW_CONVERSATION: "notify_new_conversation",
    NotificationKind.ASSIGNED: "notify_assigned",
    NotificationKind.MENTIONED: "notify_mentioned",
    NotificationKind.CUSTOMER_REPLY: "notify_customer_reply",
}


@dataclass(frozen=True)
class NotificationPreferences:
    kinds: frozenset[str]
    sound: bool

    def as_json(self) -> dict:
        return {"kinds": sorted(self.kinds), "sound": self.sound}


def notification_preferences(*, user) -> NotificationPreferences:
    profile = AgentProfile.objects.filter(user=user).first()
    if profile is None:
        return NotificationPreferences(kinds=frozenset(), sound=False)
    kinds = frozenset(kind for kind, name in PROFILE_FIELDS.items() if getattr(profile, name))
    return NotificationPreferences(kinds=frozenset(str(k) for k in kinds), sound=profile.notify_sound)


def notification_preferences_set(*, user, kinds, sound: bool) -> NotificationPreferences:
    """The agent's own choice of notifications (unknown kinds are ignored)."""
    wanted = {str(kind) for kind in kinds} & set(NotificationKind.values)
    values = {name: kind in wanted for kind, name in PROFILE_FIELDS.items()}
    with transaction.atomic():
        AgentProfile.objects.update_or_create(user=user, defaults={**values, "notify_sound": bool(sound)})
    return notification_preferences(user=user)


@dataclass(frozen=True)
class Notification:
    kind: str
    title: str
    body: str
    conversation_id: int
    tag: str  # the same tag in several tabs shows one notification


def notification_for(*, user, kind: str, conversation_id, message_id=None) -> Notification | None:
    """What to show `user` for an event of `kind` about a conversation, or None: the agent did
    not ask for this kind, may not see the conversation, or it does not concern them (another
    agent's conversation, an inbox they are not a member of, their own doing)."""
    if kind not in NotificationKind.values or kind not in notification_preferences(user=user).kinds:
        return None
    conversation = (
        access.visible_conversations(user)
        .select_related("contact", "inbox")
        .filter(pk=access.row_id(conversation_id) or 0)
        .first()
    )
    if conversation is None:
        return None
    customer = conversation.contact.name or conversation.contact.phone or conversation.contact.email
    customer = customer or gettext("Unknown customer")
    message = None
    if message_id is not None:
        message = Message.objects.filter(pk=access.row_id(message_id) or 0, conversation=conversation).first()
        if message is None:
            return None
    if kind == NotificationKind.NEW_CONVERSATION:
        if not conversation.inbox.members.filter(pk=user.pk).exists():
            return None  # leads see every inbox, but are told only about their own
        title = gettext("New conversation: %(customer)s") % {"customer": customer}
        body = conversation.last_message_preview
    elif kind == NotificationKind.ASSIGNED:
        if conversation.assignee_id != user.pk or _assigned_by(conversation) == user.pk:
            return None  # not theirs (any more), or they took it themselves
        title = gettext("Assigned to you: %(customer)s") % {"customer": customer}
        body = conversation.last_message_preview
    elif kind == NotificationKind.CUSTOMER_REPLY:
        if conversation.assignee_id != user.pk or message is None or message.direction != Direction.IN:
            return None
        title = gettext("%(customer)s replied") % {"customer": customer}
        body = _preview(message)
    else:
        mention = Mention.objects.filter(message=message, mentioned=user).select_related("author").first()
        if mention is None:
            return None
        author = display_name(mention.author) if mention.author else gettext("A colleague")
        title = gettext("%(author)s mentioned you") % {"author": author}
        body = _preview(message)
    return Notification(
        kind=kind,
        title=title,
        body=body,
        conversation_id=conversation.pk,
        tag=f"{kind}-{conversation.pk}-{message.pk if message else ''}",
    )


def _assigned_by(conversation) -> int | None:
    last = conversation.events.filter(kind=EventKind.ASSIGNED).order_by("-created_at", "-id").first()
    return last.actor_id if last else None


def _preview(message: Message) -> str:
    text = " ".join((message.text or "").split())
    return text[:140] or f"[{message.get_kind_display()}]"
