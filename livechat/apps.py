from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivechatConfig(AppConfig):
    name = "livechat"

    def ready(self):
        from inbox import channel_registry

        from . import KIND, demo
        from . import setup as livechat_setup
        from .limits import agent_attachment_kind
        from .sender import send_to_visitor
        from .snippet import snippet_for

        def conversation_opened(conversation) -> None:
            from .services import messages_seen  # services import the inbox: not at app loading

            messages_seen(conversation=conversation)

        def agent_typing(conversation, agent) -> None:
            from .services import agent_typing_publish

            agent_typing_publish(conversation=conversation, agent=agent, typing=True)

        def message_relayed(message, *, created: bool) -> None:
            from .services import relayed_message_publish

            relayed_message_publish(message=message, created=created)

        def cli_arguments(parser) -> None:
            parser.add_argument("--allowed-origin", action="append", default=[], dest="allowed_origins")

        channel_registry.register(
            channel_registry.Channel(
                kind=KIND,
                label=_("Live chat"),
                # Visitors wait on the page: minutes, not hours.
                first_response_target_seconds=2 * 60,
                send=send_to_visitor,
                attachment_kind=agent_attachment_kind,
                # The widget shows "seen" and "Anna is typing".
                conversation_opened=conversation_opened,
                agent_typing=agent_typing,
                message_relayed=message_relayed,
                setup_summary=lambda inbox: {"widget_key": inbox.public_key, "snippet": snippet_for(inbox)},
                cli_arguments=cli_arguments,
                cli_setup=lambda options: channel_registry.InboxSetup(
                    config={"allowed_origins": options["allowed_origins"]}
                ),
                setup_form=livechat_setup.LivechatSetupForm,
                setup_copy_values=livechat_setup.copy_values,
                preview_html=livechat_setup.preview_html,
                demo=demo.DEMO,
                start_refused_reason=_(
                    "Live chat cannot start a conversation: a website visitor can only be reached while the chat"
                    " is open on your site, and leaves no address to write to later. Write to them on another"
                    " channel, or answer when they start a chat again."
                ),
            )
        )
