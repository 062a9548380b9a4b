"""Fault test: PostgreSQL stops for a few seconds under webhook load, then starts again. Prints
PASS or FAIL per claim. It stops the machine's PostgreSQL cluster (pg_ctlcluster): run it
where nothing else needs the database for those seconds.

On bench/stack.py (uvicorn, Celery worker) against a scratch database. Signed WhatsApp webhooks
at a steady rate; a third of the way in PostgreSQL stops, --down seconds later it starts.

Claims:
- while it is down requests fail with 503 (Meta retries those), never with a 500 or a
  traceback, and no webhook is answered 200 without being stored;
- service resumes without restarting our processes: requests after the restart get 200;
- when the refused webhooks are delivered again (as Meta does), every message is stored
  exactly once.

    .venv/bin/python bench/faults/postgres_restart.py --database-url postgres://postgres@127.0.0.1:5432/webcare_faults
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.stack import Stack, sign, verdict, whatsapp_text_webhook  # noqa: E402

SECRET = "pg-restart-secret"
PHONE = "pg-restart-phone"


def cluster(action: str) -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (required: migrated, written to)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--webhooks", type=int, default=150)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--down", type=float, default=5.0, help="seconds PostgreSQL stays down")
    args = parser.parse_args()
    if not args.database_url:
        print("skipped: give --database-url of a scratch PostgreSQL database (it is migrated and written to)")
        return 0
    run = str(int(time.time()))
    results = []
    with Stack(database_url=args.database_url, redis_url=args.redis_url) as stack:
        stack.start_app(workers=2)
        stack.start_worker()
        inbox = stack.manage(
            "create_inbox", "whatsapp", "--name", f"pg {run}", "--phone-number-id", PHONE,
            "--access-token", "t", "--app-secret", SECRET, "--verify-token", "v",
        )  # fmt: skip
        url = stack.base + inbox["webhook_url"]
        bodies = [
            whatsapp_text_webhook(
                phone_number_id=PHONE, wa_id=f"3162{i:07d}", message_id=f"wamid.pg.{run}.{i}", text=f"bericht {i}"
            )
            for i in range(args.webhooks)
        ]

        def post(body: bytes):
            headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(SECRET, body)}
            try:
                return requests.post(url, data=body, headers=headers, timeout=30)
            except requests.RequestException:
                return None

        statuses, tracebacks, down_at, up_at = [], 0, args.webhooks // 3, None
        for i, body in enumerate(bodies):
            if i == down_at:
                cluster("stop")
                stopped = time.monotonic()
            if up_at is None and i > down_at and time.monotonic() - stopped >= args.down:
                cluster("start")
                up_at = i
            started = time.monotonic()
            response = post(body)
            statuses.append(response.status_code if response is not None else "no answer")
            if response is not None and b"Traceback" in response.content:
                tracebacks += 1
            time.sleep(max(0.0, 1 / args.rate - (time.monotonic() - started)))
        if up_at is None:
            cluster("start")
        refused = [i for i, s in enumerate(statuses) if s != 200]
        kinds = sorted({str(s) for s in statuses})
        results.append(
            (
                "while down: 503, never 500 or a traceback",
                all(s in (200, 503) for s in statuses) and tracebacks == 0 and any(s == 503 for s in statuses),
                f"answers seen: {kinds}; {len(refused)} refused",
            )
        )
        time.sleep(2)
        after = [post(bodies[0]) for _ in range(3)]  # a redelivery of a stored one: 200, nothing new
        results.append(
            (
                "service resumes without a restart",
                all(r is not None and r.status_code == 200 for r in after),
                f"{[r.status_code if r is not None else None for r in after]}",
            )
        )
        for i in refused:  # Meta delivers what it did not get a 200 for again
            post(bodies[i])
        counts = stack.manage("shell", "-c", (
            "import json; from django.db.models import Count; from inbox.models import Message; "
            f"rows = Message.objects.filter(inbox_id={inbox['id']}, direction='in')"
            ".values('external_id').annotate(n=Count('id')); "
            "print(json.dumps({'messages': sum(r['n'] for r in rows), 'distinct': len(rows), "
            "'max': max([r['n'] for r in rows] or [0])}))"
        ))  # fmt: skip
        results.append(
            (
                "after Meta's redelivery every message is stored exactly once",
                counts["distinct"] == args.webhooks and counts["max"] == 1,
                f"{counts['distinct']}/{args.webhooks} messages, at most {counts['max']} copy",
            )
        )
        log = f"{stack.workdir}/stack.log"
    return verdict(results, log=log)


if __name__ == "__main__":
    sys.exit(main())
