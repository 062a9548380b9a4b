"""WhatsApp message templates, synced from the WhatsApp Business Account."""

from django.db import models

from kernel.models import TimestampedModel


class MessageTemplate(TimestampedModel):
    """One template in one language, as Meta approved it (components kept verbatim)."""

    inbox = models.ForeignKey("inbox.Inbox", on_delete=models.CASCADE, related_name="whatsapp_templates")
    external_id = models.CharField(max_length=64, blank=True, help_text="Meta's template id")
    name = models.CharField(max_length=512)
    language = models.CharField(max_length=16)
    category = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=32, blank=True, help_text="APPROVED, PENDING, REJECTED, PAUSED, ...")
    components = models.JSONField(default=list, blank=True)
    # Placeholders to fill ({{1}} or {{name}}) in the header and body, in sending order.
    parameter_names = models.JSONField(default=list, blank=True)
    parameter_count = models.PositiveSmallIntegerField(default=0)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inbox", "name", "language"], name="wa_template_unique_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"
