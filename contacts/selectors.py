"""Reads of the CRM: the contact list with its search and filters, a contact's timeline and
conversations, merge suggestions. Everything is scoped by `inbox.access.visible_contacts`:

**Who sees which contact.** Leads and admins see every contact. An agent sees a contact when
the contact has at least one conversation in one of the agent's inboxes (then they see the
whole contact: details, notes, tags and identities on every channel, so they never ask twice),
but of the timeline only the conversations of inboxes they may see. A contact without any
conversation (e.g. imported) is visible to leads and admins only. Anything else is a 404.
"""

from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from crm import keys
from crm.models import (
    Contact,
    ContactEmail,
    ContactIdentity,
    ContactMerge,
    ContactPhone,
    MergeSuggestion,
    SuggestionStatus,
)
from crm.phones import phone_candidates
from inbox import access
from inbox.models import Message

PAGE_SIZE = 50


@dataclass(frozen=True)
class ContactFilters:
    q: str = ""
    channel: str = ""
    tag: str = ""
    open: bool = False
    created_from: date | None = None
    created_to: date | None = None
    page: int = 1

    @classmethod
    def from_query(cls, query) -> "ContactFilters":
        def as_date(name):
            try:
                return date.fromisoformat(query.get(name, ""))
            except ValueError:
                return None

        page = query.get("page", "")
        return cls(
            q=query.get("q", "").strip()[:200],
            channel=query.get("channel", "")[:16],
            tag=query.get("tag", "").strip()[:64],
            open=query.get("open") in ("1", "on", "true"),
            created_from=as_date("created_from"),
            created_to=as_date("created_to"),
            page=min(max(int(page), 1), 10**6) if page.isascii() and page.isdigit() else 1,
        )

    def as_querystring(self, **changes) -> str:
        values = {**self.__dict__, **changes}
        values["open"] = "1" if values["open"] else ""
        return urlencode({k: v for k, v in values.items() if v not in (None, "", 1) or (k == "page" and v != 1)})

    def next_page(self) -> str:
        return self.as_querystring(page=self.page + 1)

    def previous_page(self) -> str:
        return self.as_querystring(page=max(self.page - 1, 1))

    def first_page(self) -> "ContactFilters":
        return replace(self, page=1)


def contact_search(*, user, filters: ContactFilters) -> QuerySet[Contact]:
    """Live (not merged) contacts the user may see, matching the search and filters, newest
    first. The search text is a phone number in any form, an email address, or part of a name
    (case and accents ignored)."""
    contacts = access.visible_contacts(user).filter(merged_into__isnull=True)
    if filters.q:
        contacts = contacts.filter(_search_condition(filters.q))
    if filters.channel:
        contacts = contacts.filter(identities__channel=filters.channel)
    if filters.tag:
        contacts = contacts.filter(tags__name__iexact=filters.tag)
    if filters.open:
        open_conversations = access.visible_conversations(user).filter(contact=OuterRef("pk"), status="open")
        contacts = contacts.filter(Exists(open_conversations))
    if filters.created_from:
        contacts = contacts.filter(created_at__date__gte=filters.created_from)
    if filters.created_to:
        contacts = contacts.filter(created_at__date__lte=filters.created_to)
    if filters.channel or filters.tag:
        contacts = contacts.distinct()
    return contacts.order_by("-id")


def _search_condition(text: str) -> Q:
    # Phone and email searches resolve to ids first (two index lookups): an OR of a column and
    # a subquery made PostgreSQL scan every contact (bench/crm.py).

    candidates = phone_candidates(text)
    if candidates:
        ids = set(ContactPhone.objects.filter(e164__in=candidates).values_list("contact_id", flat=True))
        ids |= set(Contact.objects.filter(phone__in=candidates).values_list("pk", flat=True))
        return Q(pk__in=ids)
    if text.startswith("@") and " " not in text.strip():
        # A platform username (Instagram's `@name`), kept on the identity.
        username = text.strip()[1:].lower()
        by_username = ContactIdentity.objects.filter(attributes__username=username) | ContactIdentity.objects.filter(
            display_name__iexact=f"@{username}"
        )
        return Q(pk__in=set(by_username.values_list("contact_id", flat=True)))
    if "@" in text:
        lowered = keys.email_lower(text)
        ids = set(ContactEmail.objects.filter(email_lower=lowered).values_list("contact_id", flat=True))
        # LOWER(email): served by the crm_contact_email_lower index (iexact's UPPER is not)
        by_column = Contact.objects.annotate(email_lower=Lower("email")).filter(email_lower=lowered)
        ids |= set(by_column.values_list("pk", flat=True))
        return Q(pk__in=ids)
    digits = "".join(ch for ch in text if ch in "0123456789")
    # name_key is the folded name (no case, accents or double spaces): "jose" finds "José".
    condition = Q(name_key__contains=keys.name_key(text)) | Q(email__icontains=text)
    if len(digits) >= 4 and len(digits) >= len(text.replace(" ", "").replace("-", "")) - 1:
        condition |= Q(phone__contains=digits.lstrip("0"))  # part of a number
    return condition


