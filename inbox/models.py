"""Inboxes, agents, conversations, messages and their events."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Contact, ContactIdentity
from crm.naming import contact_display_name
from kernel.channel_kinds import kind_choices, kind_label
from kernel.crypto import EncryptedJSONField
from kernel.models import AbstractTag, TimestampedModel


def new_public_key() -> str:
    return secrets.token_urlsafe(24)


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    LEAD = "lead", _("Team lead")
    ADMIN = "admin", _("Admin")


class Availability(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class AvailabilityReason(models.TextChoices):
    """Why an agent's availability last changed (shown to leads, and it decides whether opening
    the inbox again brings an agent back: only an automatic Away does)."""

    SIGNED_IN = "signed_in", _("Signed in")
    SIGNED_OUT = "signed_out", _("Signed out")
    CHOSEN = "chosen", _("Set by the agent")
    IDLE = "idle", _("No inbox open")
    RETURNED = "returned", _("Opened the inbox again")
    LEAD = "lead", _("Set by a lead")


class Team(TimestampedModel):
    name = models.CharField(max_length=120, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")

    def __str__(self) -> str:
        return self.name


class AgentProfile(TimestampedModel):
    """What Webcare knows about a user beyond Django's auth: role, availability, capacity."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.AGENT)
    availability = models.CharField(max_length=8, choices=Availability.choices, default=Availability.OFFLINE)
    availability_changed_at = models.DateTimeField(null=True, blank=True)
    availability_reason = models.CharField(max_length=10, choices=AvailabilityReason.choices, blank=True)
    # The last sign of an open inbox tab (connect, heartbeat, disconnect), written by whichever
    # process holds the socket: a crashed process sends no disconnect, so Away is decided by how
    # old this is, never by counting sockets.
    last_seen_at = models.DateTimeField(null=True, blank=True)
    capacity = models.PositiveIntegerField(default=10, help_text="Most open conversations at once")
    language = models.CharField(max_length=8, blank=True, choices=settings.LANGUAGES)
    # Desktop notifications are opt-in, per kind of event; the browser's own permission is
    # asked only when the agent presses the button for it.
    notify_new_conversation = models.BooleanField(default=False)
    notify_assigned = models.BooleanField(default=False)
    notify_mentioned = models.BooleanField(default=False)
    notify_customer_reply = models.BooleanField(default=False)
    notify_sound = models.BooleanField(default=False)
    # Dates and times are shown to the agent in this zone (empty: the site's TIME_ZONE).
    time_zone = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class AvailabilityPeriod(models.Model):
    """One stretch of an agent's availability, from the change that began it to the change that
    ended it (`ended_at` None: still so). Written with every change of `AgentProfile.availability`
    (`inbox.availability`), so the reports measure online and away time exactly."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_periods")
    availability = models.CharField(max_length=8, choices=Availability.choices)
    reason = models.CharField(max_length=10, choices=AvailabilityReason.choices, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["started_at", "user"], name="availability_period_start")]
        constraints = [
            # At most one open period per agent: the current status.
            models.UniqueConstraint(fields=["user"], condition=Q(ended_at__isnull=True), name="one_open_period")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.availability} from {self.started_at}"


class FirstRunSetup(TimestampedModel):
    """The first-run setup of an installation (one row). Holds no token: the setup token is an
    HMAC of `salt` with the SECRET_KEY (or WEBCARE_SETUP_TOKEN), so a copy of the database
    alone does not give it away; `completed_at` closes the setup for good."""

    salt = models.CharField(max_length=64)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"First-run setup ({'done' if self.completed_at else 'open'})"


class ApiToken(TimestampedModel):
    """A named REST API key of one user. Only a hash of the key is stored: the key itself is
    shown once, when it is made, and cannot be read back from the database."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so a person can tell their keys apart in the list.
    prefix = models.CharField(max_length=12)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Inbox(TimestampedModel):
    """One channel account: a WhatsApp number, a Facebook Page or a website's live chat."""

    kind = models.CharField(max_length=16, choices=kind_choices)
    name = models.CharField(max_length=120)
    # The platform's id for the account: WhatsApp phone_number_id, Messenger page id.
    external_id = models.CharField(max_length=64, blank=True, db_index=True)
    # Unguessable key in the webhook URL (Meta) or the widget snippet (live chat).
    public_key = models.CharField(max_length=64, unique=True, default=new_public_key)
    credentials = EncryptedJSONField(default=dict, blank=True, help_text="Tokens and secrets, encrypted; never shown")
    config = models.JSONField(default=dict, blank=True, help_text="Channel settings (allowed origins, WABA id, ...)")
    time_zone = models.CharField(max_length=64, default="Europe/Amsterdam")
    business_hours = models.JSONField(default=dict, blank=True)
    first_response_target_seconds = models.PositiveIntegerField(default=1800)
    # How soon an agent should answer each later customer message; None: no target.
    next_response_target_seconds = models.PositiveIntegerField(null=True, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="inboxes")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="inboxes")
    is_active = models.BooleanField(default=True)
    needs_reauth = models.BooleanField(default=False, help_text="The platform rejected our credentials")
    # When the platform last completed the webhook handshake for this inbox (its own URL or an
    # app URL its events come through): the setup page shows it as proof the URL is right.
    webhook_verified_at = models.DateTimeField(null=True, blank=True)
    # A demo inbox, made only by `load_demo`: it talks to a simulated platform and holds no
    # credentials (`inbox.provisioning` refuses them). No form, API or setting can set it.
    demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name_plural = "inboxes"

    def __str__(self) -> str:
        # Shown in choice lists (rules, demo mail): the channel's name a person reads.
        return f"{self.name} ({kind_label(self.kind)})"

    @property
    def webhook_path(self) -> str:
        return f"/webhooks/{self.kind}/{self.public_key}/"


