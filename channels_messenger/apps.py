from django.apps import AppConfig


class MessengerConfig(AppConfig):
    name = "channels_messenger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from inbox import channel_registry
        from meta_platform import setup

        from . import demo, parser, processor, rules, sender
        from . import setup as messenger_setup

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
                kind="messenger",
                label="Messenger",
                send=sender.message_send,
                window=rules.window,
                process_webhook_event=processor.webhook_event_handle,
                process_webhook_events=processor.webhook_events_handle,
                conversation_opened=conversation_opened,
                agent_typing=agent_typing,
                attachment_kind=sender.attachment_kind,
                reactions=True,
                business_initiated_window=setup.BUSINESS_INITIATED_WINDOW,
                cli_arguments=lambda parser: setup.cli_arguments(parser, account_option="--page-id"),
                cli_setup=lambda options: setup.cli_setup(options, account_key="page_id"),
                webhook_object="page",
                webhook_split=parser.webhook_split,
                setup_form=messenger_setup.MessengerSetupForm,
                connection_test=messenger_setup.connection_test,
                setup_copy_values=setup.copy_values,
                demo=demo.DEMO,
                start_address=rules.start_address,
            )
        )
