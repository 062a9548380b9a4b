"""Reads: the KPIs of docs/kpis.md for a period and filters, aggregated in SQL.

Rolled-up tables (`ConversationDay`, `AgentConversationDay`, `ConversationFact`,
`ResponseFact`, `ResolutionFact`) are filtered by their local `day`; the few live sources
(events, survey answers, availability samples, current statuses) by each inbox's local day
turned into UTC bounds, one time zone at a time.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Avg, Count, Exists, F, FloatField, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.aggregates import Aggregate
from django.utils import timezone

from inbox.models import (
    AgentProfile,
    Availability,
    Conversation,
    ConversationEvent,
    ConversationStatus,
    EventKind,
    Inbox,
)

from .calendar import day_bounds, inbox_zone, local_date
from .models import (
    AgentConversationDay,
    AvailabilitySample,
    ConversationDay,
    ConversationFact,
    ResolutionFact,
    ResponseFact,
    SurveyKind,
    SurveyResponse,
)
from .sql import json_text, resolves, seconds_between, tables

BREACHES_SHOWN = 100
TURNED_NEGATIVE_SHOWN = 50
COMMENTS_SHOWN = 20


@dataclass(frozen=True)
class ReportFilter:
    """A period (local dates, both included) and optional filters. `inbox_ids` is the set the
    user may see (None: all)."""

    start: date
    end: date
    inbox_ids: tuple[int, ...] | None = None
    inbox: int | None = None
    channel: str | None = None
    team: int | None = None
    agent: int | None = None
    tag: str | None = None

    def previous(self) -> "ReportFilter":
        """The period of the same length just before this one (for the change on the tiles)."""
        length = (self.end - self.start).days + 1
        return ReportFilter(**{**self.__dict__, "start": self.start - timedelta(days=length),
                               "end": self.start - timedelta(days=1)})  # fmt: skip


class PercentileCont(Aggregate):
    """PostgreSQL's interpolated percentile."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _inboxes(f: ReportFilter) -> QuerySet[Inbox]:
    inboxes = Inbox.objects.all()
    if f.inbox_ids is not None:
        inboxes = inboxes.filter(pk__in=f.inbox_ids)
    if f.inbox:
        inboxes = inboxes.filter(pk=f.inbox)
    if f.channel:
        inboxes = inboxes.filter(kind=f.channel)
    return inboxes


def _conversation_q(f: ReportFilter, prefix: str, *, agent_field: str | None) -> Q:
    """Team, tag and agent filters on a table that points at a conversation."""
    q = Q()
    if f.team:
        q &= Q(**{f"{prefix}team_id": f.team})
    if f.tag:  # a tag's name is unique, so this join never repeats a row
        q &= Q(**{f"{prefix}tags__name": f.tag})
    if f.agent and agent_field:
        q &= Q(**{agent_field: f.agent})
    return q


def _rolled(model, f: ReportFilter, *, day_field: str = "day", agent_field: str | None = None) -> QuerySet:
    """A rolled-up table filtered by period, inboxes and conversation filters."""
    inbox_ids = list(_inboxes(f).values_list("pk", flat=True))
    qs = model.objects.filter(**{f"{day_field}__gte": f.start, f"{day_field}__lte": f.end}, inbox_id__in=inbox_ids)
    return qs.filter(_conversation_q(f, "conversation__", agent_field=agent_field or "conversation__assignee_id"))


def _moment_q(f: ReportFilter, field: str, *, inbox_field: str = "inbox_id", until_end_only: bool = False) -> Q:
    """Moments within the period's local days, one UTC range per time zone of the inboxes."""
    by_zone: dict[str, list[int]] = {}
    for pk, zone_name in _inboxes(f).values_list("pk", "time_zone"):
        by_zone.setdefault(zone_name, []).append(pk)
    q = Q(pk__in=[])
    for zone_name, ids in by_zone.items():
        zone = inbox_zone(Inbox(time_zone=zone_name))
        start = day_bounds(zone, f.start)[0]
        end = day_bounds(zone, f.end)[1]
        bounds = {f"{field}__lt": end} if until_end_only else {f"{field}__gte": start, f"{field}__lt": end}
        q |= Q(**{f"{inbox_field}__in": ids}, **bounds)
    return q


