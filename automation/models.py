"""Automation settings per inbox, bot state per conversation, the knowledge base and rules.

Kept beside (not inside) `Inbox` and `Conversation`: automation grows without touching the
inbox's hot tables, and a conversation without a row simply has no automation history.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inbox.models import Conversation, Inbox, Message
from kernel.models import TimestampedModel

from .faq import DEFAULT_BOT_THRESHOLD

BOT_LANGUAGES = [("nl", "Nederlands"), ("de", "Deutsch"), ("en", "English")]


class AssignmentMode(models.TextChoices):
    OFF = "off", _("Off")
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_BUSY = "least_busy", _("Least busy")


class InboxAutomation(TimestampedModel):
    """What automation does for one inbox. Texts left empty use the built-in wording."""

    inbox = models.OneToOneField(Inbox, on_delete=models.CASCADE, related_name="automation")
    away_enabled = models.BooleanField(_("out-of-hours reply"), default=False)
    away_text_nl = models.TextField(blank=True, help_text=_("{opens_at} is replaced by the next opening time"))
    away_text_de = models.TextField(blank=True)
    away_text_en = models.TextField(blank=True)
    busy_enabled = models.BooleanField(_("busy acknowledgement"), default=False)
    busy_threshold = models.PositiveIntegerField(
        default=10, help_text=_("Conversations waiting for an agent before the inbox counts as busy")
    )
    busy_text_nl = models.TextField(blank=True, help_text=_("{minutes} is replaced by the expected wait"))
    busy_text_de = models.TextField(blank=True)
    busy_text_en = models.TextField(blank=True)
    bot_enabled = models.BooleanField(_("FAQ bot"), default=False)
    bot_threshold = models.FloatField(default=DEFAULT_BOT_THRESHOLD, help_text=_("0..1; higher answers less often"))
    assignment_mode = models.CharField(max_length=12, choices=AssignmentMode.choices, default=AssignmentMode.OFF)
    # Round robin's pointer: the agent who got the last conversation (locked with this row).
    last_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sla_warning_percent = models.PositiveSmallIntegerField(
        default=80, help_text=_("Warn when this share of the first-response target has passed")
    )

    class Meta:
        verbose_name = _("inbox automation")

    @property
    def assignment_mode_on(self) -> bool:
        return self.assignment_mode != AssignmentMode.OFF

    def __str__(self) -> str:
        return f"Automation of {self.inbox}"


class BotStatus(models.TextChoices):
    NONE = "", _("Not involved")
    ANSWERING = "answering", _("Bot-handled")
    HANDED_OVER = "handed_over", _("Handed over")


class ConversationAutomation(TimestampedModel):
    """Automation's memory of one conversation: the bot's state and what was already sent."""

    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE, related_name="automation")
    language = models.CharField(max_length=2, blank=True)
    bot_status = models.CharField(max_length=12, choices=BotStatus.choices, blank=True, default="")
    bot_answers = models.PositiveIntegerField(default=0)
    handover_reason = models.CharField(max_length=32, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    # The closed period (its reopening time) the out-of-hours reply was sent for.
    away_period = models.CharField(max_length=40, blank=True)
    busy_acknowledged = models.BooleanField(default=False)
    sla_warned_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    # The next-response wait (its first customer message) the warning / breach alert went for.
    next_warned_for = models.DateTimeField(null=True, blank=True)
    next_breached_for = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Automation of conversation {self.conversation_id}"


class KnowledgeEntry(TimestampedModel):
    """One FAQ: the answer and the ways customers ask for it, in one language."""

    inbox = models.ForeignKey(
        Inbox, null=True, blank=True, on_delete=models.CASCADE, related_name="knowledge_entries",
        help_text=_("Empty: every inbox"),
    )  # fmt: skip
    language = models.CharField(max_length=2, choices=BOT_LANGUAGES)
    title = models.CharField(max_length=120)
    answer = models.TextField()
    questions = models.TextField(help_text=_("Example questions, one per line"))
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["language", "title"]
        verbose_name_plural = _("knowledge entries")

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]


class RuleTrigger(models.TextChoices):
    MESSAGE_RECEIVED = "message_received", _("Message received")
    CONVERSATION_CREATED = "conversation_created", _("Conversation created")
    CONVERSATION_RESOLVED = "conversation_resolved", _("Conversation resolved")
    SLA_WARNING = "sla_warning", _("Service level about to breach")


class Rule(TimestampedModel):
    """When <trigger>, if <all conditions>, then <actions>; rules run by position.

    conditions: [{"field": "text", "op": "contains", "value": "refund"}, ...]; fields: channel,
    inbox, text (op contains | matches), language, sentiment, contact_attribute (with "key"),
    tag, business_hours ("inside" | "outside").
    actions: [{"type": "add_tag", "value": "refund"}, ...]; types: add_tag, assign_team (team
    id), assign_agent (user id), set_priority, send_canned (shortcut), send_survey (csat or nps), add_note (text).
    """

    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=100)
    enabled = models.BooleanField(default=True)
    trigger = models.CharField(max_length=24, choices=RuleTrigger.choices, default=RuleTrigger.MESSAGE_RECEIVED)
    inbox = models.ForeignKey(
        Inbox, null=True, blank=True, on_delete=models.CASCADE, related_name="rules", help_text=_("Empty: every inbox")
    )
    conditions = models.JSONField(default=list, blank=True)
    actions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class RuleRunOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")


class RuleRun(models.Model):
    """The log of rules on a conversation: which rule fired, what it did, or why it failed."""

    rule = models.ForeignKey(Rule, null=True, on_delete=models.SET_NULL, related_name="runs")
    rule_name = models.CharField(max_length=120)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="rule_runs")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    trigger = models.CharField(max_length=24, choices=RuleTrigger.choices)
    outcome = models.CharField(max_length=8, choices=RuleRunOutcome.choices)
    actions_done = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["conversation", "created_at"], name="rulerun_conversation_time")]

    def __str__(self) -> str:
        return f"{self.rule_name}: {self.outcome}"
