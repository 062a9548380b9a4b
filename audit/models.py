from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    INBOX_CREDENTIALS_CHANGED = "inbox.credentials_changed", "Inbox credentials changed"
    INBOX_CREATED = "inbox.created", "Inbox created"
    INBOX_UPDATED = "inbox.updated", "Inbox settings changed"
    INBOX_DEACTIVATED = "inbox.deactivated", "Inbox deactivated"
    INBOX_REACTIVATED = "inbox.reactivated", "Inbox reactivated"
    INBOX_MEMBERS_CHANGED = "inbox.members_changed", "Inbox members changed"
    INBOX_SERVICE_LEVELS_CHANGED = "inbox.service_levels", "Inbox service levels changed"
    INBOX_SURVEY_CHANGED = "inbox.survey_changed", "Inbox survey changed"
    INBOX_PUBLIC_REPLIES_CHANGED = "inbox.public_replies", "Inbox automatic public replies changed"
    AGENT_ROLE_CHANGED = "agent.role_changed", "Agent role changed"
    AGENT_CREATED = "agent.created", "Agent created"
    AGENT_INVITED = "agent.invited", "Agent invited"
    AGENT_UPDATED = "agent.updated", "Agent changed"
    AGENT_DEACTIVATED = "agent.deactivated", "Agent deactivated"
    AGENT_REACTIVATED = "agent.reactivated", "Agent reactivated"
    AGENT_PASSWORD_LINK = "agent.password_link", "Password link made"
    AGENT_PASSWORD_SET = "agent.password_set", "Password set through a link"
    TEAM_CREATED = "team.created", "Team created"
    TEAM_UPDATED = "team.updated", "Team changed"
    TEAM_DELETED = "team.deleted", "Team deleted"
    API_TOKEN_CREATED = "api_token.created", "API token created"
    API_TOKEN_REVOKED = "api_token.revoked", "API token revoked"
    AGENT_AVAILABILITY_CHANGED = "agent.availability_changed", "Agent availability changed"
    CONTACT_MERGED = "contact.merged", "Contacts merged"
    CONTACT_MERGE_UNDONE = "contact.merge_undone", "Contact merge undone"
    CONTACT_ERASED = "contact.erased", "Contact erased"
    EXPORT = "export", "Data exported"
    META_APP_CREATED = "meta_app.created", "Meta app created"
    META_APP_SECRET_CHANGED = "meta_app.secret_changed", "Meta app secret changed"
    TAG_CREATED = "tag.created", "Tag created"
    TAG_UPDATED = "tag.updated", "Tag changed"
    TAG_DELETED = "tag.deleted", "Tag deleted"
    TAG_MERGED = "tag.merged", "Tags merged"
    PRIVATE_REPLY_SENT = "comment.private_reply", "Comment answered privately"
    COMMENT_HIDDEN = "comment.hidden", "Comment hidden"
    COMMENT_UNHIDDEN = "comment.unhidden", "Comment shown again"
    COMMENT_DELETED = "comment.deleted", "Our comment deleted"


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