def _percentiles(qs: QuerySet, field: str) -> dict:
    """median, p90 and mean of `field` over `qs` (None when empty)."""
    if connection.vendor == "postgresql":
        row = qs.aggregate(
            median=PercentileCont(field, percentile=0.5),
            p90=PercentileCont(field, percentile=0.9),
            mean=Avg(field),
            count=Count("pk"),
        )
    else:  # SQLite has no percentile: the same interpolation from two neighbouring rows
        row = qs.aggregate(mean=Avg(field), count=Count("pk"))
        ordered = qs.order_by(field).values_list(field, flat=True)
        for name, fraction in (("median", 0.5), ("p90", 0.9)):
            row[name] = _interpolate(ordered, row["count"], fraction)
    return {
        "median_seconds": _round(row["median"]),
        "p90_seconds": _round(row["p90"]),
        "mean_seconds": _round(row["mean"]),
        "count": row["count"],
    }


def _interpolate(ordered: QuerySet, count: int, fraction: float) -> float | None:
    if not count:
        return None
    position = fraction * (count - 1)
    low = math.floor(position)
    values = list(ordered[low : low + 2])
    if len(values) == 1:
        return values[0]
    return values[0] + (values[1] - values[0]) * (position - low)


def _round(value, digits: int = 1):
    return None if value is None else round(float(value), digits)


def _share(part, whole) -> float | None:
    return round(part / whole, 4) if whole else None


def volume(f: ReportFilter) -> dict:
    messages = (
        _rolled(ConversationDay, f)
        .values("channel")
        .annotate(messages_in=Sum("messages_in"), messages_out=Sum(F("messages_out_human") + F("messages_out_bot")))
    )
    created = (
        _rolled(ConversationFact, f, day_field="created_day").values("channel").annotate(conversations=Count("pk"))
    )
    result = {kind: {"conversations": 0, "messages_in": 0, "messages_out": 0, "share": None} for kind in _kinds(f)}
    for row in messages:
        result.setdefault(row["channel"], {"conversations": 0, "share": None})
        result[row["channel"]].update(messages_in=row["messages_in"] or 0, messages_out=row["messages_out"] or 0)
    for row in created:
        result.setdefault(row["channel"], {"messages_in": 0, "messages_out": 0, "share": None})
        result[row["channel"]]["conversations"] = row["conversations"]
    total = sum(item["messages_in"] + item["messages_out"] for item in result.values())
    for item in result.values():
        item["share"] = _share(item["messages_in"] + item["messages_out"], total)
    return result


def _kinds(f: ReportFilter) -> list[str]:
    return sorted(set(_inboxes(f).values_list("kind", flat=True)))


def cases(f: ReportFilter, *, now=None) -> dict:
    """Statuses at the end of the period, and what happened during it."""
    now = now or timezone.now()
    conversations = Conversation.objects.filter(inbox__in=_inboxes(f)).filter(
        _conversation_q(f, "", agent_field="assignee_id")
    )
    if all(f.end >= local_date(inbox_zone(inbox), now) for inbox in _inboxes(f)):
        statuses = conversations.values("status").annotate(n=Count("pk", distinct=True))
        counts = {row["status"]: row["n"] for row in statuses}
    else:
        last_status = ConversationEvent.objects.filter(
            conversation=OuterRef("pk"), kind__in=[EventKind.STATUS_CHANGED, EventKind.REOPENED]
        ).filter(_moment_q(f, "created_at", until_end_only=True))
        existing = Exists(
            ConversationEvent.objects.filter(conversation=OuterRef("pk"), kind=EventKind.CREATED).filter(
                _moment_q(f, "created_at", until_end_only=True)
            )
        )
        rows = (
            conversations.filter(existing)
            .annotate(at_end=Subquery(last_status.order_by("-created_at", "-id").values("data__to")[:1]))
            .values("at_end")
            .annotate(n=Count("pk", distinct=True))
        )
        counts = {}
        for row in rows:
            status = row["at_end"] or ConversationStatus.OPEN
            counts[status] = counts.get(status, 0) + row["n"]
    result = {status: counts.get(status, 0) for status in ConversationStatus.values}
    reopens = ConversationEvent.objects.filter(
        Q(kind=EventKind.REOPENED)
        | Q(kind=EventKind.STATUS_CHANGED, data__from__in=["resolved", "closed"])
        & ~Q(data__to__in=["resolved", "closed"]),
        conversation__in=conversations.values("pk"),
    ).filter(_moment_q(f, "created_at"))
    result.update(
        opened=_rolled(ConversationFact, f, day_field="created_day").count(),
        resolved_in_period=_rolled(ResolutionFact, f).count(),
        reopened=reopens.count(),
    )
    return result


