"""`runstack`: serve Webcare and run its background jobs, all from one command (`make run`).

Embedded default (no REDIS_URL): Celery tasks already run in-process, so a daemon thread runs
the beat schedule (settings.CELERY_BEAT_SCHEDULE) and uvicorn serves HTTP and websockets in the
same process: the in-memory channel layer only works within one process.
With REDIS_URL: a Celery worker and Celery beat run as child processes beside uvicorn, the
same processes docker-compose starts. Ctrl-C stops everything started here.
"""

import logging
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger("webcare.runstack")


def run_beat_in_process(stop: threading.Event) -> None:
    """Run each periodic task at its interval, in this process; one failure never stops the rest."""
    from webcare.celery import app

    schedule = {name: float(entry["schedule"]) for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    tasks = {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    next_run = {name: time.monotonic() + interval for name, interval in schedule.items()}
    while not stop.wait(1.0):
        for name, due in next_run.items():
            if time.monotonic() < due:
                continue
            next_run[name] = time.monotonic() + schedule[name]
            try:
                app.tasks[tasks[name]].apply()
            except Exception:
                logger.exception("periodic job %s failed", name)
            finally:
                close_old_connections()


class Command(BaseCommand):
    help = "Serve HTTP + websockets (uvicorn) and run background jobs (in-process, or Celery with Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.PORT)

    def handle(self, *args, host, port, **options):
        children = self._start_celery() if settings.REDIS_URL else []
        stop = threading.Event()
        if not settings.REDIS_URL:
            threading.Thread(target=run_beat_in_process, args=(stop,), name="beat", daemon=True).start()
            self.stdout.write("Background jobs: in-process (no REDIS_URL)")
        self.stdout.write(f"Webcare at http://{host}:{port}/ (Ctrl-C stops everything)")
        try:
            import uvicorn

            uvicorn.run("webcare.asgi:application", host=host, port=port, log_level="info", proxy_headers=True)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            self._stop(children)

    def _start_celery(self) -> list[subprocess.Popen]:
        base = [sys.executable, "-m", "celery", "-A", "webcare"]
        schedule_file = str(settings.DATA_DIR / "celerybeat-schedule")
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        commands = [
            [*base, "worker", "-Q", "default,ingest,outbound,reports", "--concurrency", "2", "-l", "info"],
            [*base, "beat", "-l", "info", "--schedule", schedule_file],
        ]
        self.stdout.write("Background jobs: Celery worker and beat on Redis")
        return [subprocess.Popen(command) for command in commands]  # noqa: S603 - fixed argv

    @staticmethod
    def _stop(children: list[subprocess.Popen]) -> None:
        for child in children:
            child.terminate()
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
