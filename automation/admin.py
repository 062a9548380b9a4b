from django.contrib import admin

from .models import ConversationAutomation, InboxAutomation, KnowledgeEntry, Rule, RuleRun


@admin.register(InboxAutomation)
class InboxAutomationAdmin(admin.ModelAdmin):
    list_display = ("inbox", "away_enabled", "busy_enabled", "bot_enabled", "bot_threshold", "assignment_mode")
    list_filter = ("bot_enabled", "assignment_mode")
    raw_id_fields = ("last_assignee",)


@admin.register(KnowledgeEntry)
class KnowledgeEntryAdmin(admin.ModelAdmin):
    list_display = ("title", "language", "inbox", "enabled", "updated_at")
    list_filter = ("language", "enabled", "inbox")
    search_fields = ("title", "answer", "questions")


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("position", "name", "trigger", "inbox", "enabled")
    list_display_links = ("name",)
    list_editable = ("position", "enabled")
    list_filter = ("trigger", "enabled", "inbox")


@admin.register(RuleRun)
class RuleRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "rule_name", "conversation", "trigger", "outcome")
    list_filter = ("outcome", "trigger")
    raw_id_fields = ("conversation", "message", "rule")
    readonly_fields = [f.name for f in RuleRun._meta.fields]


@admin.register(ConversationAutomation)
class ConversationAutomationAdmin(admin.ModelAdmin):
    list_display = ("conversation", "bot_status", "language", "handover_reason", "sla_warned_at", "sla_breached_at")
    list_filter = ("bot_status",)
    raw_id_fields = ("conversation",)
