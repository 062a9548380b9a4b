"""Fault test: the Celery worker is killed (SIGKILL) in the middle of sending replies, then
started again. Prints PASS or FAIL per claim.

On bench/stack.py (uvicorn, Celery worker and beat, a fake Graph API) against a scratch
database and the machine's Redis. The fake Graph API answers each send after --delay seconds,
so the worker is surely mid-send when it dies. An agent sends --replies replies through the API;
once the first sends have reached the fake API the worker is killed, and started again.

Claims:
- every reply is delivered (status `sent`) after the restart;
- no reply reaches Meta twice, except those whose send was in flight at the kill: that is
  the one window Meta's API leaves us (it has no idempotency key; a request that reached Meta
  before the worker died cannot be told from one that did not), and the script counts it.

    createdb -h 127.0.0.1 -U postgres webcare_faults   # once; the script migrates it
    .venv/bin/python bench/faults/worker_kill.py --database-url postgres://postgres@127.0.0.1:5432/webcare_faults
"""

import argparse
import collections
import signal
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.stack import Stack, sign, verdict, whatsapp_text_webhook  # noqa: E402

SECRET = "worker-kill-secret"
PHONE = "worker-kill-phone"
LEASE_SECONDS = 15  # a send unfinished this long is re-sent by the sweeper (default 120 s)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (required: migrated, written to)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--delay", type=float, default=1.0, help="seconds the fake Graph API takes per send")
    args = parser.parse_args()
    if not args.database_url:
        print("skipped: give --database-url of a scratch PostgreSQL database (it is migrated and written to)")
        return 0
    run = str(int(time.time()))
    results = []
    with Stack(database_url=args.database_url, redis_url=args.redis_url) as stack:
        stack.env["WEBCARE_OUTBOX_LEASE_SECONDS"] = str(LEASE_SECONDS)
        stack.graph.delay = args.delay
        stack.start_app(workers=1)
        worker = stack.start_worker()
        stack.start_beat()
        inbox = stack.manage(
            "create_inbox", "whatsapp", "--name", f"kill {run}", "--phone-number-id", PHONE,
            "--access-token", "t", "--app-secret", SECRET, "--verify-token", "v",
        )  # fmt: skip
        _username, _password, token = stack.agent(inbox["id"], run=run)
        api = {"Authorization": f"Token {token}"}
        body = whatsapp_text_webhook(
            phone_number_id=PHONE, wa_id="31687654321", message_id=f"wamid.k.{run}", text="hoi"
        )
        requests.post(
            stack.base + inbox["webhook_url"], data=body, timeout=10,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(SECRET, body)},
        ).raise_for_status()  # fmt: skip
        conversation = requests.get(f"{stack.base}/api/v1/conversations/", headers=api, timeout=10).json()["results"][0]
        texts = [f"antwoord {run} #{n}" for n in range(args.replies)]
        ids = []
        for text in texts:
            response = requests.post(
                f"{stack.base}/api/v1/conversations/{conversation['id']}/messages/", json={"text": text}, headers=api,
                timeout=10,
            )  # fmt: skip
            ids.append(response.json()["id"])

        # kill the worker once the first sends are at the fake Graph API (mid-send)
        deadline = time.monotonic() + 30
        while not stack.graph.received and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(args.delay / 2)
        in_flight = len(stack.graph.received) - len(stack.graph.sent)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed_at = len(stack.graph.sent)
        time.sleep(2)
        stack.start_worker()

        # every reply delivered after the restart (the sweeper re-sends expired claims)
        deadline = time.monotonic() + LEASE_SECONDS + 120
        statuses = {}
        while time.monotonic() < deadline:
            statuses = {
                m["id"]: m["status"]
                for m in requests.get(
                    f"{stack.base}/api/v1/conversations/{conversation['id']}/messages/?page_size=200",
                    headers=api, timeout=10,
                ).json()["results"]
                if m["id"] in ids
            }  # fmt: skip
            if statuses and all(s == "sent" for s in statuses.values()) and len(statuses) == len(ids):
                break
            time.sleep(1)
        sent_ok = sum(1 for s in statuses.values() if s == "sent")
        results.append(("every reply delivered after the restart", sent_ok == len(ids), f"{sent_ok}/{len(ids)} sent"))
        counts = collections.Counter(p.get("text", {}).get("body") for p in stack.graph.received)
        twice = [text for text in texts if counts[text] > 1]
        missing = [text for text in texts if counts[text] == 0]
        results.append(("every reply reached the Graph API", not missing, f"{len(missing)} missing"))
        results.append(
            (
                "nothing sent twice beyond the sends in flight at the kill (Meta's window)",
                len(twice) <= in_flight,
                f"{len(twice)} sent twice, {in_flight} in flight when the worker died; {killed_at} done before",
            )
        )
        log = f"{stack.workdir}/stack.log"
    return verdict(results, log=log)


if __name__ == "__main__":
    sys.exit(main())
