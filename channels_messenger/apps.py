from django.apps import AppConfig


class MessengerConfig(AppConfig):
    name = "channels_messenger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from inbox import channel_registry
        from meta_platform import setup
        from meta_platform.messaging_channel import messaging_channel

        from . import demo, parser, processor, rules, sender
        from . import setup as messenger_setup

        channel_registry.register(
            messaging_channel(
                kind="messenger",
                label="Messenger",
                sender=sender,
                window=rules.window,
                processor=processor,
                parser=parser,
                tasks_module="channels_messenger.tasks",
                webhook_object="page",
                cli_arguments=lambda parser: setup.cli_arguments(parser, account_option="--page-id"),
                cli_setup=lambda options: setup.cli_setup(options, account_key="page_id"),
                setup_form=messenger_setup.MessengerSetupForm,
                connection_test=messenger_setup.connection_test,
                demo=demo.DEMO,
                start_address=rules.start_address,
            )
        )
