"""Reads for the agent inbox: the conversation list and the open conversation.

Each runs a fixed number of queries whatever the page size (select_related / prefetch_related),
and every read starts from `access.visible_conversations`, so nothing outside the agent's
inboxes can appear.
"""

from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from . import access, channel_registry, mentions
from .models import (
    Attachment,
    Availability,
    CannedResponse,
    Conversation,
    ConversationEvent,
    ConversationStatus,
    Inbox,
    Message,
    Tag,
    Team,
)

PAGE_SIZE = 30
MAX_PAGE = 10**6  # past it the offset is larger than any inbox, and overflows SQLite's LIMIT
VIEWS = ("all", "mine", "unassigned", "mentions")
SORTS = ("recent", "waiting")


@dataclass(frozen=True)
class ListFilters:
    view: str = "all"
    status: str = ConversationStatus.OPEN
    inbox: int | None = None
    channel: str = ""
    tag: str = ""
    team: int | None = None
    sort: str = "recent"
    page: int = 1

    @classmethod
    def from_query(cls, query) -> "ListFilters":
        def as_int(name):
            return access.row_id(query.get(name, ""))

        status = query.get("status", ConversationStatus.OPEN)
        return cls(
            view=query.get("view") if query.get("view") in VIEWS else "all",
            status=status if status in (*ConversationStatus.values, "any") else ConversationStatus.OPEN,
            inbox=as_int("inbox"),
            channel=query.get("channel", "")[:16],
            tag=query.get("tag", "")[:64],
            team=as_int("team"),
            sort=query.get("sort") if query.get("sort") in SORTS else "recent",
            page=min(as_int("page") or 1, MAX_PAGE),
        )

    def as_query(self, **changes) -> dict:
        """The filters as URL parameters (defaults left out), so a view can be bookmarked."""
        values = {**self.__dict__, **changes}
        defaults = {"view": "all", "sort": "recent", "page": 1}
        return {
            key: value
            for key, value in values.items()
            if value not in (None, "") and (key == "status" or defaults.get(key) != value)
        }

    def as_querystring(self, **changes) -> str:

        return urlencode(self.as_query(**changes))

    # For templates, which cannot pass arguments. Cached: every row of the list links with it.
    @cached_property
    def querystring(self) -> str:
        return self.as_querystring()

    @property
    def querystring_next(self) -> str:
        return self.as_querystring(page=self.page + 1)

    @property
    def querystring_previous(self) -> str:
        return self.as_querystring(page=max(self.page - 1, 1))

    def link(self, **changes) -> str:
        """A navigation link: these filters with some changed, back on page one."""
        return "?" + self.as_querystring(page=1, **changes)


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
    elif filters.view == "mentions":
        queryset = queryset.filter(pk__in=mentions.mentioned_conversation_ids(user)).annotate(
            mention_unread=mentions.unread_mention_exists(user)
        )
    if filters.status != "any":
        queryset = queryset.filter(status=filters.status)
    if filters.inbox:
        queryset = queryset.filter(inbox_id=filters.inbox)
    if filters.channel:
        queryset = queryset.filter(inbox__kind=filters.channel)
    if filters.tag:
        queryset = queryset.filter(tags__name=filters.tag)
    if filters.team:
        queryset = queryset.filter(team_id=filters.team)
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
        .select_related("author", "reply_to", "inbox")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("sent_at", "id")
    )


# Other apps add their own lines to a conversation's timeline (automation: the rules that ran),
# without the inbox importing them: a source returns [(time, type, item)] for a conversation.
_timeline_sources: list = []


def timeline_source_register(source) -> None:
    if source not in _timeline_sources:
        _timeline_sources.append(source)


def conversation_timeline(conversation: Conversation) -> list:
    """Messages and the system lines (assignment, status, registered sources) in one list,
    oldest first."""
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
    for source in _timeline_sources:
        items += [(kind, at, item) for at, kind, item in source(conversation)]
    items.sort(key=lambda item: item[1])
    kind_of_inbox = conversation.inbox.kind
    own = channel_registry.get(kind_of_inbox).message_template if channel_registry.known(kind_of_inbox) else None
    return [
        {"type": kind, "item": item, "template": own(item) if own and kind == "message" else ""}
        for kind, _, item in items
    ]


