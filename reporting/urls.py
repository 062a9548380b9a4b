from django.urls import path

from . import api

api_urlpatterns = [
    path("reports/summary/", api.ReportSummary.as_view(), name="api-report-summary"),
]
