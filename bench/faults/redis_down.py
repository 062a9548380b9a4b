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
import hashlib
import hmac
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
REDIS_PORT = 6391
APP_PORT = 8191
SECRET = "faults-app-secret"
PHONE_NUMBER_ID = "faults-phone"


class FakeGraph:
    """Answers WhatsApp sends like Meta and counts them by the text sent."""

    def __init__(self):
        self.sent: list[dict] = []
        self.ids = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                payload = json.loads(body or b"{}")
                if payload.get("status") == "read":
                    answer = {"success": True}
                else:
                    fake.sent.append(payload)
                    answer = {"messages": [{"id": f"wamid.FAULT.{next(fake.ids)}"}]}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v21.0"


def webhook_body(i: int, run: str) -> bytes:
    wa_id = f"3161{i:07d}"
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "waba",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"phone_number_id": PHONE_NUMBER_ID},
                            "contacts": [{"wa_id": wa_id, "profile": {"name": f"Klant {i}"}}],
                            "messages": [
                                {
                                    "from": wa_id,
                                    "id": f"wamid.fault.{run}.{i}",
                                    "timestamp": str(int(time.time())),
                                    "type": "text",
                                    "text": {"body": f"bericht {i}"},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(payload).encode()


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def manage(env, *args) -> dict:
    out = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


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


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code in (200, 503):
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def agent_session(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=5)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not found:
        raise RuntimeError(f"no sign-in form: HTTP {page.status_code} {page.text[:200]!r}")
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": found.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=5,
    )
    response.raise_for_status()
    return session


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

    workdir = tempfile.mkdtemp(prefix="webcare-faults-")
    graph = FakeGraph()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "SECRET_KEY": "faults-only-secret-key-0123456789",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{APP_PORT}",
        "META_GRAPH_URL": graph.url,
        "WEBCARE_DATA_DIR": workdir,
    }
    base = f"http://127.0.0.1:{APP_PORT}"
    processes: list[subprocess.Popen] = []
    redis = start_redis(workdir)
    results: list[tuple[str, bool, str]] = []
    try:
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        # DEBUG=0 serves hashed static files from the collected manifest, as in production
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        run = str(int(time.time()))
        inbox = manage(
            env,
            "create_inbox",
            "whatsapp",
            "--name",
            f"faults {run}",
            "--phone-number-id",
            PHONE_NUMBER_ID,
            "--access-token",
            "faults-token",
            "--app-secret",
            SECRET,
            "--verify-token",
            "v",
        )
        username = f"faults{run}"
        manage(
            env,
            "create_agent",
            "--username",
            username,
            "--password",
            "pw-faults-123",
            "--role",
            "agent",
            "--inbox",
            str(inbox["id"]),
        )
        token = manage(env, "create_api_token", "--username", username)["token"]
        logs = open(Path(workdir) / "stack.log", "w")  # noqa: SIM115 - open for the stack's lifetime
        for command in (
            [
                "-m",
                "uvicorn",
                "webcare.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(APP_PORT),
                "--log-level",
                "warning",
            ],
            [
                "-m",
                "celery",
                "-A",
                "webcare",
                "worker",
                "-Q",
                "default,ingest,outbound,reports",
                "--concurrency",
                "1",
                "-l",
                "warning",
            ],
            ["-m", "celery", "-A", "webcare", "beat", "-l", "warning", "--schedule", str(Path(workdir) / "beat")],
        ):
            processes.append(subprocess.Popen([PYTHON, *command], cwd=ROOT, env=env, stdout=logs, stderr=logs))
        wait_http(f"{base}/healthz")
        url = base + inbox["webhook_url"]

        # 1. webhooks through a Redis outage
        statuses, slowest = [], 0.0
        killed_at, back_at = args.webhooks // 3, 2 * args.webhooks // 3
        reply_status = None
        for i in range(args.webhooks):
            if i == killed_at:
                redis.send_signal(signal.SIGKILL)
                redis.wait()
            if i == killed_at + 5:
                # 2. an agent replies while Redis is down
                conversation = requests.get(
                    f"{base}/api/v1/conversations/", headers={"Authorization": f"Token {token}"}, timeout=10
                ).json()["results"][0]["id"]
                reply_status = requests.post(
                    f"{base}/api/v1/conversations/{conversation}/messages/",
                    json={"text": "Antwoord tijdens de storing"},
                    headers={"Authorization": f"Token {token}"},
                    timeout=30,
                ).status_code
            if i == back_at:
                redis = start_redis(workdir)
            body = webhook_body(i, run)
            started = time.monotonic()
            try:
                status = requests.post(
                    url,
                    data=body,
                    headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)},
                    timeout=30,
                ).status_code
            except requests.RequestException as error:
                status = f"{type(error).__name__}"
            slowest = max(slowest, time.monotonic() - started)
            statuses.append(status)
            time.sleep(max(0.0, 1 / args.rate - (time.monotonic() - started)))
        ok = sum(1 for s in statuses if s == 200)
        results.append(
            ("every webhook answered 200", ok == args.webhooks, f"{ok}/{args.webhooks}, slowest {slowest:.2f} s")
        )
        stored = manage(
            env,
            "shell",
            "-c",
            (
                "import json; from inbox.models import Message; "
                f"print(json.dumps({{'n': Message.objects.filter(inbox_id={inbox['id']}, direction='in').count()}}))"
            ),
        )["n"]
        results.append(("every message stored", stored == args.webhooks, f"{stored}/{args.webhooks}"))
        results.append(("a reply during the outage is accepted", reply_status == 201, f"HTTP {reply_status}"))

        # the reply reaches Meta once Redis is back (the outbox sweeper re-enqueues it)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not [
            p for p in graph.sent if p.get("text", {}).get("body", "").startswith("Antwoord")
        ]:
            time.sleep(1)
        delivered = [p for p in graph.sent if p.get("text", {}).get("body", "").startswith("Antwoord")]
        time.sleep(5)  # a second send would show up now
        delivered = [p for p in graph.sent if p.get("text", {}).get("body", "").startswith("Antwoord")]
        results.append(
            (
                "the reply is delivered exactly once after Redis returns",
                len(delivered) == 1,
                f"{len(delivered)} send(s)",
            )
        )

        # 3. live updates are back
        body = webhook_body(args.webhooks + 1, run)
        try:
            session = agent_session(base, username, "pw-faults-123")
            seconds = asyncio.run(
                next_live_event(
                    base,
                    session.cookies.get_dict(),
                    lambda: requests.post(
                        url,
                        data=body,
                        headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)},
                        timeout=10,
                    ),
                )
            )
            results.append(
                ("live updates resume", True, f"next message on the agent's socket after {seconds * 1000:.0f} ms")
            )
        except Exception as error:  # noqa: BLE001 - the verdict names it
            results.append(("live updates resume", False, f"{type(error).__name__}: {error}"))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        redis.kill()
        graph.server.shutdown()

    for claim, passed, detail in results:
        print(f"{'PASS' if passed else 'FAIL'}: {claim} ({detail})")
    verdict = all(passed for _, passed, _ in results) and len(results) == 5
    print("VERDICT:", "PASS" if verdict else "FAIL", f"(stack log: {workdir}/stack.log)")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
