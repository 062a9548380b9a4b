"""Shared test setup. Factories live in tests/factories.py."""

import copy

import pytest
from django.db import connection


@pytest.fixture(autouse=True, scope="session")
def _browser_waits():
    try:
        from tests.browser import wait_longer_for_live_updates

        wait_longer_for_live_updates()
    except ImportError:  # playwright is a test tool; the suite without it skips the browser tests
        pass


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """A request as a German or Dutch agent leaves that language active in the thread (as in a
    server, where the next request sets its own); the next test starts from the default."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_api_limits(monkeypatch):
    """API rate and failed-token counters live in the shared cache (Redis in CI) and are keyed
    by user id and address, which tests repeat: give each test counters of its own."""
    import uuid

    from webcare import api

    monkeypatch.setattr(api, "KEY_PREFIX", f"test-api:{uuid.uuid4().hex}")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def _forget_server_loop():
    """A test's in-thread ASGI server stops with the test: forget its event loop."""
    yield
    from kernel import realtime

    realtime._server_loop = None


@pytest.fixture
def database_down():
    """Point the connection (and its pool, whose connections would still work) at a closed port
    until the test ends."""
    saved = copy.deepcopy(connection.settings_dict)

    def reconnect():
        connection.close()
        if getattr(connection, "pool", None):
            connection.close_pool()  # the next connection comes from a pool with these settings

    def down():
        connection.settings_dict["PORT"] = "1"  # nothing listens there
        if connection.settings_dict["OPTIONS"].get("pool"):
            connection.settings_dict["OPTIONS"]["pool"]["timeout"] = 1  # as a production request would, sooner
        reconnect()

    def up():
        connection.settings_dict.clear()
        connection.settings_dict.update(copy.deepcopy(saved))
        reconnect()

    yield down, up
    up()
