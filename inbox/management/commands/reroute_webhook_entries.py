from inbox.management.base import JsonCommand
from inbox.webhook_routing import unrouted_entries_reroute


class Command(JsonCommand):
    help = "Hand kept webhook entries (for a Page or phone number no inbox had) to the inboxes created for them since."

    def run(self, **options) -> dict:
        return unrouted_entries_reroute()