class Tag(AbstractTag):
    """A label on conversations, lower case. Agents apply the ones that exist; leads and admins
    (and automation) add new ones, and leads keep the list (`inbox.tags`)."""


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    SNOOZED = "snoozed", _("Snoozed")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class Priority(models.TextChoices):
    NONE = "none", _("None")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Conversation(TimestampedModel):
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="conversations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="conversations")
    identity = models.ForeignKey(ContactIdentity, on_delete=models.CASCADE, related_name="conversations")
    status = models.CharField(max_length=10, choices=ConversationStatus.choices, default=ConversationStatus.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations")
    tags = models.ManyToManyField(Tag, blank=True, related_name="conversations")
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NONE)
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_message_preview = models.CharField(max_length=160, blank=True)
    # When the customer last wrote: the platforms' 24-hour windows run from here.
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    sentiment = models.CharField(max_length=8, blank=True)
    csat_score = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.JSONField(default=dict, blank=True, help_text="Where it came from (ad referral, page, ...)")
    # A thread of public comments (under a post, reel or ad): everyone can read the replies.
    public = models.BooleanField(default=False)
    # What keeps one person's conversations of one inbox apart: "" for the direct conversation,
    # the post's id for a public one (one conversation per person per post).
    thread_key = models.CharField(max_length=191, blank=True, default="")
    # Customer messages no agent has looked at yet. Shared by the team, as in a shared mailbox:
    # once any agent has opened the conversation, it is read for everyone (ingest counts up,
    # opening resets). A counter, so the list shows it without counting messages per row.
    unread_count = models.PositiveIntegerField(default=0)
    agent_last_seen_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every change; realtime events carry it so browsers can spot gaps.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["inbox", "status", "-last_message_at"], name="conv_inbox_status_activity"),
            models.Index(fields=["assignee", "status", "-last_message_at"], name="conv_assignee_status_activity"),
            models.Index(fields=["contact", "-created_at"], name="conv_contact_created"),
            models.Index(fields=["-last_message_at"], name="conv_activity"),
            models.Index(fields=["status", "-last_message_at"], name="conv_status_activity"),
            # The tab title's count: few rows, so a small partial index answers it at once.
            models.Index(fields=["inbox"], name="conv_open_unread", condition=Q(status="open", unread_count__gt=0)),
        ]
        constraints = [
            # At most one conversation per customer identity and inbox (and post, for public
            # comments) is not closed: the database, not a check-then-insert, keeps concurrent
            # first messages together.
            models.UniqueConstraint(
                fields=["inbox", "identity", "thread_key"],
                condition=~Q(status="closed"),
                name="conv_one_unclosed_per_identity_thread",
            )
        ]

    def __str__(self) -> str:
        return f"Conversation {self.pk} ({self.status})"

    @property
    def customer_name(self) -> str:
        """The customer as agents see them here: the contact's display name, or the page they
        wrote from when we know nothing else (`crm.naming`)."""
        source = self.source if isinstance(self.source, dict) else {}
        return contact_display_name(self.contact, page=str(source.get("page") or ""))


