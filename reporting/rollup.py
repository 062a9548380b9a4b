"""Rolling an inbox's local day up into reporting's tables, in SQL.

`inbox_day_rollup` deletes the day's rows and inserts them again from messages and events in
one transaction (INSERT ... SELECT: nothing is aggregated in Python), so it is safe to run twice
and late data is picked up by the next run. Definitions: docs/kpis.md.
"""

import logging
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from inbox.models import Inbox

from . import sql
from .calendar import always_open, calendar_ensure, day_bounds, inbox_zone, local_date
from .models import (
    AgentConversationDay,
    BusinessHoursCoverage,
    ConversationDay,
    ResolutionFact,
    ResponseFact,
    RollupRun,
    ServiceLevelSetting,
)
from .sentiment import sentiment_score_pending

logger = logging.getLogger(__name__)


def _inside(alias: str, moment: str, t: dict, *, open_always: bool) -> str:
    """SQL: is `moment` inside one of the inbox's business-hours intervals?"""
    if open_always:
        return "(1 = 1)"
    return (
        f"EXISTS (SELECT 1 FROM {t['interval']} i WHERE i.inbox_id = {alias}.inbox_id"
        f" AND i.starts_at <= {moment} AND i.ends_at > {moment})"
    )


def _conversation_days(cursor, t: dict, p: dict, *, open_always: bool) -> None:
    inside = _inside("m", "m.sent_at", t, open_always=open_always)
    public = f"({sql.customer()} OR {sql.human()} OR {sql.bot()})"
    cursor.execute(
        f"""
        INSERT INTO {t["conversation_day"]} (conversation_id, inbox_id, channel, day, messages_in,
            messages_out_human, messages_out_bot, messages_inside_hours, messages_in_inside_hours,
            sentiment_positive, sentiment_neutral, sentiment_negative)
        SELECT m.conversation_id, %(inbox)s, %(channel)s, %(day)s,
            SUM(CASE WHEN {sql.customer()} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {sql.human()} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {sql.bot()} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {inside} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {sql.customer()} AND {inside} THEN 1 ELSE 0 END),
            SUM(CASE WHEN s.label = 'positive' THEN 1 ELSE 0 END),
            SUM(CASE WHEN s.label = 'neutral' THEN 1 ELSE 0 END),
            SUM(CASE WHEN s.label = 'negative' THEN 1 ELSE 0 END)
        FROM {t["message"]} m LEFT JOIN {t["sentiment"]} s ON s.message_id = m.id
        WHERE m.inbox_id = %(inbox)s AND m.sent_at >= %(start)s AND m.sent_at < %(end)s AND {public}
        GROUP BY m.conversation_id
        """,
        p,
    )


def _agent_days(cursor, t: dict, p: dict) -> None:
    cursor.execute(
        f"""
        INSERT INTO {t["agent_conversation_day"]} (agent_id, conversation_id, inbox_id, channel, day, replies)
        SELECT m.author_id, m.conversation_id, %(inbox)s, %(channel)s, %(day)s, COUNT(*)
        FROM {t["message"]} m
        WHERE m.inbox_id = %(inbox)s AND m.sent_at >= %(start)s AND m.sent_at < %(end)s AND {sql.human()}
            AND m.author_id IS NOT NULL
        GROUP BY m.author_id, m.conversation_id
        """,
        p,
    )


