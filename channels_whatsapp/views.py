"""The WhatsApp webhook: the shared Meta webhook view with WhatsApp's envelope check."""

from meta_platform.webhook import meta_webhook_view

from .parser import payload_shape_valid

webhook = meta_webhook_view(
    kind="whatsapp", payload_shape_valid=payload_shape_valid, shape_name="WhatsApp Business Account"
)
