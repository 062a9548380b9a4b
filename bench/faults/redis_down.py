"""Fault test: Redis stops during inbound load, then comes back. Prints PASS or FAIL per claim.

Starts its own stack against a scratch PostgreSQL database and a private Redis it can kill:
redis-server (port 6391), uvicorn (1 worker), a Celery worker and beat, and a fake Graph API
(META_GRAPH_URL) on 127.0.0.1. Then:

1. signed WhatsApp webhooks at a steady rate; a third of the way in Redis is killed, two thirds
   in it is started again. Claim: every webhook was answered 200, and every message is stored.
2. while Redis is down an agent replies through the API. Claim: 201 at once (the reply is in
   the outbox), and after Redis returns it reaches the Graph API exactly once.
3. after Redis returns, an agent's websocket gets the next message live.

    createdb -h 127.0.0.1 -U postgres webcare_faults   # once; the script migrates it
    .venv/bin/python bench/faults/redis_down.py --database-url postgres://postgres@127.0.0.1:5432/webcare_faults

Exit code 0 only if every claim holds.
"""

import argparse
import asyncio
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.stack import Stack, sign, verdict, whatsapp_text_webhook  # noqa: E402

REDIS_PORT = 6391
SECRET = "faults-app-secret"
PHONE_NUMBER_ID = "faults-phone"


def start_redis(workdir: str) -> subprocess.Popen:
    redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        if (
            subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True).stdout.strip()
            == "PONG"
        ):
            return redis
        time.sleep(0.1)
    raise RuntimeError("redis-server did not start")


async def next_live_event(base: str, cookies: dict, trigger) -> float:
    """Seconds from `trigger()` to the agent's websocket receiving a message_created event."""
    import websockets

    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    async with websockets.connect(
        base.replace("http", "ws") + "/ws/inbox/", additional_headers={"Cookie": cookie, "Origin": base}
    ) as socket:
        await asyncio.wait_for(socket.recv(), 5)  # hello
        started = time.monotonic()
        await asyncio.to_thread(trigger)
        while True:
            frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
            if frame.get("event") == "message_created":
                return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a scratch PostgreSQL database (migrated, written to)")
    parser.add_argument("--webhooks", type=int, default=300)
    parser.add_argument("--rate", type=float, default=20.0, help="webhooks per second")
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        print("FAIL: redis-server is not installed")
        return 1

    redis_dir = tempfile.mkdtemp(prefix="webcare-faults-redis-")
    redis = start_redis(redis_dir)
    results: list[tuple[str, bool, str]] = []
    run = str(int(time.time()))
    try:
        with Stack(database_url=args.database_url, redis_url=f"redis://127.0.0.1:{REDIS_PORT}/0") as stack:
            stack.start_app(workers=1)
            stack.start_worker()
            stack.start_beat()
            inbox = stack.manage(
                "create_inbox", "whatsapp", "--name", f"faults {run}", "--phone-number-id", PHONE_NUMBER_ID,
                "--access-token", "faults-token", "--app-secret", SECRET, "--verify-token", "v",
            )  # fmt: skip
            username, password, token = stack.agent(inbox["id"], run=run)
            url = stack.base + inbox["webhook_url"]
            api = {"Authorization": f"Token {token}"}

            def post(i: int):
                body = whatsapp_text_webhook(
                    phone_number_id=PHONE_NUMBER_ID, wa_id=f"3161{i:07d}", message_id=f"wamid.fault.{run}.{i}",
                    text=f"bericht {i}",
                )  # fmt: skip
                headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(SECRET, body)}
                return requests.post(url, data=body, headers=headers, timeout=30)

            # 1. webhooks through a Redis outage, 2. a reply while Redis is down
            statuses, slowest, reply_status = [], 0.0, None
            killed_at, back_at = args.webhooks // 3, 2 * args.webhooks // 3
            for i in range(args.webhooks):
                if i == killed_at:
                    redis.send_signal(signal.SIGKILL)
                    redis.wait()
                if i == killed_at + 5:
                    conversation = requests.get(f"{stack.base}/api/v1/conversations/", headers=api, timeout=10)
                    reply_status = requests.post(
                        f"{stack.base}/api/v1/conversations/{conversation.json()['results'][0]['id']}/messages/",
                        json={"text": "Antwoord tijdens de storing"}, headers=api, timeout=30,
                    ).status_code  # fmt: skip
                if i == back_at:
                    redis = start_redis(redis_dir)
                started = time.monotonic()
                try:
                    status = post(i).status_code
                except requests.RequestException as error:
                    status = type(error).__name__
                slowest = max(slowest, time.monotonic() - started)
                statuses.append(status)
                time.sleep(max(0.0, 1 / args.rate - (time.monotonic() - started)))
            ok = sum(1 for s in statuses if s == 200)
            results.append(
                ("every webhook answered 200", ok == args.webhooks, f"{ok}/{args.webhooks}, slowest {slowest:.2f} s")
            )
            stored = stack.manage("shell", "-c", (
                "import json; from inbox.models import Message; "
                f"print(json.dumps({{'n': Message.objects.filter(inbox_id={inbox['id']}, direction='in').count()}}))"
            ))["n"]  # fmt: skip
            results.append(("every message stored", stored == args.webhooks, f"{stored}/{args.webhooks}"))
            results.append(("a reply during the outage is accepted", reply_status == 201, f"HTTP {reply_status}"))

            # the reply reaches Meta once Redis is back (the outbox sweeper re-enqueues it)
            def delivered():
                return [p for p in stack.graph.sent if p.get("text", {}).get("body", "").startswith("Antwoord")]

            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not delivered():
                time.sleep(1)
            time.sleep(5)  # a second send would show up now
            results.append(
                ("the reply is delivered exactly once after Redis returns", len(delivered()) == 1,
                 f"{len(delivered())} send(s)")
            )  # fmt: skip

            # 3. live updates are back
            try:
                cookies = stack.session_cookies(username, password)
                seconds = asyncio.run(next_live_event(stack.base, cookies, lambda: post(args.webhooks + 1)))
                results.append(
                    ("live updates resume", True, f"next message on the agent's socket after {seconds * 1000:.0f} ms")
                )
            except Exception as error:  # noqa: BLE001 - the verdict names it
                results.append(("live updates resume", False, f"{type(error).__name__}: {error}"))
            log = f"{stack.workdir}/stack.log"
    finally:
        redis.kill()

    return verdict(results, log=log, expected=5)


if __name__ == "__main__":
    sys.exit(main())
