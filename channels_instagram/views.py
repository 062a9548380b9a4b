"""The Instagram webhook: the shared Meta webhook view with Meta's envelope check."""

from meta_platform.webhook import meta_webhook_view

from .parser import payload_shape_valid

webhook = meta_webhook_view(kind="instagram", payload_shape_valid=payload_shape_valid, shape_name="Instagram")
