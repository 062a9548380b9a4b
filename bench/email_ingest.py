"""Emails per second into the inbox: from a real IMAP server (dovecot, polled) and through a
provider's inbound webhook (Postmark's JSON, through django-anymail), each the whole path:
stored raw, parsed, threaded, ingested, automation in-process. Prints emails per second,
database queries and CPU time per email for each path.

    .venv/bin/python bench/email_ingest.py [N] --database-url postgres://postgres@127.0.0.1:5432/webcare_bench

(`make bench BENCH_DATABASE_URL=...` passes it; `DATABASE_URL=...` works too.)
"""

import base64
import json
import os
import socket
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "--database-url" in sys.argv:  # a scratch database, migrated and written to
    at = sys.argv.index("--database-url")
    os.environ["DATABASE_URL"] = sys.argv[at + 1]
    del sys.argv[at : at + 2]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from channels_email.imap import mailbox_poll  # noqa: E402
from inbox.models import Message  # noqa: E402
from inbox.provisioning import inbox_create  # noqa: E402
from tests.channels_email.dovecot import PASSWORD, Dovecot  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mail(run: str, n: int, address: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Customer {n % 50} <customer{n % 50}@example.org>"
    message["To"] = address
    message["Subject"] = f"Question {n % 200}"
    message["Message-ID"] = f"<bench-{run}-{n}@example.org>"
    message.add_alternative(f"Hello,\n\nquestion {n}.\n\nOn Mon, 1 Dec 2026, Acme wrote:\n> earlier", subtype="plain")
    message.add_alternative(f"<p>Hello,</p><p>question {n}.</p><blockquote>earlier</blockquote>", subtype="html")
    return message.as_bytes()


class QueryCounter:
    """Counts the database queries run inside `connection.execute_wrapper(...)`."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


queries = QueryCounter()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    call_command("migrate", verbosity=0)
    run = str(int(time.time()))
    server = Dovecot(Path(tempfile.mkdtemp(prefix="webcare-bench-dovecot-")), free_port())
    server.start()
    try:
        user = f"bench{run}"
        inbox = inbox_create(
            kind="email", name=f"bench {run}", external_id=f"{user}@acme.test",
            credentials={"imap_password": PASSWORD, "inbound_webhook_secret": "bench:secret"},
            config={"address": f"{user}@acme.test", "imap_host": "127.0.0.1", "imap_port": server.port,
                    "imap_security": "none", "imap_user": user},
        )  # fmt: skip
        for n in range(count):
            server.append(user, mail(run, n, inbox.config["address"]))
        started, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(queries):
            while Message.objects.filter(inbox=inbox).count() < count:
                mailbox_poll(inbox)
        imap_seconds, imap_cpu = time.perf_counter() - started, time.process_time() - cpu
        imap_queries, queries.count = queries.count, 0
    finally:
        server.stop()
    client = Client()
    auth = "Basic " + base64.b64encode(b"bench:secret").decode()
    bodies = [json.dumps({"RawEmail": mail(run + "w", n, inbox.config["address"]).decode(), "Headers": []})
              for n in range(count)]  # fmt: skip
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(queries):
        for body in bodies:
            response = client.post(
                f"/webhooks/email/{inbox.public_key}/postmark/", body, content_type="application/json",
                HTTP_AUTHORIZATION=auth, HTTP_HOST="127.0.0.1",
            )  # fmt: skip
            assert response.status_code == 200, response.content
    webhook_seconds, webhook_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert Message.objects.filter(inbox=inbox).count() == 2 * count
    print(json.dumps({
        "emails": count,
        "imap_per_second": round(count / imap_seconds, 1),
        "webhook_per_second": round(count / webhook_seconds, 1),
        "imap_queries_per_email": round(imap_queries / count, 1),
        "webhook_queries_per_email": round(queries.count / count, 1),
        # This process's own CPU time (parsing, the ORM, automation): what a busy machine's
        # waiting for the CPU does not blur, unlike emails per second.
        "imap_cpu_ms_per_email": round(1000 * imap_cpu / count, 1),
        "webhook_cpu_ms_per_email": round(1000 * webhook_cpu / count, 1),
        "database": django.db.connection.vendor,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
