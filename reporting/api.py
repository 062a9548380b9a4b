"""GET /api/v1/reports/summary/: the KPIs of docs/kpis.md as JSON (shape in docs/api.md)."""

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from kernel.channel_kinds import kinds

from .access import ReportFilterInvalid, access_report_filter
from .kpis import summary_compute

SUMMARY_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First local day, YYYY-MM-DD"),
    OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Last local day (included)"),
    OpenApiParameter("inbox", int),
    OpenApiParameter("channel", str, enum=kinds()),  # urls import this module after the channels registered
    OpenApiParameter("agent", int, description="user id"),
    OpenApiParameter("team", int),
    OpenApiParameter("tag", str),
]


class ReportSummary(APIView):
    @extend_schema(parameters=SUMMARY_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        try:
            report_filter = access_report_filter(request.user, request.query_params)
        except ReportFilterInvalid as invalid:
            raise ValidationError({invalid.field: invalid.reason}) from None
        return Response(summary_compute(report_filter=report_filter))