class Direction(models.TextChoices):
    IN = "in", _("Inbound")
    OUT = "out", _("Outbound")


class SenderType(models.TextChoices):
    CONTACT = "contact", _("Contact")
    AGENT = "agent", _("Agent")
    BOT = "bot", _("Bot")
    SYSTEM = "system", _("System")


class MessageKind(models.TextChoices):
    TEXT = "text", _("Text")
    IMAGE = "image", _("Image")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")
    STICKER = "sticker", _("Sticker")
    LOCATION = "location", _("Location")
    CONTACTS = "contacts", _("Contact card")
    INTERACTIVE = "interactive", _("Interactive reply")
    REACTION = "reaction", _("Reaction")
    TEMPLATE = "template", _("Template")
    ORDER = "order", _("Order")
    COMMENT = "comment", _("Comment")
    MENTION = "mention", _("Mention")
    SYSTEM = "system", _("System")
    UNSUPPORTED = "unsupported", _("Unsupported")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")


# Statuses only move forward along this order; `failed` is terminal (see ingest).
DELIVERY_STATUS_RANK = {"pending": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


class Message(TimestampedModel):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    # Denormalized from the conversation so (inbox, external_id) can be a database constraint.
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    sender_type = models.CharField(max_length=8, choices=SenderType.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    kind = models.CharField(max_length=12, choices=MessageKind.choices, default=MessageKind.TEXT)
    text = models.TextField(blank=True)
    # Structured content of non-text kinds (location, contact cards, order, interactive reply,
    # template parameters) and, for `unsupported`, the platform's raw payload.
    content = models.JSONField(default=dict, blank=True)
    external_id = models.CharField(max_length=191, null=True, blank=True)
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    # Reactions on this message by who reacted: {"contact": {"emoji": "👍", "at": "<ISO time>"}}.
    # A removed reaction keeps its entry with an empty emoji, so a late redelivery of the
    # older reaction cannot bring it back (see ingest.reaction_ingest).
    reactions = models.JSONField(default=dict, blank=True)
    private = models.BooleanField(default=False)
    # When it happened according to the platform (inbound) or when it was written (outbound).
    sent_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    status_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    error_code = models.CharField(max_length=32, blank=True)
    # Outbox bookkeeping.
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["conversation", "sent_at", "id"], name="msg_conversation_time"),
            models.Index(
                fields=["next_attempt_at"], name="msg_outbox_pending", condition=Q(status="pending", direction="out")
            ),
            models.Index(fields=["inbox", "sent_at"], name="msg_inbox_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["inbox", "external_id"],
                condition=Q(external_id__isnull=False),
                name="msg_unique_external_id_per_inbox",
            )
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} ({self.direction} {self.kind})"


class AttachmentStatus(models.TextChoices):
    PENDING = "pending", _("Downloading")
    STORED = "stored", _("Stored")
    FAILED = "failed", _("Failed")


class Attachment(TimestampedModel):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=12, choices=MessageKind.choices)
    file = models.FileField(upload_to="attachments/%Y/%m/", blank=True)
    mime_type = models.CharField(max_length=128, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # Where the platform keeps it until we have downloaded it (media id or CDN URL).
    remote_id = models.CharField(max_length=255, blank=True)
    remote_url = models.URLField(max_length=2000, blank=True)
    status = models.CharField(max_length=8, choices=AttachmentStatus.choices, default=AttachmentStatus.STORED)
    error = models.TextField(blank=True)
    # Download attempts of a pending attachment (bounded retries, see inbox.attachments).
    attempts = models.PositiveSmallIntegerField(default=0)


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    MESSAGE_IN = "message_in", _("Customer message")
    MESSAGE_OUT = "message_out", _("Reply")
    ASSIGNED = "assigned", _("Assigned")
    TEAM_CHANGED = "team_changed", _("Team changed")
    STATUS_CHANGED = "status_changed", _("Status changed")
    REOPENED = "reopened", _("Reopened")
    TAG_ADDED = "tag_added", _("Tag added")
    TAG_REMOVED = "tag_removed", _("Tag removed")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    FIRST_RESPONSE = "first_response", _("First response")
    SLA_BREACHED = "sla_breached", _("Service level breached")


class ConversationEvent(models.Model):
    """Every state change of a conversation: the audit trail and reporting's source of truth."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=False)

    class Meta:
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="event_conversation_time"),
            models.Index(fields=["inbox", "kind", "created_at"], name="event_inbox_kind_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on conversation {self.conversation_id}"


class WebhookEventStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"


class WebhookEvent(TimestampedModel):
    """A platform's webhook body exactly as received, stored before it is processed."""

    inbox = models.ForeignKey(Inbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_events")
    channel = models.CharField(max_length=16, choices=kind_choices)
    body = models.TextField(help_text="Raw request body as received (the signature covers these bytes)")
    headers = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=WebhookEventStatus.choices, default=WebhookEventStatus.RECEIVED)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # Errors the platform reported inside the event (not ours): e.g. WhatsApp `value.errors[]`.
    platform_errors = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["received_at"], name="webhook_unprocessed", condition=~Q(status="processed")),
            # The inbox health view's "last webhook received".
            models.Index(fields=["inbox", "-received_at"], name="webhook_inbox_latest"),
        ]


