"""Conversation-level KPIs: volume, cases, response and resolution times, service level,
business hours, feedback, sentiment, tags, leads and bots (docs/kpis.md)."""

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from inbox.models import Conversation, ConversationEvent, ConversationStatus, EventKind

from ..calendar import inbox_zone, local_date
from ..models import ConversationDay, ConversationFact, ResolutionFact, ResponseFact, SurveyKind, SurveyResponse
from .common import (
    BREACHES_SHOWN,
    COMMENTS_SHOWN,
    TURNED_NEGATIVE_SHOWN,
    ReportFilter,
    conversation_q,
    inboxes,
    kinds,
    moment_q,
    percentiles,
    rolled,
    round_,
    share,
)


def volume(f: ReportFilter) -> dict:
    messages = (
        rolled(ConversationDay, f)
        .values("channel")
        .annotate(messages_in=Sum("messages_in"), messages_out=Sum(F("messages_out_human") + F("messages_out_bot")))
    )
    created = (
        rolled(ConversationFact, f, day_field="created_day")
        .values("channel")
        .annotate(conversations=Count("pk"), public=Count("pk", filter=Q(conversation__public=True)))
    )
    empty = {"conversations": 0, "public_conversations": 0, "private_conversations": 0}
    result = {kind: {**empty, "messages_in": 0, "messages_out": 0, "share": None} for kind in kinds(f)}
    for row in messages:
        result.setdefault(row["channel"], {**empty, "share": None})
        result[row["channel"]].update(messages_in=row["messages_in"] or 0, messages_out=row["messages_out"] or 0)
    for row in created:
        result.setdefault(row["channel"], {"messages_in": 0, "messages_out": 0, "share": None})
        # The public/private split: comment threads against direct conversations.
        result[row["channel"]].update(
            conversations=row["conversations"],
            public_conversations=row["public"],
            private_conversations=row["conversations"] - row["public"],
        )
    total = sum(item["messages_in"] + item["messages_out"] for item in result.values())
    for item in result.values():
        item["share"] = share(item["messages_in"] + item["messages_out"], total)
    return result


