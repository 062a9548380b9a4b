"""Who may see and act on what. Used by views, the API and websocket consumers alike.

Agents see the inboxes they are members of and everything in them; leads and admins see all.
Anything a user may not see is answered as if it did not exist (404).
"""

from django.db.models import QuerySet
from django.http import Http404

from crm.models import Contact

from .models import Conversation, Inbox, Message, Role


def user_role(user) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "agent_profile", None)
    return profile.role if profile is not None else Role.AGENT


def sees_everything(user) -> bool:
    return user_role(user) in (Role.LEAD, Role.ADMIN)


def visible_inboxes(user) -> QuerySet[Inbox]:
    if user_role(user) is None:
        return Inbox.objects.none()
    if sees_everything(user):
        return Inbox.objects.all()
    return Inbox.objects.filter(members=user)


def visible_conversations(user) -> QuerySet[Conversation]:
    if user_role(user) is None:
        return Conversation.objects.none()
    if sees_everything(user):
        return Conversation.objects.all()
    # A literal id list (one tiny query) lets PostgreSQL walk the (inbox, status, activity)
    # index; a subquery made it sort every conversation of the agent's inboxes.
    return Conversation.objects.filter(inbox_id__in=visible_inbox_ids(user))


REQUEST_SCOPED = "_webcare_request_scoped"


def visible_inbox_ids(user) -> list[int]:
    """The ids of the inboxes the user may see. Within one HTTP request (the user object is
    marked by `inbox.middleware`) they are looked up once; a websocket's user lives for hours,
    so there every check asks the database again (a removed member loses access at once)."""
    cached = getattr(user, "_webcare_inbox_ids", None)
    if cached is not None:
        return cached
    ids = list(visible_inboxes(user).values_list("id", flat=True))
    if getattr(user, REQUEST_SCOPED, False):
        user._webcare_inbox_ids = ids
    return ids


def visible_contacts(user) -> QuerySet[Contact]:
    """Agents see the contacts that have a conversation in one of their inboxes."""
    if user_role(user) is None:
        return Contact.objects.none()
    if sees_everything(user):
        return Contact.objects.all()
    return Contact.objects.filter(pk__in=visible_conversations(user).values("contact_id"))


def may_see_inbox(user, inbox_id: int) -> bool:
    return visible_inboxes(user).filter(pk=inbox_id).exists()


def may_see_conversation(user, conversation_id: int) -> bool:
    return visible_conversations(user).filter(pk=conversation_id).exists()


def access_inbox(user, inbox_id) -> Inbox:
    return _get_or_404(visible_inboxes(user), inbox_id)


def access_conversation(user, conversation_id) -> Conversation:
    return _get_or_404(visible_conversations(user).select_related("inbox", "contact", "assignee"), conversation_id)


def access_message(user, message_id) -> Message:
    """The message, if the user may see its conversation; `message.conversation` is that
    conversation as `access_conversation` fetches it."""
    message = _get_or_404(Message.objects.all(), message_id)
    message.conversation = access_conversation(user, message.conversation_id)
    return message


def access_contact(user, contact_id) -> Contact:
    """This very contact, if the user may see it (a merged one too: the API shows what it was)."""
    return _get_or_404(visible_contacts(user), contact_id)


def access_contact_or_survivor(user, contact_id) -> Contact:
    """The contact a page about `contact_id` shows: a merged contact is followed to the contact
    it was merged into, whose conversations it now has (if the user may see that one)."""
    try:
        contact = access_contact(user, contact_id)
    except Http404:
        survivor_id = (
            Contact.objects.filter(pk=row_id(contact_id) or 0, merged_into__isnull=False)
            .values_list("merged_into", flat=True)
            .first()
        )
        if survivor_id is None:
            raise
        return access_contact(user, survivor_id)
    if contact.merged_into_id:
        return access_contact(user, contact.merged_into_id)
    return contact


MAX_ID = 2**63 - 1  # the largest id a bigint column holds


def row_id(value) -> int | None:
    """An id someone sent (URL, query parameter, websocket frame) as a row id: an int or ASCII
    digits within a bigint, else None. Nothing else reaches the database as an id."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_ID else None


def _get_or_404(queryset: QuerySet, pk):
    number = row_id(pk)
    if number is None:
        raise Http404
    try:
        return queryset.get(pk=number)
    except queryset.model.DoesNotExist:
        raise Http404 from None
