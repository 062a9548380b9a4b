from django.apps import AppConfig


class WhatsappConfig(AppConfig):
    name = "channels_whatsapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from inbox import channel_registry

        from . import processor, rules, sender, templates

        def conversation_opened(conversation) -> None:
            from inbox.tasks import enqueue_on_commit

            from .tasks import conversation_mark_read

            enqueue_on_commit(conversation_mark_read, conversation.pk)

        channel_registry.register(
            channel_registry.Channel(
                kind="whatsapp",
                send=sender.message_send,
                window=rules.window,
                process_webhook_event=processor.webhook_event_handle,
                process_webhook_events=processor.webhook_events_handle,
                template_compose=templates.template_compose,
                conversation_opened=conversation_opened,
                attachment_kind=sender.attachment_kind,
            )
        )
