from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    INBOX_CREDENTIALS_CHANGED = "inbox.credentials_changed", _("Inbox credentials changed")
    INBOX_CREATED = "inbox.created", _("Inbox created")
    INBOX_UPDATED = "inbox.updated", _("Inbox settings changed")
    INBOX_DEACTIVATED = "inbox.deactivated", _("Inbox deactivated")
    INBOX_REACTIVATED = "inbox.reactivated", _("Inbox reactivated")
    INBOX_MEMBERS_CHANGED = "inbox.members_changed", _("Inbox members changed")
    INBOX_SERVICE_LEVELS_CHANGED = "inbox.service_levels", _("Inbox service levels changed")
    INBOX_SURVEY_CHANGED = "inbox.survey_changed", _("Inbox survey changed")
    INBOX_PUBLIC_REPLIES_CHANGED = "inbox.public_replies", _("Inbox automatic public replies changed")
    AGENT_ROLE_CHANGED = "agent.role_changed", _("Agent role changed")
    AGENT_CREATED = "agent.created", _("Agent created")
    AGENT_INVITED = "agent.invited", _("Agent invited")
    AGENT_UPDATED = "agent.updated", _("Agent changed")
    AGENT_DEACTIVATED = "agent.deactivated", _("Agent deactivated")
    AGENT_REACTIVATED = "agent.reactivated", _("Agent reactivated")
    AGENT_PASSWORD_LINK = "agent.password_link", _("Password link made")
    AGENT_PASSWORD_SET = "agent.password_set", _("Password set through a link")
    TEAM_CREATED = "team.created", _("Team created")
    TEAM_UPDATED = "team.updated", _("Team changed")
    TEAM_DELETED = "team.deleted", _("Team deleted")
    API_TOKEN_CREATED = "api_token.created", _("API token created")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
    AGENT_AVAILABILITY_CHANGED = "agent.availability_changed", _("Agent availability changed")
    CONTACT_MERGED = "contact.merged", _("Contacts merged")
    CONTACT_MERGE_UNDONE = "contact.merge_undone", _("Contact merge undone")
    CONTACT_ERASED = "contact.erased", _("Contact erased")
    EXPORT = "export", _("Data exported")
    META_APP_CREATED = "meta_app.created", _("Meta app created")
    META_APP_SECRET_CHANGED = "meta_app.secret_changed", _("Meta app secret changed")
    TAG_CREATED = "tag.created", _("Tag created")
    TAG_UPDATED = "tag.updated", _("Tag changed")
    TAG_DELETED = "tag.deleted", _("Tag deleted")
    TAG_MERGED = "tag.merged", _("Tags merged")
    PRIVATE_REPLY_SENT = "comment.private_reply", _("Comment answered privately")
    COMMENT_HIDDEN = "comment.hidden", _("Comment hidden")
    COMMENT_UNHIDDEN = "comment.unhidden", _("Comment shown again")
    COMMENT_DELETED = "comment.deleted", _("Our comment deleted")


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
