from django.apps import AppConfig


class InstagramConfig(AppConfig):
    name = "channels_instagram"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from inbox import channel_registry
        from meta_platform.messaging_channel import messaging_channel

        from . import demo, parser, processor, rules, sender
        from . import setup as instagram_setup

        channel_registry.register(
            messaging_channel(
                kind="instagram",
                label="Instagram",
                sender=sender,
                window=rules.window,
                processor=processor,
                parser=parser,
                tasks_module="channels_instagram.tasks",
                webhook_object="instagram",
                choice_limit=13,
                cli_arguments=instagram_setup.cli_arguments,
                cli_setup=instagram_setup.cli_setup,
                setup_form=instagram_setup.InstagramSetupForm,
                connection_test=instagram_setup.connection_test,
                demo=demo.DEMO,
            )
        )
