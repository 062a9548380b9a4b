"""Search across contacts and message text, for the inbox's search box and the API.

Only what the user may see is searched (`access`: agents their inboxes' conversations, leads
and admins everything). Private notes are included: they are internal, and agents look for them.

PostgreSQL: full-text search over `Message.text` with the 'simple' configuration, served by
the GIN expression index of migration 0004. Our customers and agents write Dutch, German and
English, often mixed in one conversation, and a message does not say which language it is in.
A language's stemmer would mangle the other two ('dutch' reduces "bestelling" but leaves
"Bestellung" and "order" alone, and stems English words wrongly), so 'simple' (lower-cased
words, no stemming, no stop words) behaves the same for everyone, and prefix matching on the
last word ("bestel" finds "bestelling" and "Bestellung") covers most of what stemming would
give while people type. SQLite (the embedded default) falls back to `icontains` per word.

Contacts match by name, email or phone number in any format (`crm.phones`). Each contact hit
opens its latest conversation that the user may see; contacts without one are not shown.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, transaction
from django.db.models import F, Func, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from crm.phones import phone_candidates
from kernel.channel_kinds import kind_label

from . import access
from .models import Conversation, Message

DEFAULT_LIMIT = 20
MAX_LIMIT = 50
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MIN_QUERY_LENGTH = 2
# Ranking computes ts_rank per matching row; a common word matches a quarter of all messages.
# So the newest matches are ranked, not all of them: what an agent looks for is nearly always
# recent, and the cost stays bounded however common the words are.
RANK_WINDOW = 200
SNIPPET_LENGTH = 160
SNIPPET_LEAD = 40
# Phone-looking input: digits with the usual separators.
PHONE_INPUT = re.compile(r"^[\d\s+\-().\/]+$")
MIN_PHONE_DIGITS = 4
# What the display-name rule (`crm.naming`) reads of a contact.
NAME_FIELDS = ("name", "email", "phone", "phone_raw", "attributes")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ContactHit:
    contact_id: int
    name: str
    phone: str
    email: str
    conversation_id: int
    channel: str
    last_message_at: datetime | None

    @property
    def channel_label(self) -> str:
        return kind_label(self.channel)


@dataclass(frozen=True)
class MessageHit:
    message_id: int
    conversation_id: int
    contact_name: str
    channel: str
    snippet: SafeString
    sent_at: datetime
    direction: str
    private: bool

    @property
    def channel_label(self) -> str:
        return kind_label(self.channel)


@dataclass
class SearchResults:
    query: str
    contacts: list[ContactHit] = field(default_factory=list)
    messages: list[MessageHit] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.contacts or self.messages)


class MessageDocument(Func):
    """`to_tsvector('simple', text)`, spelled exactly as the index expression of migration 0004
    so PostgreSQL uses that index. (Django's SearchVector adds a COALESCE and passes the config
    as a query parameter; the planner would not match either against the index.)"""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


def search(*, user, query: str, limit: int = DEFAULT_LIMIT) -> SearchResults:
    """Contacts and messages matching `query` that `user` may see, best first.

    Runs a fixed number of queries whatever the number of hits: one for the agent's inboxes,
    one for contacts, one for messages (on PostgreSQL with a SET LOCAL before it). Input of
    any shape is safe: it is split into words and only ever reaches SQL as parameters."""
    # Control characters go: PostgreSQL refuses a NUL in any string parameter.
    query = CONTROL_CHARACTERS.sub(" ", query or "").strip()[:MAX_QUERY_LENGTH]
    terms = query_terms(query)
    limit = min(max(int(limit), 1), MAX_LIMIT)
    if len(query) < MIN_QUERY_LENGTH or access.user_role(user) is None:
        return SearchResults(query=query)
    inbox_ids = (
        None if access.sees_everything(user) else list(access.visible_inboxes(user).values_list("id", flat=True))
    )
    if inbox_ids == []:
        return SearchResults(query=query)
    return SearchResults(
        query=query,
        contacts=_contact_hits(inbox_ids=inbox_ids, query=query, terms=terms, limit=limit),
        messages=_message_hits(inbox_ids=inbox_ids, terms=terms, limit=limit) if terms else [],
    )


def query_terms(query: str) -> list[str]:
    """The words of the query, lower-cased: letters and digits only, so quotes, `&|!:*()` and
    the like never reach a tsquery. At most MAX_TERMS of them."""
    return [word.lower() for word in re.findall(r"\w+", query or "")][:MAX_TERMS]


def tsquery_text(terms: list[str]) -> str:
    """A `to_tsquery` input matching every term, the last one as a prefix (people are still
    typing it). Terms hold only word characters; each is quoted anyway, as to_tsquery expects."""
    quoted = ["'" + term.replace("\\", "\\\\").replace("'", "''") + "'" for term in terms]
    if len(terms[-1]) >= 2:  # a one-letter prefix would match half the dictionary
        quoted[-1] += ":*"
    return " & ".join(quoted)


def _contact_hits(*, inbox_ids, query: str, terms: list[str], limit: int) -> list[ContactHit]:
    # From the conversation side, newest first: the first row of a contact is its latest
    # visible conversation, the link target, and visibility comes with it. A contact with
    # several conversations takes several rows, hence three rows per hit wanted.
    conversations = (
        Conversation.objects.all() if inbox_ids is None else Conversation.objects.filter(inbox_id__in=inbox_ids)
    )
    rows = (
        conversations.filter(_contact_match(query, terms))
        .select_related("contact", "inbox")
        .only(
            "id",
            "last_message_at",
            "source",
            "contact__id",
            *(f"contact__{field}" for field in NAME_FIELDS),
            "inbox__kind",
        )
        .order_by("-last_message_at", "-id")[: limit * 3]
    )
    hits, seen = [], set()
    for conversation in rows:
        contact = conversation.contact
        if contact.pk in seen:
            continue
        seen.add(contact.pk)
        hits.append(
            ContactHit(
                contact_id=contact.pk,
                name=conversation.customer_name,
                phone=contact.phone,
                email=contact.email,
                conversation_id=conversation.pk,
                channel=conversation.inbox.kind,
                last_message_at=conversation.last_message_at,
            )
        )
    return hits[:limit]


def _contact_match(query: str, terms: list[str]) -> Q:
    by_name = Q()
    for term in terms:
        by_name &= Q(contact__name__icontains=term)
    match = Q(contact__email__icontains=query) | (by_name if terms else Q(pk__in=[]))
    digits = "".join(ch for ch in query if ch.isdigit())
    if PHONE_INPUT.match(query) and len(digits) >= MIN_PHONE_DIGITS:
        # Any format: "06-12345678", "+31 6 1234 5678" and "0031612345678" are all the stored
        # E.164 "+31612345678"; a fragment ("1234 5678") matches inside the number.
        match |= Q(contact__phone__in=phone_candidates(query)) | Q(contact__phone__contains=digits.lstrip("0"))
    return match


def _message_hits(*, inbox_ids, terms: list[str], limit: int) -> list[MessageHit]:
    if connection.vendor == "postgresql":
        rows = _ranked_matches(inbox_ids=inbox_ids, terms=terms, limit=limit)
    else:
        messages = Message.objects.all() if inbox_ids is None else Message.objects.filter(inbox_id__in=inbox_ids)
        matching = Q()
        for term in terms:
            matching &= Q(text__icontains=term)
        rows = _with_related(messages.filter(matching)).order_by("-sent_at", "-id")[:limit]
    whole_words = connection.vendor == "postgresql"
    return [
        MessageHit(
            message_id=message.pk,
            conversation_id=message.conversation_id,
            contact_name=message.conversation.customer_name,
            channel=message.inbox.kind,
            snippet=highlight(message.text, terms, whole_words=whole_words),
            sent_at=message.sent_at,
            direction=message.direction,
            private=message.private,
        )
        for message in rows
    ]


# The newest matches, in one statement with two plans. PostgreSQL cannot read a GIN index in
# time order, and its estimates for prefix and correlated words are far off, so left alone it
# either walks the time index filtering every message (seconds for a rare word) or collects
# every match and sorts (a hundred milliseconds for a common one). So: first look at the
# newest RECENT_SCAN messages only (a common word fills the window there, in milliseconds);
# only if that finds fewer than `wanted`, the index finds all matches, which are few then.
# The fallback's `count(*) < wanted` is a one-time filter: when false, that scan never runs.
# OFFSET 0 keeps the ORDER BY ... LIMIT out of it, so the planner cannot pick the time walk.
# `{visible}` is one of two fixed strings; user input only ever travels as parameters.
CANDIDATES_SQL = """
WITH recent AS MATERIALIZED (
    SELECT id, sent_at FROM (
        SELECT id, text, sent_at FROM inbox_message WHERE {visible}
        ORDER BY sent_at DESC, id DESC LIMIT %s
    ) AS newest
    WHERE to_tsvector('simple'::regconfig, text) @@ to_tsquery('simple'::regconfig, %s)
    ORDER BY sent_at DESC, id DESC LIMIT %s
)
SELECT id FROM recent
UNION ALL
(
    SELECT id FROM (
        SELECT id, sent_at FROM inbox_message
        WHERE {visible} AND to_tsvector('simple'::regconfig, text) @@ to_tsquery('simple'::regconfig, %s)
        OFFSET 0
    ) AS matching
    WHERE (SELECT count(*) FROM recent) < %s
    ORDER BY sent_at DESC, id DESC LIMIT %s
)
"""
RECENT_SCAN = 1000


def _ranked_matches(*, inbox_ids, terms: list[str], limit: int) -> list[Message]:
    raw = tsquery_text(terms)
    if inbox_ids is None:
        visible, visible_params = "TRUE", []
    else:
        visible, visible_params = "inbox_id = ANY(%s)", [inbox_ids]
    candidates = RawSQL(  # noqa: S611 - fixed SQL text; the query and ids travel as parameters
        CANDIDATES_SQL.format(visible=visible),
        [*visible_params, RECENT_SCAN, raw, RANK_WINDOW, *visible_params, raw, limit, RANK_WINDOW],
    )
    tsquery = SearchQuery(raw, config="simple", search_type="raw")
    with transaction.atomic(), connection.cursor() as cursor:
        # This query reads a few hundred rows at most, but the planner's guess for a prefix word
        # (2% of all messages) makes it start parallel workers, which alone cost ~5 ms.
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        return list(
            _with_related(Message.objects.filter(pk__in=candidates))
            .annotate(rank=SearchRank(MessageDocument(F("text")), tsquery))
            .order_by("-rank", "-sent_at", "-id")[:limit]
        )


def _with_related(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.select_related("conversation__contact", "inbox").only(
        "id",
        "text",
        "sent_at",
        "direction",
        "private",
        "conversation__id",
        "conversation__source",
        *(f"conversation__contact__{field}" for field in NAME_FIELDS),
        "inbox__kind",
    )


def highlight(text: str, terms: list[str], *, whole_words: bool = True) -> SafeString:
    """A window of `text` around the first match with every match in <mark>.

    Safe by construction: every piece of the message is escaped, and only our own <mark> tags
    are added between escaped pieces. Matching runs on the raw text, so a search for "amp" or
    "lt" cannot land inside an entity (`&amp;`, `&lt;`) and break it. `whole_words` follows
    PostgreSQL's full-text matching (words, the last one as a prefix); the SQLite fallback
    matches anywhere in a word, and so does the highlight then."""
    text = text or ""
    pattern = _term_pattern(terms, whole_words=whole_words)
    first = pattern.search(text) if pattern else None
    start = max(first.start() - SNIPPET_LEAD, 0) if first else 0
    if start:  # begin at a word boundary, not in the middle of one
        space = text.find(" ", start, first.start())
        start = space + 1 if space != -1 else start
    window = text[start : start + SNIPPET_LENGTH]
    pieces = ["…"] if start else []
    position = 0
    for match in pattern.finditer(window) if pattern else ():
        pieces.append(escape(window[position : match.start()]))
        pieces.append("<mark>" + escape(match.group()) + "</mark>")
        position = match.end()
    pieces.append(escape(window[position:]))
    if start + SNIPPET_LENGTH < len(text):
        pieces.append("…")
    return mark_safe("".join(pieces))  # noqa: S308 - built from escaped pieces and our own tags


def _term_pattern(terms: list[str], *, whole_words: bool) -> re.Pattern | None:
    if not terms:
        return None
    if not whole_words:
        alternatives = [re.escape(term) for term in terms]
    else:
        alternatives = [rf"\b{re.escape(term)}\b" for term in terms[:-1]]
        alternatives.append(rf"\b{re.escape(terms[-1])}\w*" if len(terms[-1]) >= 2 else rf"\b{re.escape(terms[-1])}\b")
    # Longest first, so "bestel" does not cut "bestelling" short when both are terms.
    alternatives.sort(key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE)
