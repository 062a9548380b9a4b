from django.contrib import admin

from .models import AttributeDefinition, Contact, ContactAuditEntry, ContactIdentity, ContactMerge, MergeSuggestion


class IdentityInline(admin.TabularInline):
    model = ContactIdentity
    extra = 0
    fields = ["channel", "external_id", "display_name", "phone"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "phone", "email", "locale", "created_at"]
    search_fields = ["name", "phone", "email", "identities__external_id"]
    list_filter = ["identities__channel"]
    inlines = [IdentityInline]
    raw_id_fields = ["merged_into"]


@admin.register(ContactIdentity)
class ContactIdentityAdmin(admin.ModelAdmin):
    list_display = ["id", "channel", "external_id", "display_name", "contact"]
    list_filter = ["channel"]
    search_fields = ["external_id", "display_name", "phone"]
    raw_id_fields = ["contact"]


@admin.register(ContactMerge)
class ContactMergeAdmin(admin.ModelAdmin):
    list_display = ["id", "survivor", "merged", "merged_by", "created_at"]
    raw_id_fields = ["survivor", "merged"]


@admin.register(AttributeDefinition)
class AttributeDefinitionAdmin(admin.ModelAdmin):
    list_display = ["key", "label", "kind", "position"]
    list_editable = ["position"]


@admin.register(MergeSuggestion)
class MergeSuggestionAdmin(admin.ModelAdmin):
    list_display = ["id", "first", "second", "reason", "status", "decided_by"]
    list_filter = ["status", "reason"]
    raw_id_fields = ["first", "second"]


@admin.register(ContactAuditEntry)
class ContactAuditEntryAdmin(admin.ModelAdmin):
    list_display = ["id", "contact_id_value", "action", "actor", "created_at"]
    list_filter = ["action"]
