from django.urls import path

from . import api, views

api_urlpatterns = [
    path("reports/summary/", api.ReportSummary.as_view(), name="api-report-summary"),
]

urlpatterns = [
    path("reports/", views.reports_dashboard, name="reports-dashboard"),
    path("reports/export/<slug:table>.csv", views.reports_export, name="reports-export"),
]