def contact_page(*, user, filters: ContactFilters) -> dict:
    """One page of the list: rows with identities and tags prefetched, and whether there is more."""
    offset = (filters.page - 1) * PAGE_SIZE
    rows = list(
        contact_search(user=user, filters=filters).prefetch_related("identities", "tags")[
            offset : offset + PAGE_SIZE + 1
        ]
    )
    return {"contacts": rows[:PAGE_SIZE], "has_next": len(rows) > PAGE_SIZE, "has_previous": filters.page > 1}


def contact_conversations(*, user, contact: Contact):
    """The contact's conversations the user may see, on every channel, newest activity first."""
    return (
        access.visible_conversations(user)
        .filter(contact=contact)
        .select_related("inbox", "assignee")
        .order_by("-last_message_at", "-id")
    )


def contact_timeline(*, user, contact: Contact, limit: int = 200) -> list[dict]:
    """Every conversation and message of the contact the user may see, newest first: conversation
    starts and messages interleaved, each linking to its conversation. Private notes included
    (agents only see this page)."""

    conversations = list(contact_conversations(user=user, contact=contact)[:100])
    by_id = {c.pk: c for c in conversations}
    messages = (
        Message.objects.filter(conversation_id__in=list(by_id))
        .only("id", "conversation_id", "direction", "sender_type", "kind", "text", "private", "sent_at")
        .order_by("-sent_at", "-id")[:limit]
    )
    items = [
        {"kind": "message", "at": m.sent_at, "message": m, "conversation": by_id[m.conversation_id]} for m in messages
    ]
    # A conversation started when its first message was sent, which can be before the row was
    # written (a platform delivers late, history is imported): never below its own first message.
    first_sent = dict(
        Message.objects.filter(conversation_id__in=list(by_id))
        .values("conversation_id")
        .annotate(first=Min("sent_at"))
        .values_list("conversation_id", "first")
    )
    items += [
        {"kind": "conversation", "at": min(filter(None, (c.created_at, first_sent.get(c.pk)))), "conversation": c}
        for c in conversations
    ]
    items.sort(key=lambda item: (item["at"], item["kind"] == "message"), reverse=True)
    return items


def pending_suggestions(*, user, contact: Contact | None = None) -> list[MergeSuggestion]:
    """Open merge suggestions (both contacts visible to the user), for one contact or all."""
    visible = access.visible_contacts(user).filter(merged_into__isnull=True)
    suggestions = MergeSuggestion.objects.filter(
        status=SuggestionStatus.PENDING, first__in=visible, second__in=visible
    ).select_related("first", "second")
    if contact is not None:
        suggestions = suggestions.filter(Q(first=contact) | Q(second=contact))
    return list(suggestions.order_by("-created_at")[:100])


def contact_merges(*, contact: Contact) -> list[ContactMerge]:
    return list(ContactMerge.objects.filter(survivor=contact).select_related("merged", "merged_by").order_by("-id"))


def access_suggestion(user, suggestion_id) -> MergeSuggestion:
    """A suggestion whose two contacts the user may both see, or 404."""
    known = str(suggestion_id).isascii() and str(suggestion_id).isdigit() and len(str(suggestion_id)) < 19
    suggestion = MergeSuggestion.objects.filter(pk=int(suggestion_id) if known else 0).first()
    visible = access.visible_contacts(user)
    if suggestion is None or visible.filter(pk__in=[suggestion.first_id, suggestion.second_id]).count() != 2:
        raise Http404
    return suggestion
