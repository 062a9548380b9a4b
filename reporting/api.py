"""GET /api/v1/reports/summary/: the KPIs of docs/kpis.md as JSON (see CONTRACT.md)."""

from datetime import date

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from inbox import access

from .kpis import ReportFilter, summary_compute

MAX_PERIOD_DAYS = 366
SUMMARY_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First local day, YYYY-MM-DD"),
    OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Last local day (included)"),
    OpenApiParameter("inbox", int),
    OpenApiParameter("channel", str, enum=["whatsapp", "messenger", "livechat"]),
    OpenApiParameter("agent", int, description="user id"),
    OpenApiParameter("team", int),
    OpenApiParameter("tag", str),
]


def _date(params, name: str) -> date:
    value = params.get(name, "")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: "A date as YYYY-MM-DD is required."}) from None


def _int(params, name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError({name: "A number is required."}) from None


def access_report_filter(user, params) -> ReportFilter:
    """The period and filters from query parameters, limited to the inboxes the user may see;
    an inbox they may not see is 404, as everywhere."""
    start, end = _date(params, "from"), _date(params, "to")
    if start > end:
        raise ValidationError({"to": "'to' is before 'from'."})
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ValidationError({"to": f"A period is at most {MAX_PERIOD_DAYS} days."})
    inbox = _int(params, "inbox")
    visible = None if access.sees_everything(user) else tuple(access.visible_inbox_ids(user))
    if inbox is not None and visible is not None and inbox not in visible:
        raise Http404
    return ReportFilter(
        start=start,
        end=end,
        inbox_ids=visible,
        inbox=inbox,
        channel=params.get("channel") or None,
        team=_int(params, "team"),
        agent=_int(params, "agent"),
        tag=(params.get("tag") or "").strip().lower() or None,
    )


class ReportSummary(APIView):
    @extend_schema(parameters=SUMMARY_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        report_filter = access_report_filter(request.user, request.query_params)
        return Response(summary_compute(report_filter=report_filter))
