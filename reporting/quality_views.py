"""Quality review pages: leads draw and score (/reports/quality/), agents read their own
reviews (/reports/my-reviews/). Server-rendered; forms carry CSRF tokens."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from inbox.models import Message

from .models import QualityReview
from .quality import (
    QualityReviewRefused,
    access_quality_review,
    may_review,
    quality_averages,
    quality_review_score,
    quality_reviews_draw,
)
from .quality_labels import SKILL_LABELS
from .views import _period_params


def _period(query: QueryDict) -> tuple[date, date, QueryDict]:
    params = _period_params(query)
    try:
        start, end = date.fromisoformat(params.get("from", "")), date.fromisoformat(params.get("to", ""))
    except ValueError:
        raise QualityReviewRefused(_("A date as YYYY-MM-DD is required."), code="date_invalid") from None
    if start > end:
        raise QualityReviewRefused(_("The end of the period is before its start."), code="period_invalid")
    return start, end, params


def _lead_only(user) -> None:
    if not may_review(user):
        raise PermissionDenied


@login_required
def quality_overview(request):
    _lead_only(request.user)
    try:
        start, end, params = _period(request.GET)
    except QualityReviewRefused as refused:
        return render(request, "reporting/quality.html", {"error": refused.reason, "params": request.GET}, status=400)
    reviews = (
        QualityReview.objects.filter(period_start=start, period_end=end)
        .select_related("agent", "conversation__contact", "conversation__inbox")
        .order_by("agent__username", "conversation_id")
    )
    context = {
        "params": params,
        "start": start,
        "end": end,
        "reviews": reviews,
        "averages": quality_averages(),
        "agent_averages": quality_averages(per_agent=True),
    }
    return render(request, "reporting/quality.html", context)


@login_required
@require_POST
def quality_draw_view(request):
    _lead_only(request.user)
    try:
        start, end, _ = _period(request.POST)
        quality_reviews_draw(start=start, end=end)
    except QualityReviewRefused as refused:
        return render(request, "reporting/quality.html", {"error": refused.reason, "params": request.POST}, status=400)
    query = urlencode({"period": "custom", "from": start.isoformat(), "to": end.isoformat()})
    return redirect(f"{reverse('quality-overview')}?{query}")


@login_required
@require_http_methods(["GET", "POST"])
def quality_review_view(request, review_id: int):
    _lead_only(request.user)
    review = access_quality_review(request.user, review_id)
    error = None
    if request.method == "POST":
        try:
            quality_review_score(
                review=review,
                reviewer=request.user,
                scores={skill: request.POST.get(skill) for skill in QualityReview.SKILLS},
                comment=request.POST.get("comment", ""),
            )
        except QualityReviewRefused as refused:
            error = refused.reason
        else:
            query = urlencode(
                {"period": "custom", "from": review.period_start.isoformat(), "to": review.period_end.isoformat()}
            )
            return redirect(f"{reverse('quality-overview')}?{query}")
    messages = (
        Message.objects.filter(conversation=review.conversation)
        .exclude(sender_type="system")
        .select_related("author")
        .order_by("sent_at", "id")
    )
    context = {"review": review, "messages": messages, "error": error, "skills": _skills(review), "scale": range(1, 6)}
    return render(request, "reporting/quality_review.html", context, status=400 if error else 200)


def _skills(review: QualityReview) -> list[tuple[str, str, int | None]]:
    return [(skill, SKILL_LABELS[skill], getattr(review, skill)) for skill in QualityReview.SKILLS]


@login_required
def my_reviews(request):
    reviews = (
        QualityReview.objects.filter(agent=request.user, reviewed_at__isnull=False)
        .select_related("conversation__inbox", "reviewer")
        .order_by("-period_start", "conversation_id")
    )
    context = {"reviews": reviews, "averages": quality_averages(agent=request.user)}
    return render(request, "reporting/my_reviews.html", context)
