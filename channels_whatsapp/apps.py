from django.apps import AppConfig


class WhatsappConfig(AppConfig):
    name = "channels_whatsapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from inbox import channel_registry
        from meta_platform import setup

        from . import demo, parser, processor, rules, sender, templates
        from . import setup as whatsapp_setup

        def cli_arguments(parser) -> None:
            setup.cli_arguments(parser, account_option="--phone-number-id")
            parser.add_argument("--waba-id", default="")

        def cli_setup(options: dict) -> channel_registry.InboxSetup:
            config = {"waba_id": options["waba_id"]} if options.get("waba_id") else {}
            return setup.cli_setup(options, account_key="phone_number_id", config=config)

        def conversation_opened(conversation) -> None:
            from kernel.tasks import enqueue_on_commit

            from .tasks import conversation_mark_read_task

            enqueue_on_commit(conversation_mark_read_task, conversation.pk)

        channel_registry.register(
            channel_registry.Channel(
                kind="whatsapp",
                label="WhatsApp",
                first_response_target_seconds=30 * 60,
                send=sender.message_send,
                window=rules.window,
                process_webhook_event=processor.webhook_event_handle,
                process_webhook_events=processor.webhook_events_handle,
                template_compose=templates.template_compose,
                conversation_opened=conversation_opened,
                attachment_kind=sender.attachment_kind,
                reactions=True,
                templates=templates.approved_templates,
                business_initiated_window=setup.BUSINESS_INITIATED_WINDOW,
                # A list message carries at most 10 rows.
                choice_limit=10,
                cli_arguments=cli_arguments,
                cli_setup=cli_setup,
                webhook_object="whatsapp_business_account",
                webhook_split=parser.webhook_split,
                setup_form=whatsapp_setup.WhatsappSetupForm,
                connection_test=whatsapp_setup.connection_test,
                setup_copy_values=setup.copy_values,
                demo=demo.DEMO,
                start_address=rules.start_address,
            )
        )
