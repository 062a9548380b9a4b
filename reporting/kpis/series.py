"""The dashboard's chart data: the same roll-ups as the summary, per day or per bucket
(docs/kpis.md, "Charts"). Aggregated in SQL; the dashboard shows each as a table too."""

from datetime import timedelta

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import ConversationDay, ResponseFact, SurveyKind
from .common import ReportFilter, rolled, round_
from .figures import surveys

# First-response buckets: (upper bound in seconds, label); the last one is open-ended.
FIRST_RESPONSE_BUCKETS = [
    (60, "< 1 m"),
    (300, "1–5 m"),
    (900, "5–15 m"),
    (1800, "15–30 m"),
    (3600, "30–60 m"),
    (4 * 3600, "1–4 h"),
    (24 * 3600, "4–24 h"),
    (None, "> 24 h"),
]


def days(f: ReportFilter) -> list[str]:
    return [(f.start + timedelta(days=n)).isoformat() for n in range((f.end - f.start).days + 1)]


def volume_by_day(f: ReportFilter) -> dict[str, list[int]]:
    """Messages (in and out) per channel per local day of the period."""
    labels = days(f)
    rows = (
        rolled(ConversationDay, f)
        .values("day", "channel")
        .annotate(n=Sum(F("messages_in") + F("messages_out_human") + F("messages_out_bot")))
        .order_by()
    )
    series: dict[str, list[int]] = {}
    for row in rows:
        values = series.setdefault(row["channel"], [0] * len(labels))
        values[labels.index(row["day"].isoformat())] = row["n"] or 0
    return dict(sorted(series.items()))


def first_response_histogram(f: ReportFilter) -> list[dict]:
    """How many first responses of the period fall in each waiting-time bucket."""
    firsts = rolled(ResponseFact, f, agent_field="agent_id").filter(is_first=True)
    counts, low = {}, 0
    for index, (high, _label) in enumerate(FIRST_RESPONSE_BUCKETS):
        bounds = Q(seconds__gte=low) if high is None else Q(seconds__gte=low, seconds__lt=high)
        counts[f"b{index}"] = Count("pk", filter=bounds)
        low = high
    row = firsts.aggregate(**counts)
    return [{"label": label, "count": row[f"b{n}"]} for n, (_high, label) in enumerate(FIRST_RESPONSE_BUCKETS)]


def feedback_by_day(f: ReportFilter) -> dict[str, list]:
    """CSAT average and NPS score per day answered. Days here are in the installation's time
    zone (settings.TIME_ZONE): a trend line, where one inbox's midnight edge does not matter;
    the summary's totals use each inbox's own days."""
    labels = days(f)
    zone = timezone.get_current_timezone()
    csat, nps = [None] * len(labels), [None] * len(labels)
    csat_rows = (
        surveys(f, SurveyKind.CSAT)
        .annotate(day=TruncDate("answered_at", tzinfo=zone))
        .values("day")
        .annotate(avg=Avg("score"))
        .order_by()
    )
    for row in csat_rows:
        if row["day"].isoformat() in labels:
            csat[labels.index(row["day"].isoformat())] = round_(row["avg"], 2)
    nps_rows = (
        surveys(f, SurveyKind.NPS)
        .annotate(day=TruncDate("answered_at", tzinfo=zone))
        .values("day")
        .annotate(
            n=Count("pk"), promoters=Count("pk", filter=Q(score__gte=9)), detractors=Count("pk", filter=Q(score__lte=6))
        )
        .order_by()
    )
    for row in nps_rows:
        if row["day"].isoformat() in labels:
            score = 100 * (row["promoters"] - row["detractors"]) / row["n"]
            nps[labels.index(row["day"].isoformat())] = round(score, 1)
    return {"csat": csat, "nps": nps}


def charts_compute(*, report_filter: ReportFilter) -> dict:
    """Every series, and the same per day as table rows (day, values...)."""
    labels = days(report_filter)
    volume = volume_by_day(report_filter)
    feedback = feedback_by_day(report_filter)
    return {
        "days": labels,
        "volume": volume,
        "volume_rows": [(day, [values[n] for values in volume.values()]) for n, day in enumerate(labels)],
        "first_response": first_response_histogram(report_filter),
        "feedback": feedback,
        "feedback_rows": [(day, feedback["csat"][n], feedback["nps"][n]) for n, day in enumerate(labels)],
    }
