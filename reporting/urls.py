from django.urls import path

from . import api, quality_views, views

api_urlpatterns = [
    path("reports/summary/", api.ReportSummary.as_view(), name="api-report-summary"),
]

urlpatterns = [
    path("reports/", views.reports_dashboard, name="reports-dashboard"),
    path("reports/public/", views.reports_public, name="reports-public"),
    path("reports/export/<slug:table>.csv", views.reports_export, name="reports-export"),
    path("reports/quality/", quality_views.quality_overview, name="quality-overview"),
    path("reports/quality/draw/", quality_views.quality_draw_view, name="quality-draw"),
    path("reports/quality/<int:review_id>/", quality_views.quality_review_view, name="quality-review"),
    path("reports/my-reviews/", quality_views.my_reviews, name="my-reviews"),
]
