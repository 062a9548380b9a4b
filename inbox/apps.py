from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"

    def ready(self):
        # The livechat sender and the placeholders for channels not built yet register here.
        from . import channel_registry  # noqa: F401
