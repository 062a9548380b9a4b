"""The Messenger webhook: the shared Meta webhook view with the Page envelope check."""

from meta_platform.webhook import meta_webhook_view

from .parser import payload_shape_valid

webhook = meta_webhook_view(kind="messenger", payload_shape_valid=payload_shape_valid, shape_name="Messenger Platform")
