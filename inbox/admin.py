from django.contrib import admin

from .models import (
    AgentProfile,
    Attachment,
    Conversation,
    ConversationEvent,
    Inbox,
    Message,
    ParkedStatusUpdate,
    Tag,
    Team,
    WebhookEvent,
)


@admin.register(Inbox)
class InboxAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "kind", "external_id", "is_active", "needs_reauth"]
    list_filter = ["kind", "is_active", "needs_reauth"]
    search_fields = ["name", "external_id"]
    filter_horizontal = ["members"]
    # Secrets are never shown back after saving.
    exclude = ["credentials"]
    readonly_fields = ["public_key", "webhook_path"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["id", "name"]
    filter_horizontal = ["members"]


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "availability", "capacity", "language"]
    list_filter = ["role", "availability"]
    search_fields = ["user__username", "user__email"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "color"]
    search_fields = ["name"]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["sent_at", "direction", "sender_type", "kind", "text", "status", "private"]
    readonly_fields = fields
    show_change_link = True
    ordering = ["sent_at"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["id", "inbox", "contact", "status", "assignee", "priority", "last_message_at"]
    list_filter = ["status", "priority", "inbox"]
    search_fields = ["contact__name", "contact__phone", "contact__email"]
    raw_id_fields = ["contact", "identity", "assignee"]
    filter_horizontal = ["tags"]
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "conversation", "direction", "sender_type", "kind", "status", "sent_at"]
    list_filter = ["direction", "sender_type", "kind", "status", "private"]
    search_fields = ["external_id", "text"]
    raw_id_fields = ["conversation", "inbox", "author", "reply_to"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["id", "message", "kind", "filename", "mime_type", "size", "status"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["message"]


@admin.register(ConversationEvent)
class ConversationEventAdmin(admin.ModelAdmin):
    list_display = ["id", "conversation", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["conversation", "inbox", "actor"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["id", "channel", "inbox", "status", "attempts", "received_at", "processed_at"]
    list_filter = ["channel", "status"]
    readonly_fields = ["body", "headers", "received_at", "processed_at", "attempts", "error"]
    actions = ["reprocess"]

    @admin.action(description="Process the selected events again")
    def reprocess(self, request, queryset):
        from .webhooks import webhook_event_process

        outcomes = [webhook_event_process(event.pk) for event in queryset]
        self.message_user(request, f"Processed {len(outcomes)}: {', '.join(sorted(set(outcomes)))}")


@admin.register(ParkedStatusUpdate)
class ParkedStatusUpdateAdmin(admin.ModelAdmin):
    list_display = ["id", "inbox", "external_id", "status", "timestamp"]
