"""Signed WhatsApp webhook POSTs against the full stack: messages/s stored, p50/p99 response
time, beside the same server's /healthz throughput measured in the same run.

Starts its own stack (bench/stack.py: uvicorn with --workers, a Celery worker) against a scratch
database and the machine's Redis, creates an inbox, then:
1. first contact: every customer of the pool (--customers) writes once, in batches of 50
   (timed and printed, not part of the target: a new customer costs matching and a new contact);
2. /healthz at the same concurrency: the baseline;
3. for each --batch size: POSTs of that many text messages from returning customers, signed over
   the exact bytes sent (ASCII-escaped JSON, as Meta sends it); messages/s is counted from the
   first POST to the last answer, and every message is checked to be in the database after;
4. how long the worker takes to finish the automation (rules, tags, bot) queued by each run;
5. where the CPU goes: milliseconds per request (per message for webhooks, until their
   automation is done) of the web server, the worker, PostgreSQL, Redis and the load generator.

    createdb -h 127.0.0.1 -U postgres webcare_bench
    .venv/bin/python bench/whatsapp_webhook.py --database-url postgres://postgres@127.0.0.1:5432/webcare_bench

Targets: single messages at least half of /healthz's rate; at least 1,000 messages
per second with batches.
"""

import argparse
import hashlib
import hmac
import json
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import Stack, cpu_ms_per_request, cpu_seconds_by_kind, percentile  # noqa: E402


def payload(
    run: str, request_no: int, batch: int, *, phone_number_id: str, customers: int = 5000, customer_prefix: str = "3162"
) -> bytes:
    messages, contacts = [], []
    now = str(int(time.time()))
    for i in range(batch):
        customer = f"{customer_prefix}{(request_no * batch + i) % customers:07d}"
        messages.append(
            {
                "from": customer,
                "id": f"wamid.bench.{run}.{request_no}.{i}",
                "timestamp": now,
                "type": "text",
                "text": {"body": f"Hallo \u00fc \U0001f44b vraag {request_no}.{i} @webcare"},
            }
        )
        contacts.append({"profile": {"name": f"Klant {customer[-4:]}"}, "wa_id": customer})
    body = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "bench-waba",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "31200000000", "phone_number_id": phone_number_id},
                            "contacts": contacts,
                            "messages": messages,
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(body, ensure_ascii=True).encode()