class UnroutedReason(models.TextChoices):
    UNKNOWN_ACCOUNT = "unknown_account", _("No active inbox has this id")
    SECRET_DIFFERS = "secret_differs", _("The inbox with this id has another app secret")
    NO_ACCOUNT = "no_account", _("The entry names no account")
    UNKNOWN_OBJECT = "unknown_object", _("No channel handles this kind of event")


class UnroutedWebhookEntry(models.Model):
    """One entry of a verified webhook body that no inbox took: kept, never dropped.

    A platform app sends the events of all its accounts (Pages, phone numbers) to one URL; an
    entry for an account no inbox has yet stays here, shown in the inbox health view, until an
    inbox with that id and the same app secret exists (`webhook_routing.unrouted_entries_reroute`)."""

    channel = models.CharField(max_length=16, choices=kind_choices, blank=True)
    object_type = models.CharField(max_length=64, help_text="The platform's `object` of the body")
    account_id = models.CharField(max_length=64, blank=True, help_text="Page id or phone number id")
    entry = models.JSONField(help_text="The entry as received (with only this account's changes)")
    reason = models.CharField(max_length=16, choices=UnroutedReason.choices)
    via_inbox = models.ForeignKey(Inbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    via_app = models.CharField(max_length=64, blank=True, help_text="The public key of the app URL it came through")
    # A keyed hash of the app secret that verified it: re-routed only to an inbox with that secret.
    secret_fingerprint = models.CharField(max_length=64)
    # Redelivered bodies repeat entries: one row per distinct entry.
    digest = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField()
    rerouted_at = models.DateTimeField(null=True, blank=True)
    rerouted_to = models.ForeignKey(Inbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["-received_at"], name="unrouted_pending", condition=Q(rerouted_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"Unrouted {self.object_type} entry for {self.account_id or '?'}"


class ParkedStatusUpdate(TimestampedModel):
    """A delivery status for a message we do not know yet (it can outrun our own send call)."""

    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(max_length=191)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices)
    timestamp = models.DateTimeField()
    error_code = models.CharField(max_length=32, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["inbox", "external_id"], name="parked_status_lookup")]


class CannedCategory(models.TextChoices):
    """The categories of the response policy (webcare guidelines)."""

    QUESTION = "question", _("Question")
    COMPLAINT = "complaint", _("Complaint")
    COMPLIMENT = "compliment", _("Compliment")
    CRISIS = "crisis", _("Crisis")
    FACTUAL = "factual", _("Factual inaccuracy")


class CannedResponse(TimestampedModel):
    """A prepared answer agents insert by typing `/` and its shortcut; managed by leads."""

    shortcut = models.SlugField(max_length=40, unique=True, help_text=_("Typed after / in the composer"))
    title = models.CharField(max_length=120)
    text = models.TextField()
    category = models.CharField(max_length=12, choices=CannedCategory.choices, default=CannedCategory.QUESTION)
    # Empty: every inbox; otherwise only these.
    inboxes = models.ManyToManyField(Inbox, blank=True, related_name="canned_responses")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["category", "shortcut"]

    def __str__(self) -> str:
        return f"/{self.shortcut}"


class Mention(TimestampedModel):
    """An agent named with @ in a colleague's private note. Read once the mentioned agent opens
    the conversation."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mentions")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="mentions")
    mentioned = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions_made"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "mentioned"], name="mention_once_per_message")]
        indexes = [models.Index(fields=["mentioned", "-created_at"], name="mention_by_agent")]

    def __str__(self) -> str:
        return f"@{self.mentioned_id} in message {self.message_id}"
