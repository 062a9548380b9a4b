from datetime import date

from django.core.management.base import CommandError

from inbox.management.base import JsonCommand
from reporting.services import reports_backfill


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"'{value}' is not a date (YYYY-MM-DD).") from None


class Command(JsonCommand):
    help = "Rebuild the reporting roll-ups for a range of local days (default: all data up to today)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", type=_date, help="First local day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", type=_date, help="Last local day (YYYY-MM-DD)")
        parser.add_argument("--inbox", dest="inboxes", type=int, action="append", help="Only this inbox (repeatable)")

    def run(self, *, start, end, inboxes, **options) -> dict:
        if start and end and start > end:
            raise CommandError("--from is after --to.")

        def progress(inbox, first, last):
            self.stdout.write(f"  inbox {inbox.pk} ({inbox.kind}): {first} .. {last}")

        return reports_backfill(start=start, end=end, inbox_ids=inboxes, progress=progress)
