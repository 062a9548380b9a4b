"""Agent KPIs (replies, responses, handling time, availability, CSAT) and the live view."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Avg, Count, F, Min, Q, QuerySet, Sum
from django.utils import timezone

from inbox.models import (
    AgentProfile,
    Availability,
    AvailabilityPeriod,
    Conversation,
    ConversationEvent,
    ConversationStatus,
)

from ..calendar import day_bounds, inbox_zone
from ..models import AgentConversationDay, ResponseFact, SurveyKind
from ..sql import json_text, resolves, seconds_between, tables
from .common import PercentileCont, ReportFilter, conversation_q, inboxes, moment_q, percentiles, rolled, round_, share
from .figures import surveys


def agents(f: ReportFilter, *, now=None) -> list[dict]:
    """One row per agent who replied in the period (or has availability, handling, CSAT)."""
    activity = {
        row["agent_id"]: row
        for row in rolled(AgentConversationDay, f, agent_field="agent_id")
        .values("agent_id")
        .annotate(replies=Sum("replies"), conversations=Count("conversation_id", distinct=True))
    }
    responses = rolled(ResponseFact, f, agent_field="agent_id").filter(agent_id__isnull=False)
    response_rows = _agent_percentiles(responses)
    handling = _handling(f)
    availability = _availability(f, now=now or timezone.now())
    csat_rows = {
        row["agent_id"]: row
        for row in surveys(f, SurveyKind.CSAT).values("agent_id").annotate(average=Avg("score"), n=Count("pk"))
    }
    # Someone only ever offline (a lead who never works the inbox) is not an agent of the period.
    present = {pk for pk, seconds in availability.items() if seconds.get("online") or seconds.get("away")}
    ids = set(activity) | set(response_rows) | set(handling) | present | set(csat_rows)
    ids.discard(None)
    users = get_user_model().objects.filter(pk__in=ids)
    result = []
    for user in users:
        act, resp = activity.get(user.pk, {}), response_rows.get(user.pk, {})
        result.append(
            {
                "id": user.pk,
                "name": user.get_full_name() or user.get_username(),
                "conversations": act.get("conversations", 0),
                "replies": act.get("replies", 0),
                "responses": resp.get("count", 0),
                "median_response_seconds": resp.get("median_seconds"),
                "within_target_share": resp.get("within_target_share"),
                "handled": handling.get(user.pk, {}).get("handled", 0),
                "handling_seconds": handling.get(user.pk, {}).get("seconds", 0),
                **{f"{state}_seconds": availability.get(user.pk, {}).get(state, 0) for state in Availability.values},
                "csat": round_(csat_rows.get(user.pk, {}).get("average"), 2),
            }
        )
    return sorted(result, key=lambda row: (-row["replies"], row["name"]))


def _agent_percentiles(responses: QuerySet) -> dict:
    if connection.vendor == "postgresql":
        rows = responses.values("agent_id").annotate(
            count=Count("pk"),
            median=PercentileCont("seconds", percentile=0.5),
            within=Count("pk", filter=Q(within_target=True)),
            with_target=Count("pk", filter=Q(within_target__isnull=False)),
        )
        return {
            r["agent_id"]: {
                "count": r["count"],
                "median_seconds": round_(r["median"]),
                "within_target_share": share(r["within"], r["with_target"]),
            }
            for r in rows
        }
    result = {}
    for agent_id in responses.values_list("agent_id", flat=True).distinct().order_by():
        mine = responses.filter(agent_id=agent_id)
        figures = percentiles(mine, "seconds")
        within = mine.filter(within_target=True).count()
        with_target = mine.filter(within_target__isnull=False).count()
        result[agent_id] = {**figures, "within_target_share": share(within, with_target)}
    return result


def _handling(f: ReportFilter) -> dict:
    """Taking a conversation (assigned to the agent) until the next assignment or resolution,
    counted when it ended in the period (docs/kpis.md, "Agent activity")."""
    t = tables()
    inbox_ids = list(inboxes(f).values_list("pk", flat=True))
    if not inbox_ids:
        return {}
    ends = ConversationEvent.objects.filter(
        moment_q(f, "created_at"),
        conversation_q(f, "conversation__", agent_field=None),  # the agent: on the result below
        inbox_id__in=inbox_ids,
        kind__in=["assigned", "status_changed"],
    )
    end_sql, end_params = ends.values("id").query.sql_with_params()
    to = json_text("a.data", "to")
    query = f"""
        WITH ended AS (
            SELECT e.id, e.conversation_id, e.created_at FROM {t["event"]} e
            WHERE e.id IN ({end_sql}) AND (e.kind = 'assigned' OR {resolves("e")})
        ), taken AS (
            SELECT ended.created_at AS ended_at,
                (SELECT a.id FROM {t["event"]} a WHERE a.conversation_id = ended.conversation_id
                    AND a.kind = 'assigned' AND a.created_at < ended.created_at
                    ORDER BY a.created_at DESC, a.id DESC LIMIT 1) AS taken_id
            FROM ended
        )
        SELECT CAST({to} AS INTEGER) AS agent_id, COUNT(*), SUM({seconds_between("taken.ended_at", "a.created_at")})
        FROM taken JOIN {t["event"]} a ON a.id = taken.taken_id
        WHERE {to} IS NOT NULL AND {to} <> 'null'
        GROUP BY CAST({to} AS INTEGER)
    """
    with connection.cursor() as cursor:
        cursor.execute(query, end_params)
        rows = cursor.fetchall()
    wanted = {f.agent} if f.agent else None
    return {
        agent: {"handled": n, "seconds": round(seconds or 0)}
        for agent, n, seconds in rows
        if wanted is None or agent in wanted
    }


def _availability(f: ReportFilter, *, now) -> dict:
    """Seconds per agent and availability from the exact status periods, clipped to the
    period's bounds (the earliest and latest local midnight of the inboxes shown) and to now
    (a status still current counts until now)."""
    shown = list(inboxes(f))
    if not shown:
        return {}
    lo = min(day_bounds(inbox_zone(i), f.start)[0] for i in shown)
    hi = min(max(day_bounds(inbox_zone(i), f.end)[1] for i in shown), now)
    if hi <= lo:
        return {}
    periods = AvailabilityPeriod.objects.filter(started_at__lt=hi).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=lo))
    if f.inbox_ids is not None or f.inbox or f.channel:
        members = get_user_model().objects.filter(inboxes__in=shown).values("pk")
        periods = periods.filter(user__in=members)
    if f.agent:
        periods = periods.filter(user_id=f.agent)
    result: dict = {}
    rows = periods.values_list("user_id", "availability", "started_at", "ended_at")
    for user_id, availability, started, ended in rows:
        seconds = (min(ended or hi, hi) - max(started, lo)).total_seconds()
        if seconds > 0:
            mine = result.setdefault(user_id, {})
            mine[availability] = mine.get(availability, 0) + seconds
    return {user_id: {state: round(s) for state, s in states.items()} for user_id, states in result.items()}


def live(f: ReportFilter, *, now=None) -> dict:
    """Now: conversations waiting for a human, the longest wait, agents online and their load."""
    now = now or timezone.now()
    conversations = Conversation.objects.filter(inbox__in=inboxes(f), status=ConversationStatus.OPEN)
    waiting = conversations.filter(last_customer_message_at__isnull=False).filter(
        Q(first_response_at__isnull=True) | Q(last_customer_message_at__gte=F("last_message_at"))
    )
    row = waiting.aggregate(n=Count("pk"), oldest=Min("last_customer_message_at"))
    online = (
        AgentProfile.objects.filter(availability=Availability.ONLINE, user__is_active=True)
        .annotate(load=Count("user__assigned_conversations", filter=Q(user__assigned_conversations__status="open")))
        .select_related("user")
    )
    if f.inbox_ids is not None or f.inbox or f.channel:  # only the shown inboxes' members
        members = get_user_model().objects.filter(inboxes__in=inboxes(f)).values("pk")
        online = online.filter(user__in=members)
    return {
        "waiting": row["n"],
        "longest_wait_seconds": round((now - row["oldest"]).total_seconds()) if row["oldest"] else None,
        "agents_online": [
            {"id": p.user_id, "name": p.user.get_full_name() or p.user.get_username(), "open_conversations": p.load}
            for p in online
        ],
    }
