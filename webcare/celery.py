"""The Celery app. Queues: `ingest`, `outbound`, `reports` (and `default`), see settings."""

import os

from celery import Celery
from celery.signals import task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")

app = Celery("webcare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


WORKER_CONN_MAX_AGE = 300


@worker_init.connect
def database_connections_for_workers(**kwargs) -> None:
    """A Celery worker keeps one plain connection per process across tasks, not the web
    processes' pool. In prefork workers Celery's Django fixup closes the pool around every task,
    so each task would build a pool (threads, `min_size` new connections) and tear it down; and a
    new connection per task means a new PostgreSQL backend with cold caches for every task.
    `CELERY_DB_REUSE_MAX` stops the fixup closing it per task; `connection_checked_before_task`
    replaces it when it broke (a database restart) or grew old."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        database.get("OPTIONS", {}).pop("pool", None)
        database["CONN_MAX_AGE"] = WORKER_CONN_MAX_AGE


@task_prerun.connect
def connection_checked_before_task(task=None, **kwargs) -> None:
    if task is None or task.request.is_eager:
        return  # in-process (eager) tasks run inside a web request: its connection is its own
    from django.db import close_old_connections

    close_old_connections()