def _responses(cursor, t: dict, p: dict, *, open_always: bool, business_clock: bool) -> None:
    """Each segment of public messages ending in a human reply and holding a customer message
    is a response (docs/kpis.md, "Next response time"); keep those replied on this day."""
    if open_always:
        business = "f.wall_seconds"
    else:
        overlap = sql.seconds_between(
            sql.least("i.ends_at", "f.replied_at"), sql.greatest("i.starts_at", "f.waited_from")
        )
        business = (
            f"COALESCE((SELECT SUM({overlap}) FROM {t['interval']} i WHERE i.inbox_id = %(inbox)s"
            " AND i.ends_at > f.waited_from AND i.starts_at < f.replied_at), 0)"
        )
    counted = "business_seconds" if business_clock else "wall_seconds"
    # A first response is held to the first-response target, every later one to the
    # next-response target (none set: NULL, no verdict).
    target = "(CASE WHEN f.n = 1 THEN %(target)s ELSE CAST(%(next_target)s AS INTEGER) END)"
    cursor.execute(
        f"""
        WITH replied AS (
            SELECT DISTINCT m.conversation_id FROM {t["message"]} m
            WHERE m.inbox_id = %(inbox)s AND m.sent_at >= %(start)s AND m.sent_at < %(end)s AND {sql.human()}
        ), msgs AS (
            SELECT m.id, m.conversation_id, m.sent_at,
                CASE WHEN {sql.customer()} THEN 1 ELSE 0 END AS is_customer,
                CASE WHEN {sql.bot()} THEN 1 ELSE 0 END AS is_bot,
                CASE WHEN {sql.human()} THEN 1 ELSE 0 END AS is_human
            FROM {t["message"]} m
            WHERE m.conversation_id IN (SELECT conversation_id FROM replied) AND m.sent_at < %(end)s
                AND ({sql.customer()} OR {sql.human()} OR {sql.bot()})
        ), segmented AS (
            SELECT msgs.*, SUM(is_human) OVER (PARTITION BY conversation_id ORDER BY sent_at, id
                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - is_human AS segment
            FROM msgs
        ), segments AS (
            SELECT conversation_id, segment,
                MIN(CASE WHEN is_customer = 1 THEN sent_at END) AS first_customer,
                MAX(CASE WHEN is_bot = 1 THEN sent_at END) AS last_bot,
                MAX(CASE WHEN is_human = 1 THEN id END) AS reply_id,
                MAX(CASE WHEN is_human = 1 THEN sent_at END) AS replied_at
            FROM segmented GROUP BY conversation_id, segment
            HAVING SUM(is_human) = 1 AND SUM(is_customer) > 0
        ), responses AS (
            SELECT conversation_id, reply_id, replied_at,
                CASE WHEN last_bot IS NOT NULL AND last_bot > first_customer THEN last_bot
                    ELSE first_customer END AS waited_from,
                ROW_NUMBER() OVER (PARTITION BY conversation_id ORDER BY segment) AS n
            FROM segments
        ), walled AS (
            SELECT responses.*, {sql.seconds_between("replied_at", "waited_from")} AS wall_seconds
            FROM responses WHERE replied_at >= %(start)s
        ), f AS (
            SELECT walled.*, {business.replace("f.", "walled.")} AS business_seconds FROM walled
        )
        INSERT INTO {t["response_fact"]} (reply_id, conversation_id, inbox_id, channel, agent_id, day,
            waited_from, replied_at, is_first, wall_seconds, business_seconds, seconds, target_seconds,
            within_target)
        SELECT f.reply_id, f.conversation_id, %(inbox)s, %(channel)s, r.author_id, %(day)s,
            f.waited_from, f.replied_at, CASE WHEN f.n = 1 THEN TRUE ELSE FALSE END,
            f.wall_seconds, f.business_seconds, f.{counted}, {target},
            CASE WHEN {target} IS NULL THEN NULL WHEN f.{counted} <= {target} THEN TRUE ELSE FALSE END
        FROM f JOIN {t["message"]} r ON r.id = f.reply_id
        """,
        p,
    )


def _resolutions(cursor, t: dict, p: dict) -> None:
    cursor.execute(
        f"""
        WITH resolved AS (
            SELECT e.id, e.conversation_id, e.created_at,
                (SELECT MAX(s.created_at) FROM {t["event"]} s WHERE s.conversation_id = e.conversation_id
                    AND s.created_at <= e.created_at AND s.id <> e.id AND {sql.starts_cycle("s")}) AS started
            FROM {t["event"]} e
            WHERE e.inbox_id = %(inbox)s AND e.kind = 'status_changed'
                AND e.created_at >= %(start)s AND e.created_at < %(end)s AND {sql.resolves("e")}
        ), cycles AS (
            SELECT resolved.id, resolved.conversation_id, resolved.created_at,
                COALESCE(resolved.started, c.created_at) AS started
            FROM resolved JOIN {t["conversation"]} c ON c.id = resolved.conversation_id
        )
        INSERT INTO {t["resolution_fact"]} (event_id, conversation_id, inbox_id, channel, day,
            cycle_started_at, resolved_at, seconds)
        SELECT id, conversation_id, %(inbox)s, %(channel)s, %(day)s, started, created_at,
            {sql.seconds_between("created_at", "started")}
        FROM cycles
        """,
        p,
    )


def _touched_conversations(t: dict) -> str:
    """SQL: ids of the conversations whose facts may have changed on the day: new messages,
    creation, tags (only these event kinds, so the (inbox, kind, time) index answers)."""
    return f"""
        SELECT m.conversation_id FROM {t["message"]} m
        WHERE m.inbox_id = %(inbox)s AND m.sent_at >= %(start)s AND m.sent_at < %(end)s
        UNION
        SELECT e.conversation_id FROM {t["event"]} e
        WHERE e.inbox_id = %(inbox)s AND e.kind IN ('created', 'tag_added', 'tag_removed')
            AND e.created_at >= %(start)s AND e.created_at < %(end)s
        UNION
        SELECT c.id FROM {t["conversation"]} c
        WHERE c.inbox_id = %(inbox)s AND c.created_at >= %(start)s AND c.created_at < %(end)s
    """


