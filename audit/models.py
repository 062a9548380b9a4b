from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    INBOX_CREDENTIALS_CHANGED = "inbox.credentials_changed", "Inbox credentials changed"
    INBOX_CREATED = "inbox.created", "Inbox created"
    AGENT_ROLE_CHANGED = "agent.role_changed", "Agent role changed"
    AGENT_CREATED = "agent.created", "Agent created"
    AGENT_AVAILABILITY_CHANGED = "agent.availability_changed", "Agent availability changed"
    CONTACT_MERGED = "contact.merged", "Contacts merged"
    CONTACT_MERGE_UNDONE = "contact.merge_undone", "Contact merge undone"
    CONTACT_ERASED = "contact.erased", "Contact erased"
    EXPORT = "export", "Data exported"


class AuditEntry(models.Model):
    """One thing an admin (or a command) did. `data` says what changed, never a secret's value."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Kept as typed, so the entry still names who did it after the account is gone.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, choices=AuditAction.choices, db_index=True)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'}: {self.get_action_display()}"
