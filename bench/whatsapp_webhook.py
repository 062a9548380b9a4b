"""Signed WhatsApp webhook POSTs against a running server: messages/s and p50/p99 latency,
beside the same server's /healthz throughput measured in the same run.

Either name an existing inbox (`--key` and `--secret`), or let the script create one in the
database the server uses (`--create-inbox`, with DATABASE_URL set like the server's):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/webcare_bench .venv/bin/python bench/whatsapp_webhook.py \
        --url http://127.0.0.1:8123 --create-inbox --requests 2000 --batch 1 --batch 50 --concurrency 16

Each request carries `--batch` text messages from different customers (unique wamids), signed
over the exact bytes sent (ASCII-escaped JSON, as Meta sends it).
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

PHONE_NUMBER_ID = "bench-phone-number"


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def create_inbox(secret: str) -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from inbox.provisioning import inbox_create

    run = int(time.time())
    inbox = inbox_create(
        kind="whatsapp",
        name=f"bench webhook {run}",
        external_id=PHONE_NUMBER_ID,
        credentials={"access_token": "bench", "app_secret": secret, "verify_token": "bench"},
    )
    return inbox.public_key


def payload(run: str, request_no: int, batch: int) -> bytes:
    messages, contacts = [], []
    now = str(int(time.time()))
    for i in range(batch):
        customer = f"3162{(request_no * batch + i) % 5000:07d}"
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
                            "metadata": {"display_phone_number": "31200000000", "phone_number_id": PHONE_NUMBER_ID},
                            "contacts": contacts,
                            "messages": messages,
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(body, ensure_ascii=True).encode()


def run_posts(url: str, secret: str, *, requests_total: int, batch: int, concurrency: int) -> dict:
    run = f"{int(time.time() * 1000)}"
    bodies = [payload(run, n, batch) for n in range(requests_total)]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the server's base URL")
    parser.add_argument("--key", help="the inbox's public key (webhook URL /webhooks/whatsapp/<key>/)")
    parser.add_argument("--secret", default="bench-app-secret", help="the inbox's app secret")
    parser.add_argument("--create-inbox", action="store_true", help="create a bench inbox in DATABASE_URL")
    parser.add_argument("--requests", type=int, default=1000, help="POSTs per batch size")
    parser.add_argument("--batch", type=int, action="append", help="messages per POST (repeatable); default 1 and 50")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    base = args.url.rstrip("/")
    key = create_inbox(args.secret) if args.create_inbox else args.key
    if not key:
        parser.error("give --key (and --secret) or --create-inbox")
    webhook = f"{base}/webhooks/whatsapp/{key}/"

    healthz = run_healthz(base, requests_total=args.requests, concurrency=args.concurrency)
    print(f"healthz: {json.dumps(healthz)}")
    for batch in args.batch or [1, 50]:
        # fewer requests for big batches keeps every run comparable in messages
        total = args.requests if batch == 1 else max(args.requests // batch * 2, 20)
        result = run_posts(webhook, args.secret, requests_total=total, batch=batch, concurrency=args.concurrency)
        print(f"webhook batch={batch}: {json.dumps(result)}")
    healthz_after = run_healthz(base, requests_total=args.requests, concurrency=args.concurrency)
    print(f"healthz (after): {json.dumps(healthz_after)}")


if __name__ == "__main__":
    main()
