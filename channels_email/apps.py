from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What a team answers an email in, by default: leads change it per inbox.
FIRST_RESPONSE_TARGET_SECONDS = 4 * 3600


class EmailConfig(AppConfig):
    name = "channels_email"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from inbox import channel_registry

        from . import demo, rules, sender, setup

        channel_registry.register(
            channel_registry.Channel(
                kind="email",
                label=_("Email"),
                first_response_target_seconds=FIRST_RESPONSE_TARGET_SECONDS,
                send=sender.message_send,
                window=rules.window,
                attachment_kind=sender.attachment_kind,
                setup_summary=setup.setup_summary,
                cli_arguments=setup.cli_arguments,
                cli_setup=setup.cli_setup,
                setup_form=setup.EmailSetupForm,
                connection_test=setup.connection_test,
                setup_copy_values=setup.copy_values,
                demo=demo.DEMO,
                message_template=rules.message_template,
                follow_up_send=sender.follow_up_send,
                composer_fields=sender.composer_fields,
                composer_content=sender.composer_content,
                start_address=rules.start_address,
                start_continues=False,
            )
        )
