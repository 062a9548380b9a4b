from inbox.management.base import JsonCommand
from inbox.provisioning import api_token_for


class Command(JsonCommand):
    help = "Print (creating it once) the REST API token of a user."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)

    def run(self, *, username, **options) -> dict:
        return {"token": api_token_for(username=username)}
