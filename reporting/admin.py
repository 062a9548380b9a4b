from django.contrib import admin

from .models import ServiceLevelSetting, SurveyResponse, SurveySetting


@admin.register(ServiceLevelSetting)
class ServiceLevelSettingAdmin(admin.ModelAdmin):
    """Leads turn the business-hours clock on per inbox (the target is on the inbox itself)."""

    list_display = ["inbox", "business_hours_clock", "target"]
    list_editable = ["business_hours_clock"]

    @admin.display(description="First response target (s)")
    def target(self, setting):
        return setting.inbox.first_response_target_seconds


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["conversation", "inbox", "kind", "score", "agent", "answered_at"]
    list_filter = ["kind", "inbox"]
    readonly_fields = ["conversation", "inbox", "kind", "score", "comment", "agent", "message", "answered_at"]

    def has_add_permission(self, request):
        return False  # answers come from customers, not from the admin


@admin.register(SurveySetting)
class SurveySettingAdmin(admin.ModelAdmin):
    """Leads choose per inbox which survey (off, CSAT, NPS) follows a resolution."""

    list_display = ["inbox", "survey"]
    list_editable = ["survey"]
