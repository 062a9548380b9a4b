from django.apps import AppConfig


class InstagramConfig(AppConfig):
    name = "channels_instagram"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from inbox import channel_registry
        from meta_platform import setup

        from . import parser, processor, rules, sender
        from . import setup as instagram_setup

        def conversation_opened(conversation) -> None:
            from kernel.tasks import enqueue_on_commit

            from .tasks import sender_action_task

            enqueue_on_commit(sender_action_task, conversation.pk, "mark_seen")

        def agent_typing(conversation, agent) -> None:
            from kernel.tasks import enqueue_on_commit

            from .sender_actions import typing_due
            from .tasks import sender_action_task

            if typing_due(conversation.pk):
                enqueue_on_commit(sender_action_task, conversation.pk, "typing_on")

        channel_registry.register(
            channel_registry.Channel(
                kind="instagram",
                label="Instagram",
                send=sender.message_send,
                window=rules.window,
                process_webhook_event=processor.webhook_event_handle,
                process_webhook_events=processor.webhook_events_handle,
                conversation_opened=conversation_opened,
                agent_typing=agent_typing,
                attachment_kind=sender.attachment_kind,
                reactions=True,
                business_initiated_window=setup.BUSINESS_INITIATED_WINDOW,
                choice_limit=13,
                cli_arguments=instagram_setup.cli_arguments,
                cli_setup=instagram_setup.cli_setup,
                webhook_object="instagram",
                webhook_split=parser.webhook_split,
                setup_form=instagram_setup.InstagramSetupForm,
                connection_test=instagram_setup.connection_test,
                setup_copy_values=setup.copy_values,
            )
        )