def first_response(f: ReportFilter) -> dict:
    firsts = _rolled(ResponseFact, f, agent_field="agent_id").filter(is_first=True)
    figures = _percentiles(firsts, "seconds")
    within = firsts.aggregate(n=Count("pk", filter=Q(within_target=True)))["n"]
    breaches = firsts.filter(within_target=False)
    figures.update(
        within_target_share=_share(within, figures["count"]),
        breaches_total=breaches.count(),
        breaches=[
            {
                "conversation": row["conversation_id"],
                "inbox": row["inbox_id"],
                "agent": row["agent_id"],
                "seconds": round(row["seconds"], 1),
                "target_seconds": row["target_seconds"],
                "replied_at": row["replied_at"].isoformat(),
            }
            for row in breaches.order_by("-replied_at").values(
                "conversation_id", "inbox_id", "agent_id", "seconds", "target_seconds", "replied_at"
            )[:BREACHES_SHOWN]
        ],
    )
    return figures


def next_response(f: ReportFilter) -> dict:
    return _percentiles(_rolled(ResponseFact, f, agent_field="agent_id").filter(is_first=False), "seconds")


def resolution(f: ReportFilter) -> dict:
    return _percentiles(_rolled(ResolutionFact, f), "seconds")


def service_level(f: ReportFilter) -> dict:
    """Within-target share of first responses per channel."""
    rows = (
        _rolled(ResponseFact, f, agent_field="agent_id")
        .filter(is_first=True)
        .values("channel")
        .annotate(n=Count("pk"), within=Count("pk", filter=Q(within_target=True)))
    )
    return {
        row["channel"]: {"responses": row["n"], "within_target_share": _share(row["within"], row["n"])} for row in rows
    }


def business_hours(f: ReportFilter) -> dict:
    days = _rolled(ConversationDay, f).aggregate(
        inside=Sum("messages_inside_hours"),
        total=Sum(F("messages_in") + F("messages_out_human") + F("messages_out_bot")),
        in_inside=Sum("messages_in_inside_hours"),
        in_total=Sum("messages_in"),
    )
    created = _rolled(ConversationFact, f, day_field="created_day").aggregate(
        inside=Count("pk", filter=Q(created_inside_hours=True)), total=Count("pk")
    )
    inside, total = days["inside"] or 0, days["total"] or 0
    in_inside, in_total = days["in_inside"] or 0, days["in_total"] or 0
    return {
        "inside": inside,
        "outside": total - inside,
        "customer_messages": {"inside": in_inside, "outside": in_total - in_inside},
        "conversations": {"inside": created["inside"], "outside": created["total"] - created["inside"]},
    }


def _surveys(f: ReportFilter, kind: str) -> QuerySet:
    qs = SurveyResponse.objects.filter(kind=kind, inbox__in=_inboxes(f)).filter(_moment_q(f, "answered_at"))
    return qs.filter(_conversation_q(f, "conversation__", agent_field="agent_id"))


