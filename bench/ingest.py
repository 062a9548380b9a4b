"""Throughput of the single ingest path: N customer messages through `inbox.ingest`.

Runs on the configured database (DATABASE_URL or the embedded SQLite) inside its own inbox, and
measures a baseline in the same run (one single-row INSERT per transaction, the floor any
ingest pays), so the ratio holds on a noisy machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/webcare_bench .venv/bin/python bench/ingest.py [N]
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import django_setup, percentile  # noqa: E402

django_setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from inbox.ingest import message_ingest  # noqa: E402
from inbox.normalized import InboundMessage, SenderProfile  # noqa: E402
from inbox.provisioning import inbox_create  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    call_command("migrate", verbosity=0)
    run = str(int(time.time()))
    inbox = inbox_create(kind="whatsapp", name=f"bench ingest {run}", external_id=f"bench-{run}")
    senders = max(count // 5, 1)

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_baseline (id integer, body text)")
    started = time.perf_counter()
    for i in range(count):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_baseline VALUES (%s, %s)", [i, "hello"])
    baseline = count / (time.perf_counter() - started)

    latencies = []
    started = time.perf_counter()
    for i in range(count):
        sender = i % senders
        message = InboundMessage(
            external_id=f"wamid.bench.{run}.{i}",
            sender=SenderProfile(
                external_id=f"3161{sender:07d}",
                display_name=f"Klant {sender}",
                phone=f"+3161{sender:07d}",
                details_verified=True,
            ),
            timestamp=timezone.now(),
            text=f"Bericht {i}: waar blijft mijn bestelling?",
        )
        t0 = time.perf_counter()
        message_ingest(inbox=inbox, inbound=message)
        latencies.append((time.perf_counter() - t0) * 1000)
    rate = count / (time.perf_counter() - started)
    print(f"database: {connection.vendor}; {count} messages from {senders} customers, one transaction each")
    print(f"baseline single-row INSERT+COMMIT: {baseline:,.0f}/s")
    print(
        f"message_ingest: {rate:,.0f} messages/s  p50 {statistics.median(latencies):.2f} ms  "
        f"p95 {percentile(latencies, 0.95):.2f} ms  p99 {percentile(latencies, 0.99):.2f} ms"
    )
    print(f"ratio ingest / baseline: {rate / baseline:.3f}")


if __name__ == "__main__":
    main()
