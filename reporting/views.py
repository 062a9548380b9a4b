"""The lead dashboard (/reports/): the summary's figures as tables, server-rendered."""

from datetime import date, datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inbox import access
from inbox.models import ConversationStatus, Tag, Team
from kernel.channel_kinds import kind_choices, kind_label

from .access import ReportFilterInvalid, access_report_filter
from .export import CONVERSATION_COLUMNS, conversation_rows, csv_lines, table_rows
from .kpis import summary_compute
from .kpis.series import charts_compute

PERIODS = {"today": 1, "7d": 7, "30d": 30}
# The rows of the Cases table: the statuses at the end of the period, then the period's flows.
CASE_LABELS = {
    **dict(ConversationStatus.choices),
    "opened": gettext_lazy("Opened in the period"),
    "resolved_in_period": gettext_lazy("Resolved in the period"),
    "reopened": gettext_lazy("Reopened in the period"),
}


def _period_params(query: QueryDict) -> QueryDict:
    """`period=today|7d|30d` becomes from/to ending today; custom dates pass through."""
    params = query.copy()
    period = params.get("period") or ("custom" if params.get("from") else "7d")
    if period in PERIODS:
        today = timezone.localdate()
        params["from"] = (today - timedelta(days=PERIODS[period] - 1)).isoformat()
        params["to"] = today.isoformat()
    params["period"] = period
    return params


def _change(current, previous):
    if current is None or previous in (None, 0):
        return None
    return round((current - previous) / previous, 3)


def _tiles(summary: dict, before: dict) -> list[dict]:
    def total(body, key):
        return sum(item[key] for item in body["volume"].values())

    pairs = [
        (_("Conversations"), total(summary, "conversations"), total(before, "conversations"), "count"),
        (_("Customer messages"), total(summary, "messages_in"), total(before, "messages_in"), "count"),
        (_("First response (median)"), summary["first_response"]["median_seconds"],
         before["first_response"]["median_seconds"], "seconds"),
        (_("Within target"), summary["first_response"]["within_target_share"],
         before["first_response"]["within_target_share"], "share"),
        (_("Resolution (median)"), summary["resolution"]["median_seconds"], before["resolution"]["median_seconds"],
         "seconds"),
        ("CSAT", summary["csat"]["average"], before["csat"]["average"], "number"),
        ("NPS", summary["nps"]["score"], before["nps"]["score"], "number"),
    ]  # fmt: skip
    return [
        {"label": label, "value": value, "previous": prev, "change": _change(value, prev), "unit": unit}
        for label, value, prev, unit in pairs
    ]


def _day(iso: str, format_name: str = "DATE_FORMAT") -> str:
    return date_format(date.fromisoformat(iso), format_name)


def _cases(summary: dict) -> list[tuple[str, int]]:
    return [(str(CASE_LABELS.get(key, key)), value) for key, value in summary["cases"].items()]


def _breaches(summary: dict) -> list[dict]:
    """The newest breaches with the answer time in the reader's zone and date format."""
    rows = []
    for breach in summary["first_response"].get("breaches", [])[:50]:
        replied = breach.get("replied_at")
        if isinstance(replied, str) and replied:
            replied = date_format(timezone.localtime(datetime.fromisoformat(replied)), "DATETIME_FORMAT")
        rows.append({**breach, "replied_at": replied or ""})
    return rows


def _series_shown(series: dict) -> dict:
    """The series' tables with channels and days as people read them."""
    return {
        **series,
        "volume_channels": [kind_label(channel) for channel in series["volume"]],
        "volume_rows": [(_day(day), values) for day, values in series["volume_rows"]],
        "feedback_rows": [(_day(day), csat, nps) for day, csat, nps in series["feedback_rows"]],
    }


def _charts(summary: dict, series: dict) -> dict:
    """What static/js/reports-charts.js draws (passed with json_script: no inline script)."""
    sentiment = summary["sentiment"]
    channels = {*series["volume"], *summary["service_level"]}
    return {
        "days": [_day(day, "MONTH_DAY_FORMAT") for day in series["days"]],
        "channel_labels": {channel: kind_label(channel) for channel in channels},
        "volume": series["volume"],
        "first_response": series["first_response"],
        "service_level": {channel: level["within_target_share"] for channel, level in summary["service_level"].items()},
        "feedback": series["feedback"],
        "sentiment": {key: sentiment[key] for key in ("positive", "neutral", "negative")},
        "tags": summary["tags"],
        "labels": {
            "messages": _("Messages"),
            "first_responses": _("First responses"),
            "within_target": _("Within target"),
            "csat": "CSAT",
            "nps": "NPS",
            "positive": _("Positive"),
            "neutral": _("Neutral"),
            "negative": _("Negative"),
            "conversations": _("Conversations"),
        },
    }


@login_required
def reports_dashboard(request):
    params = _period_params(request.GET)
    context = {"params": params, "error": None, "channels": kind_choices()}
    try:
        report_filter = access_report_filter(request.user, params)
    except ReportFilterInvalid as invalid:
        context["error"] = f"{invalid.field}: {invalid.reason}"
        return render(request, "reporting/dashboard.html", context, status=400)
    summary = summary_compute(report_filter=report_filter)
    before = summary_compute(report_filter=report_filter.previous())
    series = charts_compute(report_filter=report_filter)
    context.update(
        series=_series_shown(series),
        charts=_charts(summary, series),
        summary=summary,
        period_start=report_filter.start,
        period_end=report_filter.end,
        cases=_cases(summary),
        breaches=_breaches(summary),
        volume=[(kind_label(channel), channel, row) for channel, row in summary["volume"].items()],
        public_posts=[(kind_label(post["channel"]), post) for post in summary["public"]["posts"]],
        tiles=_tiles(summary, before),
        inboxes=access.visible_inboxes(request.user).order_by("name"),
        teams=Team.objects.order_by("name"),
        tags=Tag.objects.order_by("name"),
        previous=report_filter.previous(),
    )
    return render(request, "reporting/dashboard.html", context)


@login_required
def reports_export(request, table: str):
    """CSV of one table of the dashboard (`agents`, `volume`) or of its conversations."""
    params = _period_params(request.GET)
    try:
        report_filter = access_report_filter(request.user, params)
    except ReportFilterInvalid as invalid:
        return render(
            request,
            "reporting/dashboard.html",
            {"params": params, "error": invalid.reason, "channels": kind_choices()},
            status=400,
        )
    if table == "conversations":
        lines = csv_lines(CONVERSATION_COLUMNS, conversation_rows(report_filter))
    elif table in ("agents", "volume"):
        lines = csv_lines(None, table_rows(report_filter, table))
    else:
        raise Http404
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    name = f"webcare-{table}-{report_filter.start}-{report_filter.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