def csat(f: ReportFilter) -> dict:
    qs = _surveys(f, SurveyKind.CSAT)
    row = qs.aggregate(average=Avg("score"), responses=Count("pk"))
    distribution = dict(qs.values_list("score").annotate(n=Count("pk")).order_by())
    return {
        "average": _round(row["average"], 2),
        "responses": row["responses"],
        "distribution": {str(score): distribution.get(score, 0) for score in range(1, 6)},
        "comments": _comments(qs),
    }


def nps(f: ReportFilter) -> dict:
    qs = _surveys(f, SurveyKind.NPS)
    row = qs.aggregate(
        promoters=Count("pk", filter=Q(score__gte=9)),
        passives=Count("pk", filter=Q(score__in=[7, 8])),
        detractors=Count("pk", filter=Q(score__lte=6)),
        responses=Count("pk"),
    )
    n = row["responses"]
    score = round(100 * (row["promoters"] - row["detractors"]) / n, 1) if n else None
    return {**row, "score": score, "comments": _comments(qs)}


def _comments(qs: QuerySet) -> list[dict]:
    rows = qs.exclude(comment="").order_by("-answered_at")[:COMMENTS_SHOWN]
    return [{"conversation": r.conversation_id, "score": r.score, "comment": r.comment} for r in rows]


def sentiment(f: ReportFilter) -> dict:
    row = _rolled(ConversationDay, f).aggregate(
        positive=Sum("sentiment_positive"), neutral=Sum("sentiment_neutral"), negative=Sum("sentiment_negative")
    )
    counts = {label: row[label] or 0 for label in ("positive", "neutral", "negative")}
    total = sum(counts.values())
    turned = _rolled(ConversationFact, f, day_field="turned_negative_day")
    return {
        **{label: _share(count, total) for label, count in counts.items()},
        "messages": total,
        "counts": counts,
        "turned_negative": turned.count(),
        "turned_negative_ids": list(turned.order_by("-pk").values_list("pk", flat=True)[:TURNED_NEGATIVE_SHOWN]),
    }


def tags(f: ReportFilter) -> dict:
    rows = (
        _rolled(ConversationFact, f, day_field="created_day")
        .filter(conversation__tags__isnull=False)
        .values("conversation__tags__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "conversation__tags__name")
    )
    return {row["conversation__tags__name"]: row["n"] for row in rows}


def leads(f: ReportFilter) -> dict:
    rows = (
        _rolled(ConversationFact, f, day_field="created_day")
        .filter(lead=True)
        .values("channel")
        .annotate(n=Count("pk"))
    )
    return dict.fromkeys(_kinds(f), 0) | {row["channel"]: row["n"] for row in rows}


def bots(f: ReportFilter) -> dict:
    row = (
        _rolled(ConversationFact, f, day_field="created_day")
        .filter(bot_messages__gt=0)
        .aggregate(
            handled=Count("pk", filter=Q(human_replies=0)),
            handed_over=Count("pk", filter=Q(handed_over=True)),
        )
    )
    return row


def agents(f: ReportFilter) -> list[dict]:
    """One row per agent who replied in the period (or has availability, handling, CSAT)."""
    activity = {
        row["agent_id"]: row
        for row in _rolled(AgentConversationDay, f, agent_field="agent_id")
        .values("agent_id")
        .annotate(replies=Sum("replies"), conversations=Count("conversation_id", distinct=True))
    }
    responses = _rolled(ResponseFact, f, agent_field="agent_id").filter(agent_id__isnull=False)
    response_rows = _agent_percentiles(responses)
    handling = _handling(f)
    availability = _availability(f)
    csat_rows = {
        row["agent_id"]: row
        for row in _surveys(f, SurveyKind.CSAT).values("agent_id").annotate(average=Avg("score"), n=Count("pk"))
    }
    ids = set(activity) | set(response_rows) | set(handling) | set(availability) | set(csat_rows)
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
                "csat": _round(csat_rows.get(user.pk, {}).get("average"), 2),
            }
        )
    return sorted(result, key=lambda row: (-row["replies"], row["name"]))