def _conversation_facts(cursor, t: dict, p: dict, *, open_always: bool) -> None:
    touched = _touched_conversations(t)
    cursor.execute(f"DELETE FROM {t['conversation_fact']} WHERE conversation_id IN ({touched})", p)
    lead = (
        f"({sql.json_true('c.source', 'lead')} OR {sql.json_text('c.source', 'kind')} = 'ad_referral'"
        f" OR EXISTS (SELECT 1 FROM {t['conversation_tags']} ct JOIN {t['tag']} tg ON tg.id = ct.tag_id"
        " WHERE ct.conversation_id = c.id AND tg.name = 'lead'))"
    )
    inside = _inside("c", "c.started_at", t, open_always=open_always)
    cursor.execute(
        f"""
        WITH touched AS {sql.materialized()} ({touched}), base AS {sql.materialized()} (
            SELECT c.id, c.inbox_id, c.source,
                COALESCE((SELECT MIN(e.created_at) FROM {t["event"]} e
                    WHERE e.conversation_id = c.id AND e.kind = 'created'), c.created_at) AS started_at,
                (SELECT COUNT(*) FROM {t["message"]} m WHERE m.conversation_id = c.id AND {sql.bot()}) AS bots,
                (SELECT COUNT(*) FROM {t["message"]} m WHERE m.conversation_id = c.id AND {sql.human()}) AS humans,
                (SELECT MIN(m.sent_at) FROM {t["message"]} m WHERE m.conversation_id = c.id AND {sql.bot()})
                    AS first_bot,
                (SELECT MAX(m.sent_at) FROM {t["message"]} m WHERE m.conversation_id = c.id AND {sql.human()})
                    AS last_human,
                (SELECT MIN(n.sent_at) FROM {t["sentiment"]} n WHERE n.conversation_id = c.id
                    AND n.label = 'negative' AND EXISTS (SELECT 1 FROM {t["sentiment"]} o
                        WHERE o.conversation_id = c.id AND o.label <> 'negative' AND o.sent_at < n.sent_at))
                    AS turned_negative_at
            FROM touched JOIN {t["conversation"]} c ON c.id = touched.conversation_id
        )
        INSERT INTO {t["conversation_fact"]} (conversation_id, inbox_id, channel, created_day,
            created_inside_hours, bot_messages, human_replies, handed_over, lead, turned_negative_day)
        SELECT c.id, c.inbox_id, %(channel)s, cd.day,
            CASE WHEN {inside} THEN TRUE ELSE FALSE END, c.bots, c.humans,
            CASE WHEN c.first_bot IS NOT NULL AND c.last_human > c.first_bot THEN TRUE ELSE FALSE END,
            CASE WHEN {lead} THEN TRUE ELSE FALSE END, nd.day
        FROM base c
        JOIN {t["report_day"]} cd ON cd.inbox_id = c.inbox_id AND cd.starts_at <= c.started_at
            AND cd.ends_at > c.started_at
        LEFT JOIN {t["report_day"]} nd ON nd.inbox_id = c.inbox_id AND nd.starts_at <= c.turned_negative_at
            AND nd.ends_at > c.turned_negative_at
        """,
        p,
    )


def inbox_day_rollup(*, inbox: Inbox, day: date, now: datetime | None = None) -> None:
    """Rebuild reporting's rows of one local day of one inbox (idempotent)."""
    now = now or timezone.now()
    zone = inbox_zone(inbox)
    start, end = day_bounds(zone, day)
    today = local_date(zone, now)
    calendar_ensure(inbox=inbox, first=day - timedelta(days=1), last=max(day, today) + timedelta(days=1))
    sentiment_score_pending(inbox_id=inbox.pk, start=start, end=end)
    setting = ServiceLevelSetting.objects.filter(inbox=inbox).first()
    open_always = always_open(inbox)
    t = sql.tables()
    p = {
        "inbox": inbox.pk,
        "channel": inbox.kind,
        "day": sql.d(day),
        "start": sql.dt(start),
        "end": sql.dt(end),
        "target": inbox.first_response_target_seconds,
        "next_target": inbox.next_response_target_seconds,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # One roll-up per inbox at a time (the beat, a slow run and a backfill may overlap): two
        # days of one inbox can rebuild the same conversation's facts, and two runs of one day
        # would both insert its rows. The inbox's calendar row is the lock.
        BusinessHoursCoverage.objects.select_for_update().filter(inbox=inbox).first()
        ConversationDay.objects.filter(inbox=inbox, day=day).delete()
        AgentConversationDay.objects.filter(inbox=inbox, day=day).delete()
        ResponseFact.objects.filter(inbox=inbox, day=day).delete()
        ResolutionFact.objects.filter(inbox=inbox, day=day).delete()
        _conversation_days(cursor, t, p, open_always=open_always)
        _agent_days(cursor, t, p)
        _responses(cursor, t, p, open_always=open_always, business_clock=bool(setting and setting.business_hours_clock))
        _resolutions(cursor, t, p)
        _conversation_facts(cursor, t, p, open_always=open_always)
        RollupRun.objects.update_or_create(inbox=inbox, day=day, defaults={"rolled_at": now})
