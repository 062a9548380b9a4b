"""Reporting's own tables: daily roll-ups and facts (rebuilt from inbox data, never the record),
per-inbox service-level settings, survey answers and message sentiment.

The definitions of every figure are in docs/kpis.md.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inbox.models import Conversation, ConversationEvent, Inbox, Message
from kernel.models import TimestampedModel


class ServiceLevelSetting(TimestampedModel):
    """How an inbox's service level is measured. The target itself is
    `Inbox.first_response_target_seconds`; without a row the clock is wall-clock time."""

    inbox = models.OneToOneField(Inbox, on_delete=models.CASCADE, related_name="service_level")
    business_hours_clock = models.BooleanField(
        default=False, help_text="Count only the inbox's business hours on response clocks"
    )

    def __str__(self) -> str:
        return f"Service level of {self.inbox}"


class ReportDay(models.Model):
    """One local calendar day of an inbox as a UTC interval: SQL maps any moment to the
    inbox's local date by joining this (both databases, DST-safe: built with zoneinfo)."""

    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inbox", "day"], name="report_day_unique")]
        indexes = [models.Index(fields=["inbox", "starts_at"], name="report_day_inbox_start")]


class BusinessHoursInterval(models.Model):
    """The inbox's weekly schedule unrolled into concrete UTC intervals per local date,
    so SQL can measure overlaps (DST-safe: built with the inbox's zoneinfo)."""

    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["inbox", "day"], name="bh_interval_inbox_day"),
            models.Index(fields=["inbox", "ends_at"], name="bh_interval_inbox_end"),
        ]


class BusinessHoursCoverage(models.Model):
    """Which local dates of an inbox are unrolled (days and business hours), and from which schedule (a changed schedule
    or time zone unrolls everything again)."""

    inbox = models.OneToOneField(Inbox, on_delete=models.CASCADE, related_name="+")
    schedule = models.JSONField(default=dict)
    time_zone = models.CharField(max_length=64)
    first_day = models.DateField()
    last_day = models.DateField()


class ConversationDay(models.Model):
    """One conversation's activity on one local day of its inbox."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16)
    day = models.DateField()
    messages_in = models.PositiveIntegerField(default=0)
    messages_out_human = models.PositiveIntegerField(default=0)
    messages_out_bot = models.PositiveIntegerField(default=0)
    messages_inside_hours = models.PositiveIntegerField(default=0)
    messages_in_inside_hours = models.PositiveIntegerField(default=0)
    sentiment_positive = models.PositiveIntegerField(default=0)
    sentiment_neutral = models.PositiveIntegerField(default=0)
    sentiment_negative = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "day"], name="conversation_day_unique")]
        indexes = [models.Index(fields=["inbox", "day"], name="conversation_day_inbox_day")]


class AgentConversationDay(models.Model):
    """An agent's human replies in one conversation on one local day."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16)
    day = models.DateField()
    replies = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "conversation", "day"], name="agent_conversation_day_unique")
        ]
        indexes = [models.Index(fields=["inbox", "day"], name="agent_conv_day_inbox_day")]


class ConversationFact(models.Model):
    """One row per conversation: what its whole history says (bots, leads, sentiment turn)."""

    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE, primary_key=True, related_name="+")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16)
    created_day = models.DateField()
    created_inside_hours = models.BooleanField(default=True)
    bot_messages = models.PositiveIntegerField(default=0)
    human_replies = models.PositiveIntegerField(default=0)
    handed_over = models.BooleanField(default=False)
    lead = models.BooleanField(default=False)
    turned_negative_day = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["inbox", "created_day"], name="conversation_fact_created")]


class ResponseFact(models.Model):
    """One human reply that answered a waiting customer (see docs/kpis.md, "responses")."""

    reply = models.OneToOneField(Message, on_delete=models.CASCADE, primary_key=True, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    day = models.DateField()
    waited_from = models.DateTimeField()
    replied_at = models.DateTimeField()
    is_first = models.BooleanField()
    wall_seconds = models.FloatField()
    business_seconds = models.FloatField()
    # The clock the inbox measures with (wall or business) and its target when rolled up: the
    # first-response target for a first response, the next-response target for a later one
    # (None when the inbox has none: such a response is neither within nor over a target).
    seconds = models.FloatField()
    target_seconds = models.PositiveIntegerField(null=True)
    within_target = models.BooleanField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["inbox", "day"], name="response_fact_inbox_day"),
            models.Index(fields=["agent", "day"], name="response_fact_agent_day"),
        ]


