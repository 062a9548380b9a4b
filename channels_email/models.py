"""Emails exactly as they arrived, and where the IMAP poller stands in each mailbox."""

from django.db import models
from django.db.models import Q

from kernel.models import TimestampedModel


class RawEmailSource(models.TextChoices):
    IMAP = "imap", "IMAP"
    WEBHOOK = "webhook", "Provider webhook"
    SIMULATED = "simulated", "Simulated (demo)"


class RawEmailStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"


class RawEmail(TimestampedModel):
    """One email as received (its RFC 822 bytes), stored in its own committed row before it is
    processed: the record, like a webhook event. Processing can fail and be replayed.

    Two keys recognise a message we already hold: its Message-ID (a webhook redelivery, the same
    mail in two folders) and, for IMAP, the mailbox's UIDVALIDITY with the message's UID (the
    poller died between storing and marking it seen)."""

    inbox = models.ForeignKey("inbox.Inbox", on_delete=models.CASCADE, related_name="raw_emails")
    source = models.CharField(max_length=10, choices=RawEmailSource.choices)
    raw = models.BinaryField(help_text="The message as received; only its headers when it was over the size cap")
    # The Message-ID header, or a digest of the bytes for mail without one (never empty).
    message_id = models.CharField(max_length=255)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    uid = models.BigIntegerField(null=True, blank=True)
    size = models.PositiveBigIntegerField(default=0, help_text="Bytes as the server reported them")
    truncated = models.BooleanField(default=False, help_text="Over the size cap: only the headers were kept")
    received_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RawEmailStatus.choices, default=RawEmailStatus.RECEIVED)
    # What processing made of it: message, auto_reply, bounce, own_address, unthreaded_auto_reply...
    outcome = models.CharField(max_length=32, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inbox", "message_id"], name="raw_email_unique_message_id"),
            models.UniqueConstraint(
                fields=["inbox", "uidvalidity", "uid"],
                condition=Q(uid__isnull=False),
                name="raw_email_unique_imap_uid",
            ),
        ]
        indexes = [
            models.Index(fields=["received_at"], name="raw_email_unprocessed", condition=~Q(status="processed")),
        ]

    def __str__(self) -> str:
        return f"Email {self.message_id} ({self.status})"


class MailboxState(TimestampedModel):
    """Where the IMAP poller stands in an inbox's folder: the highest UID it has processed under
    the folder's UIDVALIDITY (a new UIDVALIDITY starts over; Message-IDs keep that duplicate-free)."""

    inbox = models.OneToOneField("inbox.Inbox", on_delete=models.CASCADE, related_name="mailbox_state")
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    idle_supported = models.BooleanField(default=False)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Mailbox of inbox {self.inbox_id} at UID {self.last_uid}"
