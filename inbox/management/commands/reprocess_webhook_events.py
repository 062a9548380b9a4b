from inbox.management.base import JsonCommand
from inbox.webhooks import webhook_events_reprocess


class Command(JsonCommand):
    help = "Process again the stored webhook events that failed or were never processed."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000)
        parser.add_argument("--include-recent", action="store_true", help="Also events received in the last 30 s")

    def run(self, *, limit, include_recent, **options) -> dict:
        return webhook_events_reprocess(older_than_seconds=0 if include_recent else 30, limit=limit)
