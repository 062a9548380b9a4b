from inbox.management.base import JsonCommand
from meta_platform.meta_apps import meta_app_create, meta_app_summary


class Command(JsonCommand):
    help = (
        "Create a Meta app's callback URL (one URL and verify token for all its Pages and WhatsApp "
        "numbers) and print what to paste into Meta's dashboard."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--app-secret", required=True)
        parser.add_argument("--verify-token", default="", help="Generated when left out")
        parser.add_argument("--app-id", default="")

    def run(self, *, name, app_secret, verify_token, app_id, **options) -> dict:
        app = meta_app_create(name=name, app_secret=app_secret, verify_token=verify_token, app_id=app_id)
        return meta_app_summary(app)
