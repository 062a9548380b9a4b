import json

from django.core.management.base import BaseCommand, CommandError

from channels_whatsapp.tasks import templates_sync_task
from inbox.models import Inbox


class Command(BaseCommand):
    help = "Sync the approved message templates of WhatsApp inboxes from the Graph API."

    def add_arguments(self, parser):
        parser.add_argument("--inbox", type=int, help="Only this inbox id")

    def handle(self, *args, inbox=None, **options):
        if inbox is not None and not Inbox.objects.filter(pk=inbox, kind="whatsapp").exists():
            raise CommandError(f"No WhatsApp inbox with id {inbox}.")
        results = templates_sync_task(inbox)
        for result in results:
            if "error" in result:
                self.stderr.write(f"inbox {result['inbox']}: {result['error']}")
        failed = [r for r in results if "error" in r]
        summary = {
            "inboxes": len(results),
            "templates": sum(r.get("templates", 0) for r in results),
            "failed": len(failed),
            "results": results,
        }
        self.stdout.write(json.dumps(summary))
        if failed and len(failed) == len(results):
            raise SystemExit(1)
