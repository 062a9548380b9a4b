from inbox import channel_registry
from inbox.management.base import JsonCommand
from inbox.provisioning import inbox_create, inbox_summary


class Command(JsonCommand):
    help = "Create an inbox of a channel (one subcommand per channel) and print what to set up next."

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True)
        for channel in channel_registry.channels():
            if channel.cli_setup is None:
                continue
            sub = kinds.add_parser(channel.kind)
            sub.add_argument("--name", required=True)
            if channel.cli_arguments is not None:
                channel.cli_arguments(sub)

    def run(self, *, kind, name, **options) -> dict:
        setup = channel_registry.get(kind).cli_setup(options)
        inbox = inbox_create(
            kind=kind,
            name=name,
            external_id=setup.external_id,
            credentials=setup.credentials or {},
            config=setup.config or {},
        )
        return inbox_summary(inbox)