class ResolutionFact(models.Model):
    """One resolution and the cycle it ends (creation or reopen to resolution)."""

    event = models.OneToOneField(ConversationEvent, on_delete=models.CASCADE, primary_key=True, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16)
    day = models.DateField()
    cycle_started_at = models.DateTimeField()
    resolved_at = models.DateTimeField()
    seconds = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["inbox", "day"], name="resolution_fact_inbox_day")]


class RollupRun(models.Model):
    """When an inbox's local day was last rolled up (so yesterday is redone once after midnight)."""

    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    rolled_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inbox", "day"], name="rollup_run_unique")]


class SurveyKind(models.TextChoices):
    CSAT = "csat", _("CSAT (1 to 5)")
    NPS = "nps", _("NPS (0 to 10)")


class SurveyResponse(TimestampedModel):
    """A customer's answer to the survey sent after resolution (one per conversation and kind)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="survey_responses")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=SurveyKind.choices)
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    # The conversation's assignee when the customer answered: the agent the score is about.
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["inbox", "answered_at"], name="survey_inbox_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="csat", score__gte=1, score__lte=5) | models.Q(kind="nps", score__lte=10),
                name="survey_score_in_range",
            )
        ]


class SentimentLabel(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class MessageSentiment(models.Model):
    """The offline analyser's verdict on one customer message."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, primary_key=True, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()
    label = models.CharField(max_length=8, choices=SentimentLabel.choices)
    score = models.FloatField()
    language = models.CharField(max_length=2, blank=True)

    class Meta:
        indexes = [models.Index(fields=["conversation", "sent_at"], name="sentiment_conversation_time")]


class SurveySetting(TimestampedModel):
    """Which survey (if any) an inbox sends when a conversation is resolved; leads edit it in
    the admin. Without a row the inbox sends none."""

    class Survey(models.TextChoices):
        OFF = "off", _("Off")
        CSAT = "csat", _("CSAT (1 to 5)")
        NPS = "nps", _("NPS (0 to 10)")

    inbox = models.OneToOneField(Inbox, on_delete=models.CASCADE, related_name="survey_setting")
    survey = models.CharField(max_length=4, choices=Survey.choices, default=Survey.OFF)
    # The inbox's own wording of the question per language ({"nl": "..."}); a language without
    # one gets the standard question.
    questions = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Survey of {self.inbox}"


class SurveyRequest(TimestampedModel):
    """A survey sent to the customer of a resolved conversation, and where its answer stands.
    At most one per conversation: resolving it again does not ask the customer twice."""

    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE, related_name="+")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=SurveyKind.choices)
    language = models.CharField(max_length=2)
    sent_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    # Until when the next free-text message is taken as the answer's comment.
    comment_until = models.DateTimeField(null=True, blank=True)
    commented_at = models.DateTimeField(null=True, blank=True)


class SurveyMessage(models.Model):
    """A message that belongs to a survey (the question, the answer, its comment, the thanks).
    The KPIs leave these out of customer messages, bot messages and response clocks."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, primary_key=True, related_name="+")
    request = models.ForeignKey(SurveyRequest, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=8)  # question, answer, comment, thanks


class QualityReview(TimestampedModel):
    """One conversation of an agent drawn for review in a period, and the lead's scores (1-5)
    on hard skills (knowledge, goal reached) and soft skills (tone of voice, analysis,
    empathy/humour). Unscored while `reviewed_at` is empty."""

    SKILLS = ("knowledge", "goal_reached", "tone_of_voice", "analysis", "empathy")

    period_start = models.DateField()
    period_end = models.DateField()
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quality_reviews")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    knowledge = models.PositiveSmallIntegerField(null=True, blank=True)
    goal_reached = models.PositiveSmallIntegerField(null=True, blank=True)
    tone_of_voice = models.PositiveSmallIntegerField(null=True, blank=True)
    analysis = models.PositiveSmallIntegerField(null=True, blank=True)
    empathy = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end", "agent", "conversation"], name="quality_review_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(reviewed_at__isnull=True)
                | models.Q(
                    knowledge__gte=1,
                    knowledge__lte=5,
                    goal_reached__gte=1,
                    goal_reached__lte=5,
                    tone_of_voice__gte=1,
                    tone_of_voice__lte=5,
                    analysis__gte=1,
                    analysis__lte=5,
                    empathy__gte=1,
                    empathy__lte=5,
                ),
                name="quality_scores_in_range",
            ),
        ]
        indexes = [models.Index(fields=["agent", "period_start"], name="quality_review_agent_period")]
