from django.apps import AppConfig


class LivechatConfig(AppConfig):
    name = "livechat"

    def ready(self):
        from inbox import channel_registry

        from .limits import agent_attachment_kind
        from .sender import send_to_visitor

        channel_registry.register(
            channel_registry.Channel(kind="livechat", send=send_to_visitor, attachment_kind=agent_attachment_kind)
        )
