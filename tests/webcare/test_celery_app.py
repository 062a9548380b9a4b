"""The Celery app's own setup."""

import copy

import pytest
from django.conf import settings
from django.db import connection

from webcare.celery import database_connections_for_workers


@pytest.fixture
def databases_restored():
    saved = copy.deepcopy(settings.DATABASES)
    yield
    for alias, database in saved.items():
        settings.DATABASES[alias].clear()
        settings.DATABASES[alias].update(database)


def test_a_worker_keeps_a_plain_connection_instead_of_the_pool(databases_restored, on_postgres):
    assert connection.settings_dict["OPTIONS"].get("pool")  # the web processes' default

    database_connections_for_workers()

    # then: the connection the worker's tasks use takes no pool and outlives a task
    assert "pool" not in connection.settings_dict["OPTIONS"]
    assert connection.pool is None
    assert connection.settings_dict["CONN_MAX_AGE"] > 0 and connection.settings_dict["CONN_HEALTH_CHECKS"]


def test_the_fixup_keeps_a_workers_connection_across_tasks():
    from webcare.celery import app

    assert app.conf.get("CELERY_DB_REUSE_MAX") >= 100