def _attach_assignee_names(events: list[ConversationEvent]) -> None:
    """Names for the system lines, in translated words, at most two more queries."""
    ids = {e.data.get("to") for e in events if e.kind == "assigned" and e.data.get("to")}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)} if ids else {}
    team_ids = {e.data.get("to") for e in events if e.kind == "team_changed" and e.data.get("to")}
    teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name")) if team_ids else {}
    status_labels = dict(ConversationStatus.choices)
    for event in events:
        user = users.get(event.data.get("to")) if event.kind == "assigned" else None
        event.assignee_name = (user.get_full_name() or user.get_username()) if user else ""
        event.team_name = teams.get(event.data.get("to"), "") if event.kind == "team_changed" else ""
        event.status_label = status_labels.get(event.data.get("to"), event.data.get("to", ""))


def contact_other_conversations(*, user, conversation: Conversation, limit: int = 20) -> list[Conversation]:
    return list(
        access.visible_conversations(user)
        .filter(contact_id=conversation.contact_id)
        .exclude(pk=conversation.pk)
        .select_related("inbox")
        .order_by("-last_message_at")[:limit]
    )


def unread_total(*, user) -> int:
    """Open conversations with customer messages no agent has seen: the tab title's number."""
    return (
        access.visible_conversations(user).filter(status=ConversationStatus.OPEN, unread_count__gt=0).order_by().count()
    )


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    current: bool
    count: int | None = None
    kind: str = ""  # channel kind (for the icon) or status
    demo: bool = False  # a demo inbox (simulated platform): badged as such


