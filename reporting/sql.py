"""The few SQL snippets that differ between PostgreSQL and SQLite, and the message classes of
docs/kpis.md as SQL conditions (one definition, used by every roll-up query)."""

from django.db import connection

from inbox.models import Conversation, ConversationEvent, Message, Tag

from . import models as rm


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def tables() -> dict[str, str]:
    return {
        "message": table(Message),
        "event": table(ConversationEvent),
        "conversation": table(Conversation),
        "conversation_tags": table(Conversation.tags.through),
        "tag": table(Tag),
        "report_day": table(rm.ReportDay),
        "interval": table(rm.BusinessHoursInterval),
        "conversation_day": table(rm.ConversationDay),
        "agent_conversation_day": table(rm.AgentConversationDay),
        "conversation_fact": table(rm.ConversationFact),
        "response_fact": table(rm.ResponseFact),
        "resolution_fact": table(rm.ResolutionFact),
        "sentiment": table(rm.MessageSentiment),
    }


def postgres() -> bool:
    return connection.vendor == "postgresql"


def epoch(expression: str) -> str:
    """Seconds since 1970 as a float (differences of two are durations in seconds)."""
    if postgres():
        return f"EXTRACT(EPOCH FROM {expression})"
    return f"((julianday({expression}) - 2440587.5) * 86400.0)"


def seconds_between(later: str, earlier: str) -> str:
    """A duration in seconds, rounded to the millisecond (SQLite's julianday is a float)."""
    return f"ROUND(CAST({epoch(later)} - {epoch(earlier)} AS NUMERIC), 3)"


def materialized() -> str:
    """`WITH x AS MATERIALIZED (...)` on PostgreSQL: computed once, not inlined into a join
    whose filter would run its subqueries again for every candidate row."""
    return "MATERIALIZED" if postgres() else ""


def least(a: str, b: str) -> str:
    return f"LEAST({a}, {b})" if postgres() else f"MIN({a}, {b})"


def greatest(a: str, b: str) -> str:
    return f"GREATEST({a}, {b})" if postgres() else f"MAX({a}, {b})"


def json_text(column: str, key: str) -> str:
    if postgres():
        return f"({column} ->> '{key}')"
    return f"json_extract({column}, '$.{key}')"


def json_true(column: str, key: str) -> str:
    if postgres():
        return f"(({column} ->> '{key}') = 'true')"
    return f"(json_extract({column}, '$.{key}') = 1)"


def dt(value):
    """A datetime parameter as the backend stores it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def d(value):
    return connection.ops.adapt_datefield_value(value)


# docs/kpis.md, "Common rules": which messages are what.
CUSTOMER = "({m}.direction = 'in' AND {m}.sender_type = 'contact' AND {m}.kind <> 'reaction')"
HUMAN = (
    "({m}.direction = 'out' AND {m}.sender_type = 'agent' AND {m}.private = FALSE"
    " AND {m}.kind <> 'reaction' AND {m}.status <> 'failed')"
)
BOT = "({m}.direction = 'out' AND {m}.sender_type = 'bot' AND {m}.private = FALSE AND {m}.status <> 'failed')"


def not_survey(alias: str = "m") -> str:
    """A survey's question, answer, comment and thanks are feedback, not conversation."""
    return f"NOT EXISTS (SELECT 1 FROM {table(rm.SurveyMessage)} sv WHERE sv.message_id = {alias}.id)"


def customer(alias: str = "m") -> str:
    return f"({CUSTOMER.format(m=alias)} AND {not_survey(alias)})"


def human(alias: str = "m") -> str:
    return HUMAN.format(m=alias)


def bot(alias: str = "m") -> str:
    return f"({BOT.format(m=alias)} AND {not_survey(alias)})"


def resolves(alias: str = "e") -> str:
    """A status change that resolves: to resolved, or to closed straight from an active status."""
    to, frm = json_text(f"{alias}.data", "to"), json_text(f"{alias}.data", "from")
    return (
        f"({alias}.kind = 'status_changed' AND ({to} = 'resolved'"
        f" OR ({to} = 'closed' AND {frm} NOT IN ('resolved', 'closed'))))"
    )


def starts_cycle(alias: str = "s") -> str:
    """Creation, a reopen by the customer, or a status change from resolved/closed to active."""
    to, frm = json_text(f"{alias}.data", "to"), json_text(f"{alias}.data", "from")
    return (
        f"({alias}.kind IN ('created', 'reopened') OR ({alias}.kind = 'status_changed'"
        f" AND {frm} IN ('resolved', 'closed') AND {to} NOT IN ('resolved', 'closed')))"
    )
