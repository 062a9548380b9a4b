"""A refused request is one log line, written once: no traceback for a 403, and not a second
copy from Django's own console handler (which `make run`'s DEBUG switches on)."""

import io
import logging

import pytest
from django.utils.log import configure_logging

from tests.factories import make_user


@pytest.fixture
def app_logging(settings):
    """The project's logging as a server configures it (with DEBUG), writing into a buffer."""
    settings.DEBUG = True
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    buffer = io.StringIO()
    handlers = [h for name in ("", "django") for h in logging.getLogger(name).handlers]
    streams = [(h, h.setStream(buffer)) for h in handlers if isinstance(h, logging.StreamHandler)]
    yield buffer
    for handler, stream in streams:
        handler.setStream(stream)


@pytest.mark.django_db
def test_a_403_is_logged_as_one_concise_line(client, app_logging):
    # when an agent opens the leads' quality review
    client.force_login(make_user("anna"))
    assert client.get("/reports/quality/").status_code == 403
    # then the log has one line about it and no traceback
    logged = app_logging.getvalue()
    assert logged.count("Forbidden") == 1, logged
    assert "Traceback" not in logged and "PermissionDenied" not in logged
    assert "/reports/quality/" in logged


@pytest.mark.django_db
def test_a_server_error_keeps_its_traceback(client, app_logging, monkeypatch):
    from reporting import quality_views

    def broken(user):
        raise RuntimeError("boom")

    monkeypatch.setattr(quality_views, "_lead_only", broken)
    client.raise_request_exception = False
    client.force_login(make_user("anna"))
    assert client.get("/reports/quality/").status_code == 500
    logged = app_logging.getvalue()
    assert logged.count("Traceback") == 1 and "RuntimeError: boom" in logged
