from inbox.management.base import JsonCommand
from inbox.provisioning import inbox_create, inbox_summary


class Command(JsonCommand):
    help = "Create a WhatsApp, Messenger or live-chat inbox and print its webhook URL or widget snippet."

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True)
        whatsapp = kinds.add_parser("whatsapp")
        whatsapp.add_argument("--phone-number-id", required=True)
        whatsapp.add_argument("--waba-id", default="")
        messenger = kinds.add_parser("messenger")
        messenger.add_argument("--page-id", required=True)
        for meta in (whatsapp, messenger):
            meta.add_argument("--access-token", required=True)
            meta.add_argument("--app-secret", required=True)
            meta.add_argument("--verify-token", required=True)
        livechat = kinds.add_parser("livechat")
        livechat.add_argument("--allowed-origin", action="append", default=[], dest="allowed_origins")
        for sub in (whatsapp, messenger, livechat):
            sub.add_argument("--name", required=True)

    def run(self, *, kind, name, **options) -> dict:
        credentials, config, external_id = {}, {}, ""
        if kind in ("whatsapp", "messenger"):
            credentials = {
                "access_token": options["access_token"],
                "app_secret": options["app_secret"],
                "verify_token": options["verify_token"],
            }
            external_id = options.get("phone_number_id") or options.get("page_id")
            if options.get("waba_id"):
                config["waba_id"] = options["waba_id"]
        else:
            config["allowed_origins"] = options["allowed_origins"]
        inbox = inbox_create(kind=kind, name=name, external_id=external_id, credentials=credentials, config=config)
        return inbox_summary(inbox)