def cases(f: ReportFilter, *, now=None) -> dict:
    """Statuses at the end of the period, and what happened during it."""
    now = now or timezone.now()
    conversations = Conversation.objects.filter(inbox__in=inboxes(f)).filter(
        conversation_q(f, "", agent_field="assignee_id")
    )
    if all(f.end >= local_date(inbox_zone(inbox), now) for inbox in inboxes(f)):
        statuses = conversations.values("status").annotate(n=Count("pk", distinct=True))
        counts = {row["status"]: row["n"] for row in statuses}
    else:
        last_status = ConversationEvent.objects.filter(
            conversation=OuterRef("pk"), kind__in=[EventKind.STATUS_CHANGED, EventKind.REOPENED]
        ).filter(moment_q(f, "created_at", until_end_only=True))
        existing = Exists(
            ConversationEvent.objects.filter(conversation=OuterRef("pk"), kind=EventKind.CREATED).filter(
                moment_q(f, "created_at", until_end_only=True)
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
    # The kinds first and the inboxes by id, so the (inbox, kind, time) index answers; the
    # conversation filters only when there are any (a subquery of every conversation is slow).
    reopens = (
        ConversationEvent.objects.filter(
            inbox_id__in=list(inboxes(f).values_list("pk", flat=True)),
            kind__in=[EventKind.REOPENED, EventKind.STATUS_CHANGED],
        )
        .filter(moment_q(f, "created_at"))
        .filter(
            Q(kind=EventKind.REOPENED)
            | Q(kind=EventKind.STATUS_CHANGED, data__from__in=["resolved", "closed"])
            & ~Q(data__to__in=["resolved", "closed"])
        )
    )
    if f.team or f.tag or f.agent:
        reopens = reopens.filter(conversation_q(f, "conversation__", agent_field="conversation__assignee_id"))
    result.update(
        opened=rolled(ConversationFact, f, day_field="created_day").count(),
        resolved_in_period=rolled(ResolutionFact, f).count(),
        reopened=reopens.count(),
    )
    return result


def first_response(f: ReportFilter) -> dict:
    firsts = rolled(ResponseFact, f, agent_field="agent_id").filter(is_first=True)
    figures = percentiles(firsts, "seconds", within=Count("pk", filter=Q(within_target=True)))
    within = figures.pop("within")
    breaches = firsts.filter(within_target=False)
    figures.update(
        within_target_share=share(within, figures["count"]),
        breaches_total=figures["count"] - within,
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
    """Later responses, and their share within the inbox's next-response target: counted only
    over responses that had a target (`with_target`), so inboxes without one do not count as
    either within or over."""
    nexts = rolled(ResponseFact, f, agent_field="agent_id").filter(is_first=False)
    figures = percentiles(
        nexts,
        "seconds",
        within=Count("pk", filter=Q(within_target=True)),
        with_target=Count("pk", filter=Q(within_target__isnull=False)),
    )
    within, with_target = figures.pop("within"), figures.pop("with_target")
    figures.update(
        with_target=with_target,
        within_target_share=share(within, with_target),
        breaches_total=with_target - within,
    )
    return figures


def resolution(f: ReportFilter) -> dict:
    return percentiles(rolled(ResolutionFact, f), "seconds")


def service_level(f: ReportFilter) -> dict:
    """Within-target share of first responses per channel (`responses`, `within_target_share`)
    and of next responses held to a next-response target (`next_responses`,
    `next_within_target_share`)."""
    rows = (
        rolled(ResponseFact, f, agent_field="agent_id")
        .values("channel")
        .annotate(
            n=Count("pk", filter=Q(is_first=True)),
            within=Count("pk", filter=Q(is_first=True, within_target=True)),
            later=Count("pk", filter=Q(is_first=False, within_target__isnull=False)),
            later_within=Count("pk", filter=Q(is_first=False, within_target=True)),
        )
    )
    return {
        row["channel"]: {
            "responses": row["n"],
            "within_target_share": share(row["within"], row["n"]),
            "next_responses": row["later"],
            "next_within_target_share": share(row["later_within"], row["later"]),
        }
        for row in rows
    }


def business_hours(f: ReportFilter) -> dict:
    days = rolled(ConversationDay, f).aggregate(
        inside=Sum("messages_inside_hours"),
        total=Sum(F("messages_in") + F("messages_out_human") + F("messages_out_bot")),
        in_inside=Sum("messages_in_inside_hours"),
        in_total=Sum("messages_in"),
    )
    created = rolled(ConversationFact, f, day_field="created_day").aggregate(
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


def surveys(f: ReportFilter, kind: str) -> QuerySet:
    qs = SurveyResponse.objects.filter(kind=kind, inbox__in=inboxes(f)).filter(moment_q(f, "answered_at"))
    return qs.filter(conversation_q(f, "conversation__", agent_field="agent_id"))


def csat(f: ReportFilter) -> dict:
    qs = surveys(f, SurveyKind.CSAT)
    row = qs.aggregate(average=Avg("score"), responses=Count("pk"))
    distribution = dict(qs.values_list("score").annotate(n=Count("pk")).order_by())
    return {
        "average": round_(row["average"], 2),
        "responses": row["responses"],
        "distribution": {str(score): distribution.get(score, 0) for score in range(1, 6)},
        "comments": _comments(qs),
    }


def nps(f: ReportFilter) -> dict:
    qs = surveys(f, SurveyKind.NPS)
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
    row = rolled(ConversationDay, f).aggregate(
        positive=Sum("sentiment_positive"), neutral=Sum("sentiment_neutral"), negative=Sum("sentiment_negative")
    )
    counts = {label: row[label] or 0 for label in ("positive", "neutral", "negative")}
    total = sum(counts.values())
    turned = rolled(ConversationFact, f, day_field="turned_negative_day")
    return {
        **{label: share(count, total) for label, count in counts.items()},
        "messages": total,
        "counts": counts,
        "turned_negative": turned.count(),
        "turned_negative_ids": list(turned.order_by("-pk").values_list("pk", flat=True)[:TURNED_NEGATIVE_SHOWN]),
    }


def tags(f: ReportFilter) -> dict:
    rows = (
        rolled(ConversationFact, f, day_field="created_day")
        .filter(conversation__tags__isnull=False)
        .values("conversation__tags__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "conversation__tags__name")
    )
    return {row["conversation__tags__name"]: row["n"] for row in rows}


def leads(f: ReportFilter) -> dict:
    rows = (
        rolled(ConversationFact, f, day_field="created_day").filter(lead=True).values("channel").annotate(n=Count("pk"))
    )
    return dict.fromkeys(kinds(f), 0) | {row["channel"]: row["n"] for row in rows}


def bots(f: ReportFilter) -> dict:
    row = (
        rolled(ConversationFact, f, day_field="created_day")
        .filter(bot_messages__gt=0)
        .aggregate(
            handled=Count("pk", filter=Q(human_replies=0)),
            handed_over=Count("pk", filter=Q(handed_over=True)),
        )
    )
    return row
