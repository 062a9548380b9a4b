from django import forms
from django.contrib import admin

from audit.models import AuditAction
from audit.services import audit_record

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
from .provisioning import DEMO_CREDENTIALS_REFUSED

# The secrets an admin may replace (Meta inboxes); live chat has none.
SECRET_FIELDS = ("access_token", "app_secret", "verify_token")


def _secret_field(label: str) -> forms.CharField:
    widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
    return forms.CharField(label=label, required=False, strip=True, widget=widget)


class InboxAdminForm(forms.ModelForm):
    """Secrets are write-only: the fields start empty, an empty field keeps the stored value,
    and a new access token clears "needs new credentials" (the platform rejected the old one)."""

    access_token = _secret_field("Access token")
    app_secret = _secret_field("App secret")
    verify_token = _secret_field("Webhook verify token")

    class Meta:
        model = Inbox
        fields = [  # never `credentials`: secrets go through the write-only fields above
            "kind",
            "name",
            "external_id",
            "config",
            "time_zone",
            "business_hours",
            "first_response_target_seconds",
            "members",
            "team",
            "is_active",
            "needs_reauth",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            stored = bool((self.instance.credentials or {}).get(name)) if self.instance.pk else False
            self.fields[name].help_text = "Set; leave empty to keep it." if stored else "Not set."

    def clean(self):
        cleaned = super().clean()
        if self.instance.demo and any(cleaned.get(name) for name in SECRET_FIELDS):
            raise forms.ValidationError(DEMO_CREDENTIALS_REFUSED)
        return cleaned

    def save(self, commit=True):
        inbox = super().save(commit=False)
        credentials = dict(inbox.credentials or {})
        self.changed_secrets = [name for name in SECRET_FIELDS if self.cleaned_data.get(name)]
        for name in SECRET_FIELDS:
            if self.cleaned_data.get(name):
                credentials[name] = self.cleaned_data[name]
                if name == "access_token":
                    inbox.needs_reauth = False
        inbox.credentials = credentials
        if commit:
            inbox.save()
            self.save_m2m()
        return inbox


@admin.register(Inbox)
class InboxAdmin(admin.ModelAdmin):
    form = InboxAdminForm
    list_display = ["id", "name", "kind", "external_id", "is_active", "needs_reauth"]
    list_filter = ["kind", "is_active", "needs_reauth"]
    search_fields = ["name", "external_id"]
    filter_horizontal = ["members"]
    readonly_fields = ["public_key", "webhook_path"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            audit_record(actor=request.user, action=AuditAction.INBOX_CREATED, target=obj, kind=obj.kind)
        if getattr(form, "changed_secrets", None):
            # which secrets were replaced, never their values
            audit_record(
                actor=request.user,
                action=AuditAction.INBOX_CREDENTIALS_CHANGED,
                target=obj,
                secrets=form.changed_secrets,
            )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["id", "name"]
    filter_horizontal = ["members"]


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "availability", "capacity", "language"]
    list_filter = ["role", "availability"]
    search_fields = ["user__username", "user__email"]

    def save_model(self, request, obj, form, change):
        before = AgentProfile.objects.filter(pk=obj.pk).values_list("role", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        if before != obj.role:
            audit_record(
                actor=request.user,
                action=AuditAction.AGENT_ROLE_CHANGED,
                target=obj.user,
                label=obj.user.get_username(),
                **{"from": before, "to": obj.role},
            )


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