def _agent_percentiles(responses: QuerySet) -> dict:
    if connection.vendor == "postgresql":
        rows = responses.values("agent_id").annotate(
            count=Count("pk"),
            median=PercentileCont("seconds", percentile=0.5),
            within=Count("pk", filter=Q(within_target=True)),
        )
        return {
            r["agent_id"]: {
                "count": r["count"],
                "median_seconds": _round(r["median"]),
                "within_target_share": _share(r["within"], r["count"]),
            }
            for r in rows
        }
    result = {}
    for agent_id in responses.values_list("agent_id", flat=True).distinct().order_by():
        mine = responses.filter(agent_id=agent_id)
        figures = _percentiles(mine, "seconds")
        within = mine.filter(within_target=True).count()
        result[agent_id] = {**figures, "within_target_share": _share(within, figures["count"])}
    return result


def _handling(f: ReportFilter) -> dict:
    """Taking a conversation (assigned to the agent) until the next assignment or resolution,
    counted when it ended in the period (docs/kpis.md, "Agent activity")."""
    t = tables()
    inbox_ids = list(_inboxes(f).values_list("pk", flat=True))
    if not inbox_ids:
        return {}
    ends = ConversationEvent.objects.filter(_moment_q(f, "created_at"), inbox_id__in=inbox_ids)
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


def _availability(f: ReportFilter) -> dict:
    """Seconds per agent and availability from the roll-up's samples, in the period's bounds
    (the earliest and latest local midnight of the inboxes shown)."""
    inboxes = list(_inboxes(f))
    if not inboxes:
        return {}
    starts = [day_bounds(inbox_zone(i), f.start)[0] for i in inboxes]
    ends = [day_bounds(inbox_zone(i), f.end)[1] for i in inboxes]
    qs = AvailabilitySample.objects.filter(at__gte=min(starts), at__lt=max(ends))
    if f.inbox_ids is not None or f.inbox or f.channel:
        qs = qs.filter(agent__inboxes__in=inboxes).distinct()
    if f.agent:
        qs = qs.filter(agent_id=f.agent)
    result: dict = {}
    for row in qs.values("agent_id", "availability").annotate(seconds=Sum("seconds")).order_by():
        result.setdefault(row["agent_id"], {})[row["availability"]] = row["seconds"]
    return result


def live(f: ReportFilter, *, now=None) -> dict:
    """Now: conversations waiting for a human, the longest wait, agents online and their load."""
    now = now or timezone.now()
    conversations = Conversation.objects.filter(inbox__in=_inboxes(f), status=ConversationStatus.OPEN)
    waiting = conversations.filter(last_customer_message_at__isnull=False).filter(
        Q(first_response_at__isnull=True) | Q(last_customer_message_at__gte=F("last_message_at"))
    )
    row = waiting.aggregate(n=Count("pk"), oldest=Min("last_customer_message_at"))
    online = (
        AgentProfile.objects.filter(availability=Availability.ONLINE, user__is_active=True)
        .annotate(load=Count("user__assigned_conversations", filter=Q(user__assigned_conversations__status="open")))
        .select_related("user")
    )
    return {
        "waiting": row["n"],
        "longest_wait_seconds": round((now - row["oldest"]).total_seconds()) if row["oldest"] else None,
        "agents_online": [
            {"id": p.user_id, "name": p.user.get_full_name() or p.user.get_username(), "open_conversations": p.load}
            for p in online
        ],
    }


def summary_compute(*, report_filter: ReportFilter, now=None) -> dict:
    """Every KPI of docs/kpis.md for the filter: the body of GET /api/v1/reports/summary/."""
    f = report_filter
    return {
        "period": {"from": f.start.isoformat(), "to": f.end.isoformat()},
        "volume": volume(f),
        "cases": cases(f, now=now),
        "first_response": first_response(f),
        "next_response": next_response(f),
        "resolution": resolution(f),
        "service_level": service_level(f),
        "agents": agents(f),
        "business_hours": business_hours(f),
        "csat": csat(f),
        "nps": nps(f),
        "sentiment": sentiment(f),
        "tags": tags(f),
        "leads": leads(f),
        "bots": bots(f),
        "live": live(f, now=now),
    }