def navigation(*, user, filters: ListFilters) -> dict:
    """The navigation pane: views, statuses, channels, inboxes, teams and tags, each a link
    that keeps the other filters (so "Mine" inside "WhatsApp" stays in WhatsApp), and the
    number of conversations with unread messages (and with unread mentions of the user). Counts:
    open conversations per view and per channel, and conversations per status. Seven queries."""

    inboxes = list(access.visible_inboxes(user).order_by("name"))
    everything = access.visible_conversations(user).order_by()
    visible = everything.filter(status=ConversationStatus.OPEN)
    counts = visible.aggregate(
        all=Count("id"),
        mine=Count("id", filter=Q(assignee=user)),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
        unread=Count("id", filter=Q(unread_count__gt=0)),
    )
    per_status = dict(everything.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    per_channel = dict(visible.values_list("inbox__kind").annotate(n=Count("id")).values_list("inbox__kind", "n"))
    views = [("mine", _("Mine")), ("unassigned", _("Unassigned")), ("all", _("All"))]
    counts["mentions"] = mentions.unread_mention_count(user=user)
    channels = [(channel.kind, str(channel.label)) for channel in channel_registry.channels()]
    kinds_present = {inbox.kind for inbox in inboxes}
    return {
        "nav_views": [
            *(
                NavLink(label, filters.link(view=value), filters.view == value, counts[value], kind=value)
                for value, label in views
            ),
            # Mentions of any status: a note can name you in a conversation resolved since.
            NavLink(
                _("Mentions"),
                filters.link(view="mentions", status="any"),
                filters.view == "mentions",
                counts["mentions"],
                kind="mentions",
            ),
        ],
        "nav_statuses": [
            NavLink(
                str(label),
                filters.link(status=value),
                filters.status == value,
                per_status.get(value, 0) if value != "any" else None,
                kind=value,
            )
            for value, label in [*ConversationStatus.choices, ("any", _("Any status"))]
        ],
        "nav_channels": [
            NavLink(
                label,
                filters.link(channel="" if filters.channel == value else value),
                filters.channel == value,
                per_channel.get(value, 0),
                kind=value,
            )
            for value, label in channels
            if value in kinds_present
        ],
        "nav_inboxes": [
            NavLink(
                inbox.name,
                filters.link(inbox=None if filters.inbox == inbox.pk else inbox.pk),
                filters.inbox == inbox.pk,
                kind=inbox.kind,
                demo=inbox.demo,
            )
            for inbox in inboxes
        ],
        "nav_teams": [
            NavLink(team.name, filters.link(team=None if filters.team == team.pk else team.pk), filters.team == team.pk)
            for team in Team.objects.order_by("name")
        ],
        "nav_tags": [
            NavLink(tag.name, filters.link(tag="" if filters.tag == tag.name else tag.name), filters.tag == tag.name)
            for tag in Tag.objects.order_by("name")[:30]
        ],
        "nav_sorts": [
            NavLink(_("Newest activity"), filters.link(sort="recent"), filters.sort == "recent"),
            NavLink(_("Oldest waiting"), filters.link(sort="waiting"), filters.sort == "waiting"),
        ],
        "inboxes": inboxes,
        "unread_total": counts["unread"],
        "needs_reauth": [inbox for inbox in inboxes if inbox.needs_reauth],
    }


def assignable_agents(*, user) -> list:
    """Agents who share an inbox with the user, with their status: the bulk bar's assignee
    choices and the sidebar's list of who is online."""
    inbox_ids = list(access.visible_inboxes(user).values_list("id", flat=True))
    return list(
        get_user_model()
        .objects.filter(is_active=True, inboxes__in=inbox_ids)
        .select_related("agent_profile")
        .distinct()
        .order_by("username")
    )


AVAILABILITY_ORDER = {Availability.ONLINE: 0, Availability.AWAY: 1, Availability.OFFLINE: 2}


def colleagues_by_availability(members: list) -> list:
    """The sidebar's order: online first, then away, then offline, by name within each."""

    def status(user) -> str:
        profile = getattr(user, "agent_profile", None)
        return profile.availability if profile is not None else Availability.OFFLINE

    return sorted(members, key=lambda u: (AVAILABILITY_ORDER.get(status(u), 3), (u.get_full_name() or u.username)))


def canned_responses(*, user, inbox: Inbox | None, query: str = "", limit: int = 20) -> list[CannedResponse]:
    """Canned responses for this inbox (or for any of the user's inboxes), matching the typed
    shortcut or words. Those meant for other inboxes stay out of sight."""
    found = CannedResponse.objects.all()
    if inbox is not None:
        found = found.filter(Q(inboxes=None) | Q(inboxes=inbox))
    else:
        found = found.filter(Q(inboxes=None) | Q(inboxes__in=access.visible_inboxes(user)))
    query = query.strip().lstrip("/")
    if query:
        found = found.filter(Q(shortcut__istartswith=query) | Q(title__icontains=query) | Q(text__icontains=query))
    return list(found.distinct().order_by("shortcut")[:limit])


def message_templates(inbox: Inbox) -> list:
    """The inbox's approved templates for the composer's picker (channels that have templates)."""
    templates = channel_registry.get(inbox.kind).templates
    return list(templates(inbox)) if templates else []


def conversation_source(conversation: Conversation) -> dict | None:
    """Where the conversation came from, for the contact panel: an ad (WhatsApp / Messenger
    referral), an m.me link, or the web page the live chat was opened on. Only http(s) links."""
    source = conversation.source or {}
    if not source:
        return None
    url = next(
        (str(source[key]) for key in ("source_url", "page", "url") if str(source.get(key, "")).startswith("http")),
        "",
    )
    label = str(source.get("headline") or source.get("ref") or source.get("source_id") or url or "")
    return {"label": label[:200], "url": url, "ad": bool(source.get("headline") or source.get("ctwa_clid"))}


def inbox_online_agents(inbox: Inbox) -> QuerySet:
    """Active users who answer this inbox (its members and its team's) and are online now: who
    auto-assignment may pick and whom the widget names."""
    members = Q(inboxes=inbox)
    if inbox.team_id:
        members |= Q(teams=inbox.team_id)
    return (
        get_user_model()
        .objects.filter(members, is_active=True, agent_profile__availability=Availability.ONLINE)
        .distinct()
    )


def team_availability() -> QuerySet:
    """Every active agent with a profile, with status, when and why it last changed, and when an
    inbox tab of theirs was last seen: the leads' team page."""
    return (
        get_user_model()
        .objects.filter(is_active=True, agent_profile__isnull=False)
        .select_related("agent_profile")
        .prefetch_related("inboxes")
        .order_by("first_name", "username")
    )
