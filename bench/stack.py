"""A real Webcare stack for benchmarks and fault scripts: uvicorn, Celery worker and beat, and a
fake Graph API, started as separate processes against a scratch database, stopped on exit.

    with Stack(database_url=..., redis_url=...) as stack:
        stack.start_app(workers=2); stack.start_worker(); stack.start_beat()
        inbox = stack.manage("create_inbox", "whatsapp", ...)

Everything runs with DEBUG=0 and collected static files, as in production.
"""

import hashlib
import hmac
import itertools
import json
import os
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def django_setup(database_url: str | None = None) -> None:
    """Django for a script that works on the database in-process: `database_url` if given,
    else DATABASE_URL, else the embedded SQLite; the laptop settings (DEBUG=1) unless set."""
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


class FakeGraph:
    """Answers WhatsApp sends like Meta (a wamid per message) and keeps what was sent."""

    def __init__(self, *, delay: float = 0.0):
        self.received: list[dict] = []  # every send as it arrives
        self.sent: list[dict] = []  # every send Meta accepted (answered), in order
        self.delay = delay  # seconds before answering a send: room for faults mid-send
        self.ids = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    payload = json.loads(body or b"{}")
                except ValueError:
                    payload = {}
                if payload.get("status") == "read":
                    answer = {"success": True}
                else:
                    fake.received.append(payload)
                    if fake.delay:
                        time.sleep(fake.delay)
                    fake.sent.append(payload)
                    answer = {"messages": [{"id": f"wamid.FAKE.{next(fake.ids)}"}]}
                data = json.dumps(answer).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender died mid-request (what the fault scripts cause on purpose)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v21.0"


class Stack:
    def __init__(self, *, database_url: str, redis_url: str, port: int = 8191):
        self.workdir = tempfile.mkdtemp(prefix="webcare-stack-")
        self.graph = FakeGraph()
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "bench-only-secret-key-0123456789abcdef",
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "CSRF_TRUSTED_ORIGINS": self.base,
            "META_GRAPH_URL": self.graph.url,
            "WEBCARE_DATA_DIR": self.workdir,
            "LOG_LEVEL": "WARNING",
        }
        self.processes: list[subprocess.Popen] = []
        self.log = open(Path(self.workdir) / "stack.log", "w")  # noqa: SIM115 - open for the stack's lifetime

    def __enter__(self) -> "Stack":
        for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=self.env, check=True)
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.graph.server.shutdown()
        self.log.close()

    def _spawn(self, *args: str) -> subprocess.Popen:
        process = subprocess.Popen([PYTHON, *args], cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log)
        self.processes.append(process)
        return process

    def start_app(self, *, workers: int = 2) -> subprocess.Popen:
        process = self._spawn(
            "-m", "uvicorn", "webcare.asgi:application", "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", str(workers), "--log-level", "warning",
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return process
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the app did not start; see {self.workdir}/stack.log")

    def start_worker(self) -> subprocess.Popen:
        return self._spawn(
            "-m", "celery", "-A", "webcare", "worker", "-Q", "default,ingest,outbound,reports", "--concurrency", "1",
            "-l", "warning",
        )  # fmt: skip

    def start_beat(self) -> subprocess.Popen:
        return self._spawn(
            "-m", "celery", "-A", "webcare", "beat", "-l", "warning", "--schedule", f"{self.workdir}/beat"
        )

    def manage(self, *args: str) -> dict:
        """A management command's JSON answer (the last line it prints)."""
        out = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    def agent(self, inbox_id: int, *, run: str) -> tuple[str, str, str]:
        """A new agent of the inbox: (username, password, API token)."""
        username, password = f"bench{run}", "pw-bench-123"
        self.manage("create_agent", "--username", username, "--password", password, "--role", "agent",
                    "--inbox", str(inbox_id))  # fmt: skip
        return username, password, self.manage("create_api_token", "--username", username)["token"]

    def session_cookies(self, username: str, password: str) -> dict:
        """Sign in through the login form; the cookies a browser would hold."""
        import re

        session = requests.Session()
        page = session.get(f"{self.base}/accounts/login/", timeout=5)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            raise RuntimeError(f"no sign-in form: HTTP {page.status_code}")
        session.post(
            f"{self.base}/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": f"{self.base}/accounts/login/"},
            timeout=5,
        ).raise_for_status()
        return session.cookies.get_dict()


def whatsapp_text_webhook(*, phone_number_id: str, wa_id: str, message_id: str, text: str) -> bytes:
    """One customer text message as Meta posts it (ASCII-escaped JSON)."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"phone_number_id": phone_number_id},
        "contacts": [{"wa_id": wa_id, "profile": {"name": f"Klant {wa_id[-4:]}"}}],
        "messages": [
            {
                "from": wa_id,
                "id": message_id,
                "timestamp": str(int(time.time())),
                "type": "text",
                "text": {"body": text},
            }
        ],
    }
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(body).encode()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verdict(results: list[tuple[str, bool, str]], *, log: str, expected: int | None = None) -> int:
    """Print PASS/FAIL per (claim, passed, detail) and the verdict; the exit code (0: all pass)."""
    for claim, passed, detail in results:
        print(f"{'PASS' if passed else 'FAIL'}: {claim} ({detail})")
    ok = all(passed for _, passed, _ in results) and (expected is None or len(results) == expected)
    print("VERDICT:", "PASS" if ok else "FAIL", f"(stack log: {log})")
    return 0 if ok else 1


def cpu_seconds_by_kind() -> dict[str, float]:
    """CPU seconds (user + system) used so far by the processes of a stack on this machine, by
    kind: the web server (uvicorn and its workers), the Celery worker, PostgreSQL, Redis, and
    this script (the load generator). The difference over a run, divided by its requests, says
    where a request's cost goes. Read from /proc (Linux); empty elsewhere."""
    import resource

    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    by_kind: dict[str, float] = {}
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not pid.isdigit():
            continue
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if "uvicorn" in command or "multiprocessing.spawn" in command:  # uvicorn's workers are spawned
            kind = "web"
        elif "celery" in command:
            kind = "worker"
        elif command.startswith("postgres"):
            kind = "postgresql"
        elif "redis-server" in command:
            kind = "redis"
        else:
            continue
        by_kind[kind] = by_kind.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    own = resource.getrusage(resource.RUSAGE_SELF)
    by_kind["load generator"] = own.ru_utime + own.ru_stime
    return by_kind


def cpu_ms_per_request(before: dict[str, float], after: dict[str, float], requests_total: int) -> dict[str, float]:
    """Milliseconds of CPU per request, by kind, between two `cpu_seconds_by_kind` readings."""
    spent = {kind: (after[kind] - before.get(kind, 0.0)) * 1000 / requests_total for kind in after}
    return {**{kind: round(ms, 2) for kind, ms in spent.items()}, "all": round(sum(spent.values()), 2)}
