"""`runstack`: serve Webcare and run its background jobs, all from one command (`make run`).

Why one command: the embedded default (no services) must behave like the full stack, periodic
sweepers included, or "it works on my laptop" would hide lost messages and stuck replies.

- Embedded default (no REDIS_URL): Celery tasks already run in-process (eager), so a daemon
  thread runs the beat table (settings.CELERY_BEAT_SCHEDULE) itself, and uvicorn serves HTTP and
  websockets in this same process, because the in-memory channel layer only works within one.
- REDIS_URL set: a Celery worker and Celery beat run as child processes beside uvicorn, the same
  processes docker-compose starts.

Ctrl-C (SIGINT) or SIGTERM stops everything started here: uvicorn shuts down gracefully, then
the children are terminated, waited for, and killed if they do not stop in time.
"""

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

logger = logging.getLogger("webcare.runstack")

CELERY_QUEUES = "default,ingest,outbound,reports"
CHILD_STOP_TIMEOUT = 10.0


def interval_seconds(schedule) -> float:
    """Seconds between runs of a beat entry: a number, a timedelta or a celery `schedule`."""
    if isinstance(schedule, int | float):
        return float(schedule)
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    run_every = getattr(schedule, "run_every", None)
    if run_every is None:
        raise ValueError(f"runstack runs fixed intervals only, not {schedule!r}")
    return run_every.total_seconds()


def run_periodic_job(task_name: str) -> None:
    """Run one periodic task in this thread. Celery logs a failing task itself; anything else
    (an unknown task name) is logged here. Never raises: one failure must not stop the others."""
    from celery import current_app as app  # the project's Celery app, loaded with the project

    try:
        app.tasks[task_name].apply()
    except Exception:
        logger.exception("periodic job %s failed", task_name)
    finally:
        # This thread is not a request: nothing else closes its connection.
        close_old_connections()


def run_beat_in_process(stop: threading.Event) -> None:
    """Run each entry of the beat table at its interval, until `stop` is set."""
    from celery import current_app as app  # the project's Celery app, loaded with the project

    # Register every app's tasks.py, as a worker does at start: a web process has imported only
    # the task modules its code happened to use.
    app.loader.import_default_modules()
    table = settings.CELERY_BEAT_SCHEDULE
    entries = {name: (entry["task"], interval_seconds(entry["schedule"])) for name, entry in table.items()}
    next_run = {name: time.monotonic() + interval for name, (_, interval) in entries.items()}
    while not stop.wait(1.0):
        for name, (task_name, interval) in entries.items():
            if time.monotonic() >= next_run[name]:
                next_run[name] = time.monotonic() + interval
                run_periodic_job(task_name)


def celery_commands(schedule_file: str) -> list[list[str]]:
    """The worker and beat command lines: the same as docker-compose.yml runs."""
    base = [sys.executable, "-m", "celery", "-A", "webcare"]
    return [
        [*base, "worker", "-Q", CELERY_QUEUES, "--concurrency", "2", "-l", "info"],
        [*base, "beat", "-l", "info", "--schedule", schedule_file],
    ]


def stop_children(children: list[subprocess.Popen]) -> None:
    """Terminate, wait, then kill whatever is still running."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + CHILD_STOP_TIMEOUT
    for child in children:
        try:
            child.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            logger.warning("pid %s did not stop in %.0f s; killing it", child.pid, CHILD_STOP_TIMEOUT)
            child.kill()
            child.wait()


def child_name(child: subprocess.Popen) -> str:
    return f"celery {child.args[5]}"  # [python, -m, celery, -A, webcare, worker|beat, ...]


def watch_children(children: list[subprocess.Popen], stop: threading.Event, died: list) -> None:
    """A worker or beat that dies leaves a stack that silently stops sending: stop it all."""
    while not stop.wait(1.0):
        for child in children:
            if child.poll() is not None and not stop.is_set():
                died.append(child_name(child))
                logger.error("%s exited with code %s; stopping everything", child_name(child), child.returncode)
                signal.raise_signal(signal.SIGINT)  # uvicorn shuts down as on Ctrl-C
                return


def public_url_for_port(*, port: int) -> None:
    """Without PUBLIC_URL in the environment, the addresses Webcare hands out (the live-chat
    snippet, invitation links, the setup page in the log) name the port this server listens
    on: settings derived them from PORT, which `runstack --port` alone does not set."""
    if os.environ.get("PUBLIC_URL") or port == settings.PORT:
        return
    os.environ["PORT"] = str(port)  # Celery's child processes derive the same settings
    settings.PORT = port
    settings.PUBLIC_URL = f"http://127.0.0.1:{port}"
    if not os.environ.get("CSRF_TRUSTED_ORIGINS"):
        settings.CSRF_TRUSTED_ORIGINS = [settings.PUBLIC_URL]


def raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Serve HTTP + websockets (uvicorn) and run background jobs (in-process, or Celery with Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.PORT)

    def handle(self, *args, host, port, **options):
        # uvicorn re-raises the signal it stopped on; with SIGTERM's default action that would
        # end this process before the `finally` below stops the children.
        signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
        stop, children, died = threading.Event(), [], []
        public_url_for_port(port=port)
        try:
            children = self._start_background(stop, died)
            self.stdout.write(f"Webcare at http://{host}:{port}/ (Ctrl-C stops everything)")
            self.stdout.flush()
            self._serve(host, port)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the cleanup
            stop_children(children)
        if died:
            raise CommandError(f"{died[0]} exited unexpectedly")

    def _start_background(self, stop: threading.Event, died: list) -> list[subprocess.Popen]:
        if not settings.REDIS_URL:
            threading.Thread(target=run_beat_in_process, args=(stop,), name="beat", daemon=True).start()
            self.stdout.write("Background jobs: in-process (no REDIS_URL); periodic jobs in a thread")
            return []
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        schedule_file = str(settings.DATA_DIR / "celerybeat-schedule")
        children = [subprocess.Popen(command) for command in celery_commands(schedule_file)]  # noqa: S603
        threading.Thread(target=watch_children, args=(children, stop, died), name="watch", daemon=True).start()
        self.stdout.write(f"Background jobs: Celery worker (queues {CELERY_QUEUES}) and beat on Redis")
        return children

    @staticmethod
    def _serve(host: str, port: int) -> None:
        import uvicorn

        uvicorn.run("webcare.asgi:application", host=host, port=port, log_level="info", **uvicorn_proxy_options())


def uvicorn_proxy_options() -> dict:
    """uvicorn believes X-Forwarded-For / -Proto only from settings.TRUSTED_PROXIES. Its own
    default trusts 127.0.0.1, so anyone on this machine could pick their address."""
    trusted = list(settings.TRUSTED_PROXIES)
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": ",".join(trusted)}
