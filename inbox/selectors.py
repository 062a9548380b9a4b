"""Reads for the agent inbox: the conversation list and the open conversation.

Each runs a fixed number of queries whatever the page size (select_related / prefetch_related),
and every read starts from `access.visible_conversations`, so nothing outside the agent's
inboxes can appear.
"""

from dataclasses import dataclass, field

from django.db.models import F, Prefetch, QuerySet

from . import access
from .models import Attachment, Conversation, ConversationEvent, ConversationStatus, Message, Tag

PAGE_SIZE = 30
VIEWS = ("all", "mine", "unassigned")
SORTS = ("recent", "waiting")


@dataclass(frozen=True)
class ListFilters:
    view: str = "all"
    status: str = ConversationStatus.OPEN
    inbox: int | None = None
    channel: str = ""
    tag: str = ""
    sort: str = "recent"
    page: int = 1

    @classmethod
    def from_query(cls, query) -> "ListFilters":
        def as_int(name):
            value = query.get(name, "")
            return int(value) if value.isdigit() else None

        status = query.get("status", ConversationStatus.OPEN)
        return cls(
            view=query.get("view") if query.get("view") in VIEWS else "all",
            status=status if status in (*ConversationStatus.values, "any") else ConversationStatus.OPEN,
            inbox=as_int("inbox"),
            channel=query.get("channel", "")[:16],
            tag=query.get("tag", "")[:64],
            sort=query.get("sort") if query.get("sort") in SORTS else "recent",
            page=max(as_int("page") or 1, 1),
        )

    def as_query(self, **changes) -> dict:
        values = {**self.__dict__, **changes}
        return {key: value for key, value in values.items() if value not in (None, "", 1) or key == "status"}


@dataclass
class ConversationPage:
    conversations: list = field(default_factory=list)
    has_next: bool = False


def conversation_list(*, user, filters: ListFilters) -> ConversationPage:
    queryset = access.visible_conversations(user)
    if filters.view == "mine":
        queryset = queryset.filter(assignee=user)
    elif filters.view == "unassigned":
        queryset = queryset.filter(assignee__isnull=True)
    if filters.status != "any":
        queryset = queryset.filter(status=filters.status)
    if filters.inbox:
        queryset = queryset.filter(inbox_id=filters.inbox)
    if filters.channel:
        queryset = queryset.filter(inbox__kind=filters.channel)
    if filters.tag:
        queryset = queryset.filter(tags__name=filters.tag)
    if filters.sort == "waiting":
        ordering = [F("last_customer_message_at").asc(nulls_last=True), "id"]
    else:
        # Plain DESC so PostgreSQL reads the (status, -last_message_at) index instead of
        # sorting every row (ingest sets last_message_at when it creates a conversation).
        ordering = ["-last_message_at", "-id"]
    offset = (filters.page - 1) * PAGE_SIZE
    rows = list(
        queryset.select_related("inbox", "contact", "assignee")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name", "color")))
        .order_by(*ordering)[offset : offset + PAGE_SIZE + 1]
    )
    return ConversationPage(conversations=rows[:PAGE_SIZE], has_next=len(rows) > PAGE_SIZE)


def conversation_messages(conversation: Conversation) -> QuerySet[Message]:
    return (
        Message.objects.filter(conversation=conversation)
        .select_related("author", "reply_to")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("sent_at", "id")
    )


def conversation_timeline(conversation: Conversation) -> list:
    """Messages and the system lines (assignment, status) in one list, oldest first."""
    messages = list(conversation_messages(conversation))
    events = list(
        ConversationEvent.objects.filter(
            conversation=conversation, kind__in=["assigned", "status_changed", "reopened", "team_changed"]
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    _attach_assignee_names(events)
    items = [("message", m.sent_at, m) for m in messages] + [("event", e.created_at, e) for e in events]
    items.sort(key=lambda item: item[1])
    return [{"type": kind, "item": item} for kind, _, item in items]


def _attach_assignee_names(events: list[ConversationEvent]) -> None:
    from django.contrib.auth import get_user_model

    ids = {e.data.get("to") for e in events if e.kind == "assigned" and e.data.get("to")}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)} if ids else {}
    for event in events:
        user = users.get(event.data.get("to"))
        event.assignee_name = (user.get_full_name() or user.get_username()) if user else ""


def contact_other_conversations(*, user, conversation: Conversation, limit: int = 20) -> list[Conversation]:
    return list(
        access.visible_conversations(user)
        .filter(contact_id=conversation.contact_id)
        .exclude(pk=conversation.pk)
        .select_related("inbox")
        .order_by("-last_message_at")[:limit]
    )
