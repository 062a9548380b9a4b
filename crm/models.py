"""Contacts and their per-channel identities."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from webcare.models import TimestampedModel


class ChannelKind(models.TextChoices):
    WHATSAPP = "whatsapp", "WhatsApp"
    MESSENGER = "messenger", "Messenger"
    LIVECHAT = "livechat", "Live chat"


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

    class Meta:
        indexes = [
            models.Index(fields=["phone"], name="crm_contact_phone"),
            models.Index(Lower("email"), name="crm_contact_email_lower"),
            models.Index(fields=["name"], name="crm_contact_name"),
        ]

    def __str__(self) -> str:
        return self.name or self.phone or self.email or f"Contact {self.pk}"


class ContactIdentity(TimestampedModel):
    """The customer on one channel: (channel kind, external id) is unique."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    channel = models.CharField(max_length=16, choices=ChannelKind.choices)
    external_id = models.CharField(max_length=128, help_text="wa_id, PSID or visitor id")
    display_name = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "contact identities"
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="crm_identity_unique_external_id")
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"


class ContactMerge(TimestampedModel):
    """Audit record of a merge: what moved from `merged` into `survivor`, by whom."""

    survivor = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="merges_received")
    merged = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="merges_given")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    snapshot = models.JSONField(default=dict, help_text="The merged contact's values before the merge")
