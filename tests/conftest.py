"""Shared test setup. Factories live in tests/factories.py."""

import pytest
from django.db import connection


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


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def _forget_server_loop():
    """A test's in-thread ASGI server stops with the test: forget its event loop."""
    yield
    from inbox import realtime

    realtime._server_loop = None
