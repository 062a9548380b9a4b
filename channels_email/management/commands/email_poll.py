"""`python manage.py email_poll [--inbox ID ...] [--loop] [--interval 60]`: read the email
inboxes' IMAP folders now, or keep reading them (IDLE where the server offers it, else every
`--interval` seconds). Celery beat polls every minute on its own; this is for a process of its
own that answers within seconds, and for trying a mailbox by hand."""

import json

from django.core.management.base import BaseCommand

from inbox.models import Inbox


class Command(BaseCommand):
    help = "Read email inboxes' IMAP folders (once, or in a loop with IDLE)."

    def add_arguments(self, parser):
        parser.add_argument("--inbox", type=int, action="append", default=[])
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=60.0)

    def handle(self, *args, **options):
        from channels_email.imap import ImapError, mailbox_poll, mailbox_wait

        inboxes = Inbox.objects.filter(kind="email", is_active=True)
        if options["inbox"]:
            inboxes = inboxes.filter(pk__in=options["inbox"])
        inboxes = [inbox for inbox in inboxes if (inbox.config or {}).get("imap_host")]
        totals = {}
        while True:
            for inbox in inboxes:
                try:
                    counts = mailbox_poll(inbox)
                except ImapError as error:
                    counts = {"error": str(error)}
                totals[inbox.pk] = counts
                if options["loop"]:
                    self.stdout.write(json.dumps({"inbox": inbox.pk, **counts}))
            if not options["loop"]:
                break
            if len(inboxes) == 1:
                try:
                    mailbox_wait(inboxes[0], options["interval"])
                except ImapError:
                    pass
            else:
                import time

                time.sleep(options["interval"])
        self.stdout.write(json.dumps({"inboxes": totals}))
