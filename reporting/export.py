"""CSV exports of the report: one row per conversation, and the dashboard's tables.

Reads only; rows are written as they come from one SQL query each (streamed)."""

import itertools

from django.db.models import OuterRef, Subquery

from inbox.models import Conversation
from kernel import spreadsheet

from .kpis import ReportFilter, agents, volume
from .kpis.common import inboxes, rolled
from .models import ConversationFact, MessageSentiment, ResolutionFact, ResponseFact, SurveyKind, SurveyResponse

CONVERSATION_COLUMNS = [
    "conversation",
    "channel",
    "inbox",
    "contact",
    "agent",
    "status",
    "started_day",
    "last_message_at",
    "resolved_at",
    "first_response_seconds",
    "resolution_seconds",
    "tags",
    "csat",
    "nps",
    "sentiment",
    "lead",
]


def conversation_rows(f: ReportFilter):
    """The conversations that started in the period (docs/kpis.md, "Volume"), with filters."""
    started = rolled(ConversationFact, f, day_field="created_day")
    facts = started.values("conversation_id")
    first = ResponseFact.objects.filter(conversation=OuterRef("pk"), is_first=True).values("seconds")[:1]
    last_resolution = ResolutionFact.objects.filter(conversation=OuterRef("pk")).order_by("-resolved_at")
    survey = SurveyResponse.objects.filter(conversation=OuterRef("pk"))
    mood = MessageSentiment.objects.filter(conversation=OuterRef("pk")).order_by("-sent_at").values("label")[:1]
    conversations = (
        Conversation.objects.filter(pk__in=facts, inbox__in=inboxes(f))
        .annotate(
            first_response_seconds=Subquery(first),
            resolution_seconds=Subquery(last_resolution.values("seconds")[:1]),
            csat=Subquery(survey.filter(kind=SurveyKind.CSAT).values("score")[:1]),
            nps=Subquery(survey.filter(kind=SurveyKind.NPS).values("score")[:1]),
            last_sentiment=Subquery(mood),
            started_day=Subquery(ConversationFact.objects.filter(pk=OuterRef("pk")).values("created_day")[:1]),
            lead=Subquery(ConversationFact.objects.filter(pk=OuterRef("pk")).values("lead")[:1]),
        )
        .select_related("inbox", "contact", "assignee")
        .prefetch_related("tags")
        .order_by("pk")
    )
    for c in conversations.iterator(chunk_size=2000):
        yield [
            c.pk,
            c.inbox.kind,
            c.inbox.name,
            c.contact.name,
            c.assignee.get_username() if c.assignee else "",
            c.status,
            c.started_day,
            c.last_message_at.isoformat() if c.last_message_at else "",
            c.resolved_at.isoformat() if c.resolved_at else "",
            c.first_response_seconds if c.first_response_seconds is not None else "",
            c.resolution_seconds if c.resolution_seconds is not None else "",
            " ".join(sorted(tag.name for tag in c.tags.all())),
            c.csat if c.csat is not None else "",
            c.nps if c.nps is not None else "",
            c.last_sentiment or "",
            "yes" if c.lead else "",
        ]


def table_rows(f: ReportFilter, table: str):
    """The dashboard's agent or volume table as header + rows."""
    if table == "agents":
        rows = agents(f)
        columns = list(rows[0]) if rows else ["id", "name"]
        yield columns
        for row in rows:
            yield [row[column] for column in columns]
    elif table == "volume":
        yield ["channel", "conversations", "messages_in", "messages_out", "share"]
        for channel, row in volume(f).items():
            yield [channel, row["conversations"], row["messages_in"], row["messages_out"], row["share"]]
    else:
        raise ValueError(table)


def csv_lines(header, rows):
    """Header (if any) and rows as CSV, every cell made safe for spreadsheets."""
    return spreadsheet.csv_lines(itertools.chain([header] if header else [], rows))
