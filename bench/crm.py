"""CRM at scale: CSV import throughput, identify() throughput and contact search times on a
database holding --contacts contacts (default 100,000; the issue's target is 1,000,000).

In-process against the real database (no HTTP): the figures are the services' own time,
queries included. It migrates the database it is given and fills it through the import
service itself (the timed "import" figure: rows of a generated CSV, in --batch-row files),
so point it at a scratch database:

    createdb -h 127.0.0.1 -U postgres webcare_crm_bench
    .venv/bin/python bench/crm.py --database-url postgres://postgres@127.0.0.1:5432/webcare_crm_bench

Then, with that many contacts present, it times:
- identify(): a known WhatsApp wa_id (identity hit), a new sender whose verified number is
  known in another (national) form (phone match), a new sender with a known verified email,
  and a new visitor no one knows (a contact is created, suggestions computed); calls/s and
  p50/p95;
- contact search as a lead (sees every contact): by phone in another format, by part of a
  name, by email; p50/p95 of the first page.
A rerun adds --contacts more contacts (numbers are unique per run).
"""

import argparse
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import django_setup  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a scratch database (required: it is migrated and written to)")
    parser.add_argument("--contacts", type=int, default=100_000, help="contacts to import (default 100,000)")
    parser.add_argument("--batch-rows", type=int, default=100_000, help="rows per imported CSV file")
    parser.add_argument("--repeat", type=int, default=500, help="timed calls per case (default 500)")
    return parser.parse_args()


ARGS = parse_args()
if not ARGS.database_url:
    # `make bench` runs every script on the configured database: this one writes 100,000
    # contacts, so it runs only on a database named explicitly.
    print("bench/crm.py: skipped; it imports contacts, so give it a scratch database with --database-url")
    sys.exit(0)
django_setup(ARGS.database_url)

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from contacts.selectors import ContactFilters, contact_page  # noqa: E402
from crm.imports import contact_import_run  # noqa: E402
from crm.models import Contact, ContactImport  # noqa: E402
from crm.services import identify  # noqa: E402
from tests.factories import make_user  # noqa: E402

FIRST = ["Sanne", "Jan", "José", "Émile", "Fatima", "Lars", "Mila", "Noah", "Daan", "Julia", "Ahmed", "Eva"]
LAST = ["de Vries", "Jansen", "Pérez", "Bakker", "Visser", "Smit", "Meyer", "Müller", "Peeters", "Yılmaz"]


def seed(run: str, count: int, batch: int) -> tuple[list[str], list[str], float]:
    """Import `count` generated contacts; returns some of their numbers, emails and rows/s."""
    base = random.randrange(0, 10_000_000 - count)
    numbers, emails, total_seconds = [], [], 0.0
    done = 0
    while done < count:
        size = min(batch, count - done)
        lines = ["name,phone,email,tags"]
        for i in range(done, done + size):
            # Dutch mobiles +31 61 + 7 digits (a valid range); a rerun may collide with an
            # earlier run's numbers: those rows are reported as duplicates, as they should be
            number = f"+3161{base + i:07d}"
            email = f"{run}.{i}@example.com"
            lines.append(f"{random.choice(FIRST)} {random.choice(LAST)},{number},{email},bench")
            if i % max(count // 2000, 1) == 0:
                numbers.append(number)
                emails.append(email)
        job = ContactImport.objects.create(filename=f"bench-{run}.csv", content="\n".join(lines), total=size)
        started = time.perf_counter()
        contact_import_run(job.pk)
        total_seconds += time.perf_counter() - started
        job.refresh_from_db()
        print(f"  imported {job.imported} of {size} rows ({len(job.errors)} errors)", flush=True)
        done += size
    return numbers, emails, count / total_seconds


def timed(name: str, calls) -> None:
    samples = []
    for call in calls:
        started = time.perf_counter()
        with transaction.atomic():
            call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    rate = 1000 / statistics.mean(samples)
    print(f"{name:<44} p50 {statistics.median(samples):7.2f} ms  p95 {p95:7.2f} ms  {rate:8.0f}/s", flush=True)


def national(e164: str) -> str:
    digits = e164[3:]
    return f"0{digits[0]}-{digits[1:]}"  # +31612345678 -> 06-12345678


def main() -> None:
    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]
    print(f"database: {connection.vendor}; importing {ARGS.contacts:,} contacts", flush=True)
    numbers, emails, rows_per_second = seed(run, ARGS.contacts, ARGS.batch_rows)
    total = Contact.objects.count()
    if connection.vendor == "postgresql":
        # Fresh bulk inserts have no planner statistics until autovacuum gets to them; a
        # production table has them, so measure with them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"import: {rows_per_second:,.0f} rows/s; contacts now in the database: {total:,}", flush=True)

    wa_ids = []
    for number in numbers[:50]:  # known WhatsApp identities for the identity-hit case
        identify(channel="whatsapp", external_id=f"{run}-{number[1:]}", phone=number[1:], details_verified=True)
        wa_ids.append(f"{run}-{number[1:]}")
    n = ARGS.repeat
    counter = iter(range(10**9))
    timed(
        "identify: known identity",
        (lambda w=random.choice(wa_ids): identify(channel="whatsapp", external_id=w) for _ in range(n)),
    )
    timed(
        "identify: new sender, known verified phone (06-...)",
        (
            lambda p=random.choice(numbers): identify(
                channel="livechat", external_id=f"{run}-p{next(counter)}", phone=national(p), details_verified=True
            )
            for _ in range(n)
        ),
    )
    timed(
        "identify: new sender, known verified email",
        (
            lambda e=random.choice(emails): identify(
                channel="livechat", external_id=f"{run}-e{next(counter)}", email=e.upper(), details_verified=True
            )
            for _ in range(n)
        ),
    )
    timed(
        "identify: unknown visitor (new contact)",
        (
            lambda: identify(
                channel="livechat",
                external_id=f"{run}-n{next(counter)}",
                display_name=f"{random.choice(FIRST)} {random.choice(LAST)}",
                email=f"{run}-new{next(counter)}@example.org",
            )
            for _ in range(n)
        ),
    )

    lead = make_user(f"bench-lead-{run}", role="lead")
    searches = {
        "search: phone in national form": lambda: national(random.choice(numbers)),
        "search: part of a name (folded)": lambda: random.choice(["jose per", "emile", "muller", "yilmaz"]),
        "search: email": lambda: random.choice(emails),
    }
    for name, query in searches.items():
        timed(
            name,
            (
                lambda q=query(): contact_page(user=lead, filters=ContactFilters.from_query({"q": q}))
                for _ in range(min(n, 200))
            ),
        )


if __name__ == "__main__":
    main()
