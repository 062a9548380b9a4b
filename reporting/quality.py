"""Quality review: per period, three random conversations per agent are put up for review, a
lead scores them on hard and soft skills, the agent reads their own reviews, and a report shows
the averages over time.

The draw is reproducible: the same period and agent always give the same conversations (a
random generator seeded with both), whoever draws and however often. An agent's candidates
are the conversations they sent a human reply in during the period (`AgentConversationDay`,
the roll-up's own table: days in each inbox's time zone).
"""

import random
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Avg, Count, F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inbox import access
from kernel.refusals import Refused

from .models import AgentConversationDay, QualityReview

PER_AGENT = 3


class QualityReviewRefused(Refused):
    code = "review_refused"


def quality_draw(*, agent_id: int, start: date, end: date, candidates: list[int], count: int = PER_AGENT) -> list[int]:
    """`count` of the candidate conversation ids, the same ones for the same period and agent."""
    generator = random.Random(f"quality:{start.isoformat()}:{end.isoformat()}:{agent_id}")
    pool = sorted(set(candidates))
    return sorted(generator.sample(pool, min(count, len(pool))))


def quality_reviews_draw(*, start: date, end: date, count: int = PER_AGENT) -> list[QualityReview]:
    """Put up `count` conversations per agent active in the period for review. Safe to run
    again: an agent already drawn for the period keeps their draw."""
    if start > end:
        raise QualityReviewRefused(_("The end of the period is before its start."), code="period_invalid")
    active = AgentConversationDay.objects.filter(day__gte=start, day__lte=end, replies__gt=0)
    by_agent: dict[int, list[int]] = {}
    for agent_id, conversation_id in active.values_list("agent_id", "conversation_id").distinct():
        by_agent.setdefault(agent_id, []).append(conversation_id)
    drawn = QualityReview.objects.filter(period_start=start, period_end=end)
    already = set(drawn.values_list("agent_id", flat=True))
    with transaction.atomic():
        QualityReview.objects.bulk_create(
            [
                QualityReview(period_start=start, period_end=end, agent_id=agent_id, conversation_id=conversation_id)
                for agent_id, candidates in sorted(by_agent.items())
                if agent_id not in already
                for conversation_id in quality_draw(
                    agent_id=agent_id, start=start, end=end, candidates=candidates, count=count
                )
            ],
            ignore_conflicts=True,
        )
    return list(drawn.select_related("agent", "conversation").order_by("agent__username", "conversation_id"))


def quality_review_score(*, review: QualityReview, reviewer, scores: dict, comment: str = "") -> QualityReview:
    """Store a lead's scores (every skill 1 to 5) and comment; a later scoring replaces it."""
    values = {}
    for skill in QualityReview.SKILLS:
        try:
            value = int(scores.get(skill))
        except (TypeError, ValueError):
            raise QualityReviewRefused(
                _("{skill}: a score from 1 to 5 is required."), code="score_required", skill=skill
            ) from None
        if not 1 <= value <= 5:
            raise QualityReviewRefused(
                _("{skill}: a score from 1 to 5 is required."), code="score_required", skill=skill
            )
        values[skill] = value
    QualityReview.objects.filter(pk=review.pk).update(
        **values, comment=(comment or "").strip()[:5000], reviewer=reviewer, reviewed_at=timezone.now()
    )
    review.refresh_from_db()
    return review


def may_review(user) -> bool:
    return access.sees_everything(user)


def access_quality_review(user, review_id) -> QualityReview:
    """A review a lead may score (any), or an agent may read (their own, once scored)."""
    reviews = QualityReview.objects.select_related("agent", "conversation", "reviewer")
    if not may_review(user):
        reviews = reviews.filter(agent=user, reviewed_at__isnull=False)
    try:
        return reviews.get(pk=int(review_id))
    except (ValueError, TypeError, QualityReview.DoesNotExist):
        raise Http404 from None


def quality_averages(*, agent=None, per_agent: bool = False) -> list[dict]:
    """Average scores per period (newest first), over every agent, for one, or per agent;
    SQL aggregation."""
    reviews = QualityReview.objects.filter(reviewed_at__isnull=False)
    if agent is not None:
        reviews = reviews.filter(agent=agent)
    group = {"start": F("period_start"), "end": F("period_end")}
    if per_agent:
        group["reviewed_agent"] = F("agent_id")
    rows = list(
        reviews.values(**group)
        .annotate(reviews=Count("id"), **{skill: Avg(skill) for skill in QualityReview.SKILLS})
        .order_by("-start", "-end")
    )
    if per_agent:
        # Agents by the name people know them by (their full name; the login only without one).
        users = get_user_model().objects.in_bulk({row["reviewed_agent"] for row in rows})
        for row in rows:
            user = users.get(row.pop("reviewed_agent"))
            row["agent_name"] = (user.get_full_name() or user.get_username()) if user else ""
        rows.sort(key=lambda row: (-row["start"].toordinal(), -row["end"].toordinal(), row["agent_name"].lower()))
    return [
        {
            **row,
            **{skill: round(row[skill], 2) for skill in QualityReview.SKILLS},
            "hard": round((row["knowledge"] + row["goal_reached"]) / 2, 2),
            "soft": round((row["tone_of_voice"] + row["analysis"] + row["empathy"]) / 3, 2),
        }
        for row in rows
    ]
