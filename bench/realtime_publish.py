"""How much does one realtime broadcast cost the request that causes it?

Compares, on the Redis channel layer, the long-lived publisher thread of kernel/realtime.py with
the textbook `async_to_sync(channel_layer.group_send)` per call (a fresh event loop and Redis
connection each time outside an ASGI loop), and a baseline of a plain Redis PING round trip.

    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/realtime_publish.py [N]
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")

from bench.stack import django_setup  # noqa: E402

django_setup()

import redis  # noqa: E402
from asgiref.sync import async_to_sync  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from django.conf import settings  # noqa: E402

from kernel import realtime  # noqa: E402


def timed(label: str, count: int, call) -> float:
    samples = []
    start = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - start
    samples.sort()
    p50, p99 = statistics.median(samples), samples[int(len(samples) * 0.99) - 1]
    print(f"{label:<44} {count / total:>9.0f}/s   caller p50 {p50:6.3f} ms   p99 {p99:6.3f} ms")
    return count / total


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    layer = get_channel_layer()
    message = {"type": realtime.EVENT_HANDLER_TYPE, "event": "message_created", "conversation_id": 1, "message_id": 1}
    client = redis.Redis.from_url(settings.REDIS_URL)
    print(f"{count} broadcasts to 2 groups each, channel layer {type(layer).__name__}")
    base = timed("baseline: redis PING round trip", count, lambda i: client.ping())
    per_call = timed(
        "async_to_sync(group_send) per call",
        count // 4,
        lambda i: [async_to_sync(layer.group_send)(g, message) for g in ("a", "b")],
    )
    start = time.perf_counter()
    publisher = timed("publisher thread: caller cost", count, lambda i: realtime.publish_now(["a", "b"], message))
    realtime.flush(60)
    drained = count / (time.perf_counter() - start)
    print(f"{'publisher thread: sent incl. drain':<44} {drained:>9.0f}/s")
    print(
        f"ratios vs PING: per-call {per_call / base:.2f}, "
        f"publisher caller {publisher / base:.2f}, publisher drained {drained / base:.2f}"
    )


if __name__ == "__main__":
    main()
