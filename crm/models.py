"""Contacts and their per-channel identities."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from kernel.channel_kinds import kind_choices
from kernel.models import AbstractTag, TimestampedModel

from . import naming


class Contact(TimestampedModel):
    """One customer, however many channels they write on."""

    name = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=32, blank=True, help_text="E.164, e.g. +31612345678")
    phone_raw = models.CharField(max_length=64, blank=True, help_text="As typed, when it did not parse")
    email = models.EmailField(max_length=254, blank=True)
    locale = models.CharField(max_length=16, blank=True)
    notes = models.TextField(blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_contacts"
    )
    # The name with case, accents and spacing folded ("José  Pérez" -> "jose perez"): the key of
    # name-based merge suggestions. Names never merge on their own.
    name_key = models.CharField(max_length=255, blank=True, db_index=True)
    tags = models.ManyToManyField("ContactTag", blank=True, related_name="contacts")
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["phone"], name="crm_contact_phone"),
            models.Index(Lower("email"), name="crm_contact_email_lower"),
            models.Index(fields=["name"], name="crm_contact_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """What agents call this customer (`crm.naming`: one rule everywhere)."""
        return naming.contact_display_name(self)


class ContactIdentity(TimestampedModel):
    """The customer on one channel: (channel kind, external id) is unique."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    channel = models.CharField(max_length=16, choices=kind_choices)
    external_id = models.CharField(max_length=128, help_text="wa_id, PSID or visitor id")
    display_name = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "contact identities"
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="crm_identity_unique_external_id")
        ]
        # Prefix look-ups (`external_id__startswith`, e.g. every thread identity of one email
        # address): PostgreSQL uses the unique index above for LIKE 'x%' only in the C collation.
        indexes = [
            models.Index(
                fields=["channel", "external_id"],
                name="crm_identity_prefix",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"

    @property
    def shown_as(self) -> str:
        """The name or phone the platform gave, never the internal id (may be empty)."""
        return naming.identity_label(self)


class ContactMerge(TimestampedModel):
    """Audit record of a merge: what moved from `merged` into `survivor`, by whom."""

    survivor = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="merges_received")
    merged = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="merges_given")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    snapshot = models.JSONField(default=dict, help_text="The merged contact's values before the merge")
    # What moved and what the survivor gained, so an undo can put it back.
    moved = models.JSONField(default=dict, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class ContactPhone(TimestampedModel):
    """One of a contact's phone numbers, a matching key. `e164` is empty when `raw` did not parse
    (kept as typed and flagged `valid=False`); `digits` is the formatting-free key suggestions use.
    `verified=False`: typed by the customer where nobody checked it (the live-chat widget). Shown
    and used for merge suggestions, never for matching: anyone can type anyone's number."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="phones")
    e164 = models.CharField(max_length=32, blank=True)
    raw = models.CharField(max_length=64, blank=True)
    digits = models.CharField(max_length=32, blank=True)
    valid = models.BooleanField(default=True)
    verified = models.BooleanField(default=True)

    class Meta:
        indexes = [
            models.Index(fields=["e164"], name="crm_phone_e164"),
            models.Index(fields=["digits"], name="crm_phone_digits"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contact", "e164", "raw"], name="crm_phone_unique_per_contact"),
        ]

    def __str__(self) -> str:
        return self.e164 or self.raw


class ContactEmail(TimestampedModel):
    """One of a contact's email addresses, a matching key (case-insensitive). `folded` drops what
    only formats an address (case, dots and +tags of a Gmail local part) for suggestions.
    `verified=False` as for phones: shown and suggested, never matched."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails")
    email = models.CharField(max_length=254)
    email_lower = models.CharField(max_length=254)
    folded = models.CharField(max_length=254)
    verified = models.BooleanField(default=True)

    class Meta:
        indexes = [
            models.Index(fields=["email_lower"], name="crm_email_lower"),
            models.Index(fields=["folded"], name="crm_email_folded"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contact", "email_lower"], name="crm_email_unique_per_contact"),
        ]

    def __str__(self) -> str:
        return self.email


class ContactTag(AbstractTag):
    """A label on contacts (VIP, supplier, ...). The inbox's conversation tags are separate.
    Agents apply the ones that exist; leads and admins add new ones and keep the list
    (`crm.tags`)."""


class ContactNote(TimestampedModel):
    """A note an agent wrote about the customer; moves with the contact on a merge."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="agent_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    text = models.TextField()

    def __str__(self) -> str:
        return self.text[:40]


class AttributeKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")


class AttributeDefinition(TimestampedModel):
    """A custom contact attribute an admin defined; values live in `Contact.attributes[key]`."""

    key = models.SlugField(max_length=64, unique=True)
    label = models.CharField(max_length=120)
    kind = models.CharField(max_length=8, choices=AttributeKind.choices, default=AttributeKind.TEXT)
    choices = models.JSONField(default=list, blank=True, help_text="The options of a choice attribute")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.label


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class MergeSuggestion(TimestampedModel):
    """Two contacts that may be one customer (same normalized name, or an email or phone that
    differs only in formatting). Agents accept (merge) or dismiss; a dismissal is remembered.
    The pair is stored lower id first, so it is found whichever contact asks."""

    first = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=16)
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="crm_suggestion_unique_pair")]
        indexes = [models.Index(fields=["status", "-created_at"], name="crm_suggestion_status")]


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportMode(models.TextChoices):
    """What an import does with a row whose phone or email a contact already has."""

    SKIP = "skip", _("Skip it")
    FILL = "fill", _("Update empty fields")
    OVERWRITE = "overwrite", _("Overwrite with the file's values")


class ImportOutcome(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    SKIPPED = "skipped", _("Skipped")
    ERROR = "error", _("Error")


class ContactImport(TimestampedModel):
    """A CSV import run by a Celery task; rows import whole or are listed in `errors`, and every
    row's outcome is kept in `results`, in row order."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    filename = models.CharField(max_length=255, blank=True)
    content = models.TextField(help_text="The uploaded CSV (cleared when the import is done)")
    status = models.CharField(max_length=8, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{row, error}] of rows not imported")
    mode = models.CharField(max_length=10, choices=ImportMode.choices, default=ImportMode.SKIP)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    results = models.JSONField(
        default=list, blank=True, help_text="[{row, outcome, reason, contact}] per row, in row order"
    )

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else (100 if self.status == "done" else 0)


class ContactAuditEntry(models.Model):
    """Privacy-relevant actions on a contact (erase, GDPR export, merge undo). Keeps the id as a
    plain number so the entry outlives the contact's data."""

    contact_id_value = models.BigIntegerField(db_index=True)
    action = models.CharField(max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.action} contact {self.contact_id_value}"
