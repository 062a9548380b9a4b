"""Crisis signals of public comments (docs/kpis.md, "Public comments"): comments per post per
hour, a live spike warning, and the sentiment of public comments.

Counting is done in SQL (one row per post and clock hour); only the median of a spiking post's
hourly counts is taken in Python, over at most a week of hours.
"""

import statistics
from datetime import UTC, datetime, timedelta

from django.db.models import Count, Min, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone

from inbox.models import Conversation, Message

from ..models import MessageSentiment
from .common import ReportFilter, conversation_q, inboxes, moment_q, share

# A post is spiking when its last hour has SPIKE_FACTOR times its usual hourly comments.
SPIKE_FACTOR = 10
# The usual rate never counts as less than one comment an hour, so a quiet or brand-new post
# needs at least ten comments in an hour before it warns.
USUAL_FLOOR_PER_HOUR = 1
USUAL_HISTORY = timedelta(days=7)
POSTS_SHOWN = 10
CAPTION_SHOWN = 200
COMMENT_KINDS = ("comment", "mention")


def public_comments(f: ReportFilter, *, now: datetime | None = None) -> dict:
    """Posts by comments in the period (with their busiest hour), the posts spiking right now,
    and the sentiment shares of the period's public comments."""
    return {"posts": _posts(f), "spikes": _spikes(f, now=now or timezone.now()), "sentiment": _sentiment(f)}


def _comments(f: ReportFilter) -> QuerySet[Message]:
    """Customers' comments and mentions in the filter's inboxes (team, tag, agent applied)."""
    return Message.objects.filter(
        inbox__in=inboxes(f),
        conversation__public=True,
        direction="in",
        sender_type="contact",
        kind__in=COMMENT_KINDS,
    ).filter(conversation_q(f, "conversation__", agent_field="conversation__assignee_id"))


def _hourly(comments: QuerySet[Message]) -> QuerySet:
    return (
        comments.annotate(hour=TruncHour("sent_at", tzinfo=UTC))
        .values("inbox_id", "inbox__kind", "conversation__thread_key", "hour")
        .annotate(n=Count("pk"))
    )


def _posts(f: ReportFilter) -> list[dict]:
    posts: dict[tuple, dict] = {}
    for row in _hourly(_comments(f).filter(moment_q(f, "sent_at"))):
        key = (row["inbox_id"], row["conversation__thread_key"])
        post = posts.setdefault(
            key,
            {"inbox": key[0], "channel": row["inbox__kind"], "post_id": key[1], "comments": 0, "peak_per_hour": 0},
        )
        post["comments"] += row["n"]
        if row["n"] > post["peak_per_hour"]:
            post["peak_per_hour"], post["peak_hour"] = row["n"], row["hour"].isoformat()
    shown = sorted(posts.values(), key=lambda post: (-post["comments"], post["post_id"]))[:POSTS_SHOWN]
    return [{**post, **_post_shown(post["inbox"], post["post_id"])} for post in shown]


def _spikes(f: ReportFilter, *, now: datetime) -> list[dict]:
    """Posts whose last 60 minutes have at least SPIKE_FACTOR times their usual hourly comments.
    Usual: the median comments per clock hour over the week of whole hours before the last
    hour began (hours before the post's first comment do not count; empty hours count as 0),
    at least USUAL_FLOOR_PER_HOUR."""
    comments = _comments(f)
    recent = (
        comments.filter(sent_at__gte=now - timedelta(hours=1), sent_at__lt=now)
        .values("inbox_id", "inbox__kind", "conversation__thread_key")
        .annotate(n=Count("pk"))
        .filter(n__gte=SPIKE_FACTOR * USUAL_FLOOR_PER_HOUR)
    )
    cut = (now - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    spikes = []
    for row in recent:
        inbox_id, post_id = row["inbox_id"], row["conversation__thread_key"]
        usual = _usual_per_hour(comments.filter(inbox_id=inbox_id, conversation__thread_key=post_id), cut=cut)
        if row["n"] >= SPIKE_FACTOR * usual:
            spikes.append(
                {
                    "inbox": inbox_id,
                    "channel": row["inbox__kind"],
                    "post_id": post_id,
                    **_post_shown(inbox_id, post_id),
                    "last_hour": row["n"],
                    "usual_per_hour": usual,
                    "factor": round(row["n"] / usual, 1),
                }
            )
    return sorted(spikes, key=lambda spike: -spike["factor"])


def _usual_per_hour(post_comments: QuerySet[Message], *, cut: datetime) -> float:
    first = post_comments.aggregate(first=Min("sent_at"))["first"]
    start = max(cut - USUAL_HISTORY, first.replace(minute=0, second=0, microsecond=0)) if first else cut
    hours = max(0, int((cut - start).total_seconds() // 3600))
    if hours == 0:
        return float(USUAL_FLOOR_PER_HOUR)
    counts = [row["n"] for row in _hourly(post_comments.filter(sent_at__gte=start, sent_at__lt=cut))]
    counts += [0] * (hours - len(counts))
    return float(max(statistics.median(counts), USUAL_FLOOR_PER_HOUR))


def _post_shown(inbox_id: int, post_id: str) -> dict:
    """How a lead recognises the post: its link and the start of its caption (a platform's
    post id means nothing to a person)."""
    sources = Conversation.objects.filter(inbox_id=inbox_id, public=True, thread_key=post_id).order_by("-pk")
    source = sources.values_list("source", flat=True).first() or {}
    permalink = str(source.get("permalink") or "")
    return {
        "permalink": permalink if permalink.startswith(("https://", "http://")) else "",  # shown as a link
        "caption": str(source.get("caption") or "")[:CAPTION_SHOWN],
    }


def _sentiment(f: ReportFilter) -> dict:
    """The analyser's verdicts on the period's public comments (the same analyser as
    `sentiment`; a comment is scored when its day is rolled up)."""
    rows = (
        MessageSentiment.objects.filter(inbox__in=inboxes(f), conversation__public=True)
        .filter(moment_q(f, "sent_at"))
        .filter(conversation_q(f, "conversation__", agent_field="conversation__assignee_id"))
        .values("label")
        .annotate(n=Count("pk"))
    )
    counts = {"positive": 0, "neutral": 0, "negative": 0}
    counts.update({row["label"]: row["n"] for row in rows})
    total = sum(counts.values())
    return {**{label: share(n, total) for label, n in counts.items()}, "comments": total, "counts": counts}
