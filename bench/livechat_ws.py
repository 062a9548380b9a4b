"""Live-chat sockets under load: N concurrent visitor sockets on one ASGI process.

Starts its own stack (bench/stack.py: uvicorn with one process, so everything lands on it)
against a scratch database and the machine's Redis, opens N visitor sockets (returning
visitors: tokens are minted here with the stack's SECRET_KEY, so the new-session limit per
address does not apply), and reports:
- connect time (websocket handshake) and ready time (handshake + hello -> session frame),
  p50 / p95 / max;
- the server's RSS growth per connection (VmRSS from /proc, before the sockets open and once
  they are all idle);
- round-trip latency of a visitor message to an agent socket subscribed to the inbox
  (visitor sends -> agent socket receives `message_created`), with all N sockets open.

    createdb -h 127.0.0.1 -U postgres webcare_ws_bench
    .venv/bin/python bench/livechat_ws.py --database-url postgres://postgres@127.0.0.1:5432/webcare_ws_bench
"""

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _setup(n: int):
    """Inbox, agent and session cookie, and N visitor tokens (ORM, same database as the server)."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from inbox.models import AgentProfile, Inbox
    from livechat import sessions

    inbox, _ = Inbox.objects.get_or_create(kind="livechat", name="bench livechat", defaults={"config": {}})
    inbox.config = {}  # any origin
    inbox.save()
    User = get_user_model()
    agent, _ = User.objects.get_or_create(username="bench-agent")
    AgentProfile.objects.get_or_create(user=agent)
    inbox.members.add(agent)
    store = SessionStore()
    store[SESSION_KEY] = str(agent.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    store.create()
    tokens = [sessions.visitor_new(inbox)[1] for _ in range(n)]
    return inbox.public_key, inbox.pk, store.session_key, tokens


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def _summary(name, seconds):
    ms = [s * 1000 for s in seconds]
    return f"{name}: p50 {_pct(ms, 50):.1f} ms, p95 {_pct(ms, 95):.1f} ms, max {max(ms):.1f} ms (n={len(ms)})"


async def _visitor(url, origin, token, connect_times, ready_times):
    from websockets.asyncio.client import connect

    started = time.perf_counter()
    ws = await connect(url, origin=origin, open_timeout=60, max_queue=64)
    connect_times.append(time.perf_counter() - started)
    await ws.send(json.dumps({"type": "hello", "token": token}))
    while True:
        frame = json.loads(await ws.recv())
        if frame.get("type") == "session":
            break
    ready_times.append(time.perf_counter() - started)
    return ws


async def _drain(ws, inbox_frames):
    try:
        async for raw in ws:
            frame = json.loads(raw)
            if frame.get("type") == "ack":
                inbox_frames.put_nowait(frame)
    except Exception:  # noqa: S110 (closed at the end of the run)
        pass


async def run(args):
    from websockets.asyncio.client import connect

    key, inbox_id, session_key, tokens = await asyncio.to_thread(_setup, args.n)
    base = args.url.rstrip("/")
    ws_base = "ws" + base[4:]
    visitor_url = f"{ws_base}/ws/livechat/{key}/"
    origin = base
    print(f"server {base}, pid {args.server_pid}, {args.n} visitor sockets, inbox {inbox_id}")

    agent = await connect(
        f"{ws_base}/ws/inbox/", origin=origin, additional_headers={"Cookie": f"sessionid={session_key}"}
    )
    hello = json.loads(await agent.recv())
    assert inbox_id in hello.get("inboxes", []), hello

    # Warm up one socket (imports, connection pools) before taking the RSS baseline.
    warm = await _visitor(visitor_url, origin, tokens[0], [], [])
    await warm.close()
    await asyncio.sleep(1)
    rss_before = _rss_kib(args.server_pid) if args.server_pid else None

    connect_times, ready_times = [], []
    semaphore = asyncio.Semaphore(args.concurrency)

    async def open_one(token):
        async with semaphore:
            return await _visitor(visitor_url, origin, token, connect_times, ready_times)

    started = time.perf_counter()
    results = await asyncio.gather(*(open_one(t) for t in tokens), return_exceptions=True)
    opened = [ws for ws in results if not isinstance(ws, BaseException)]
    failures = [r for r in results if isinstance(r, BaseException)]
    elapsed = time.perf_counter() - started
    print(f"opened {len(opened)}/{args.n} sockets in {elapsed:.2f} s ({len(failures)} failed)")
    if failures:
        print(f"  first failure: {failures[0]!r}")
    print(_summary("connect (handshake)", connect_times))
    print(_summary("ready (handshake + hello -> session)", ready_times))

    acks: asyncio.Queue = asyncio.Queue()
    drains = [asyncio.create_task(_drain(ws, acks)) for ws in opened]
    await asyncio.sleep(2)
    if rss_before is not None:
        rss_after = _rss_kib(args.server_pid)
        per = (rss_after - rss_before) / max(len(opened), 1)
        print(f"server RSS: {rss_before / 1024:.1f} MiB -> {rss_after / 1024:.1f} MiB, {per:.1f} KiB per connection")

    arrivals: dict[int, float] = {}  # message id -> when the agent socket got it
    arrived = asyncio.Event()

    async def agent_reader():
        async for raw in agent:
            event = json.loads(raw)
            if event.get("event") == "message_created":
                arrivals[event["message_id"]] = time.perf_counter()
                arrived.set()

    reader = asyncio.create_task(agent_reader())
    latencies = []
    for i in range(args.messages):
        ws = opened[(i * 7919) % len(opened)]
        sent = time.perf_counter()
        await ws.send(json.dumps({"type": "message", "client_id": uuid.uuid4().hex, "text": f"bench message {i}"}))
        ack = await asyncio.wait_for(acks.get(), timeout=10)
        message_id = ack["message"]["id"]
        while message_id not in arrivals:
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), timeout=10)
        latencies.append(arrivals[message_id] - sent)
    print(_summary("visitor message -> agent socket", latencies))
    lost = args.n - len(opened) + args.messages - len(latencies)

    for task in [*drains, reader]:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in opened), return_exceptions=True)
    await agent.close()
    return 1 if lost else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (required: migrated, written to)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("-n", type=int, default=5000, help="concurrent visitor sockets (default 5000)")
    parser.add_argument("--messages", type=int, default=100, help="messages for the round-trip latency")
    parser.add_argument("--concurrency", type=int, default=100, help="handshakes in flight at once")
    args = parser.parse_args()
    if not args.database_url:
        print("skipped: give --database-url of a scratch PostgreSQL database (it is migrated and written to)")
        return 0
    from bench.stack import Stack

    with Stack(database_url=args.database_url, redis_url=args.redis_url) as stack:
        server = stack.start_app(workers=1)  # one process: uvicorn runs it itself, no supervisor
        os.environ.update(stack.env)  # the bench mints tokens and sessions as the server reads them
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
        args.url, args.server_pid = stack.base, server.pid
        return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