def run_posts(
    url: str,
    secret: str,
    *,
    run: str,
    start: int,
    requests_total: int,
    batch: int,
    concurrency: int,
    customers: int,
    customer_prefix: str,
    phone_number_id: str,
) -> dict:
    bodies = [
        payload(run, n, batch, phone_number_id=phone_number_id, customers=customers, customer_prefix=customer_prefix)
        for n in range(start, start + requests_total)
    ]
    local = threading.local()
    latencies, failures = [], []

    def post(body: bytes) -> None:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        started = time.perf_counter()
        response = session.post(
            url, data=body, headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature}, timeout=60
        )
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            failures.append(response.status_code)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(post, bodies))
    elapsed = time.perf_counter() - started
    return {
        "batch": batch,
        "requests": requests_total,
        "messages": requests_total * batch,
        "seconds": round(elapsed, 2),
        "messages_per_s": round(requests_total * batch / elapsed, 1),
        "requests_per_s": round(requests_total / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "mean_ms": round(statistics.mean(latencies) * 1000, 1),
        "non_200": len(failures),
    }


def run_healthz(base: str, *, requests_total: int, concurrency: int) -> dict:
    local = threading.local()
    latencies, failures = [], []

    def get(_):
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        started = time.perf_counter()
        response = session.get(f"{base}/healthz", timeout=30)
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            failures.append(response.status_code)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(get, range(requests_total)))
    elapsed = time.perf_counter() - started
    return {
        "requests": requests_total,
        "requests_per_s": round(requests_total / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "non_200": len(failures),
    }


def stored_count(database_url: str, run: str) -> int:
    """How many of this run's messages are in the database (each wamid carries the run)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from inbox.models import Message

    return Message.objects.filter(external_id__startswith=f"wamid.bench.{run}.").count()


def automation_drained(redis_url: str, *, started: float, timeout: float = 600.0) -> float:
    """Seconds from `started` until the worker's queue is empty (automation runs there)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.llen("default") == 0 and not client.hlen("unacked"):
            return time.perf_counter() - started
        time.sleep(0.1)
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (required: migrated, written to)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--customers", type=int, default=5000, help="the pool of customers who write")
    parser.add_argument("--requests", type=int, default=2000, help="POSTs of single messages (and /healthz)")
    parser.add_argument("--messages", type=int, default=20000, help="messages per batch size above 1")
    parser.add_argument("--batch", type=int, action="append", help="messages per POST (repeatable); default 1, 50, 200")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    if not args.database_url:
        print("skipped: give --database-url of a scratch PostgreSQL database (it is migrated and written to)")
        return 0
    run, secret = f"{int(time.time() * 1000)}", "bench-app-secret"
    customer_prefix = "3" + run[-6:-1]  # customers of this run only: the first contact is really the first
    # An inbox of this run only: a body goes to every inbox with its phone number id, so a rerun
    # on the same database would otherwise store each message in the earlier runs' inboxes too.
    phone_number_id = f"bench-{run}"
    lost = 0
    with Stack(database_url=args.database_url, redis_url=args.redis_url) as stack:
        stack.start_app(workers=args.workers)
        stack.start_worker()
        inbox = stack.manage(
            "create_inbox", "whatsapp", "--name", f"bench webhook {run}", "--phone-number-id", phone_number_id,
            "--access-token", "bench", "--app-secret", secret, "--verify-token", "bench",
        )  # fmt: skip
        webhook = stack.base + inbox["webhook_url"]
        print(f"uvicorn workers: {args.workers}, Celery worker: 1 process, concurrency {args.concurrency}")

        first = run_posts(webhook, secret, run=f"{run}.first", start=0, requests_total=args.customers // 50,
                          batch=50, concurrency=args.concurrency, customers=args.customers,
                          customer_prefix=customer_prefix, phone_number_id=phone_number_id)  # fmt: skip
        print(f"first contact (every customer new), batch=50: {json.dumps(first)}")
        automation_drained(args.redis_url, started=time.perf_counter())

        cpu_before = cpu_seconds_by_kind()
        healthz = run_healthz(stack.base, requests_total=args.requests, concurrency=args.concurrency)
        healthz["cpu_ms_per_request"] = cpu_ms_per_request(cpu_before, cpu_seconds_by_kind(), args.requests)
        print(f"healthz: {json.dumps(healthz)}")
        results = {}
        for batch in args.batch or [1, 50, 200]:
            total = args.requests if batch == 1 else max(args.messages // batch, 10)
            tag = f"{run}.b{batch}"
            started, cpu_before = time.perf_counter(), cpu_seconds_by_kind()
            result = run_posts(webhook, secret, run=tag, start=0, requests_total=total, batch=batch,
                               concurrency=args.concurrency, customers=args.customers,
                               customer_prefix=customer_prefix, phone_number_id=phone_number_id)  # fmt: skip
            result["automation_done_s"] = round(automation_drained(args.redis_url, started=started), 1)
            # Until the automation is done: each message's whole cost, the worker's part included.
            result["cpu_ms_per_message"] = cpu_ms_per_request(cpu_before, cpu_seconds_by_kind(), total * batch)
            result["stored"] = stored_count(args.database_url, tag)
            lost += result["messages"] - result["stored"] + result["non_200"]
            results[batch] = result
            print(f"webhook batch={batch}: {json.dumps(result)}")
        healthz_after = run_healthz(stack.base, requests_total=args.requests, concurrency=args.concurrency)
        print(f"healthz (after): {json.dumps(healthz_after)}")

    baseline = min(healthz["requests_per_s"], healthz_after["requests_per_s"])
    if 1 in results:
        ratio = results[1]["messages_per_s"] / baseline
        print(f"single messages: {ratio:.2f} x /healthz (target >= 0.5): {'met' if ratio >= 0.5 else 'NOT met'}")
    batched = [r["messages_per_s"] for b, r in results.items() if b > 1]
    if batched:
        best = max(batched)
        print(f"batches: best {best} msg/s (target >= 1000): {'met' if best >= 1000 else 'NOT met'}")
    print(f"messages lost or refused: {lost}")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
