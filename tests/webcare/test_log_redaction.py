"""Secrets in query strings stay out of the request logs: Meta's webhook handshake carries the
verify token as `?hub.verify_token=...`, and web servers log every request line with its query."""

import logging
import socket
import threading
import time

import pytest
import requests

from tests.factories import make_inbox

VERIFY_TOKEN = "vt-do-not-log-5521"


class Lines(logging.Handler):
    """Collects records as a server's handler would write them, with the server's formatter."""

    def __init__(self, formatter):
        super().__init__()
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_uvicorns_access_log_of_the_webhook_handshake_holds_no_verify_token():
    import uvicorn
    from uvicorn.logging import AccessFormatter

    from webcare.asgi import application

    inbox = make_inbox("messenger", credentials={"access_token": "t", "app_secret": "s", "verify_token": VERIFY_TOKEN})
    port = _free_port()
    # The real server with its access log on, as `runstack` and the container start it.
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, lifespan="off", log_level="info", access_log=True)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    access = logging.getLogger("uvicorn.access")
    lines = Lines(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        access.addHandler(lines)  # after the server configured its logging, as its own handler is
        query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "7788"}
        answered = requests.get(f"http://127.0.0.1:{port}{inbox.webhook_path}", params=query, timeout=10)
        deadline = time.monotonic() + 5
        while not lines.lines and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        access.removeHandler(lines)
        server.should_exit = True
        thread.join(timeout=5)

    assert answered.status_code == 200 and answered.text == "7788"
    [line] = lines.lines
    assert VERIFY_TOKEN not in line
    assert "hub.verify_token=[redacted]" in line and "hub.challenge=7788" in line and " 200" in line


@pytest.mark.parametrize(
    ("logger", "message", "args"),
    [
        # uvicorn's websocket lines, and Django's runserver request line
        ("uvicorn.error", '%s - "WebSocket %s" %s', ("1.2.3.4:5", "/ws/x/?token=tok-123&a=1", "[accepted]")),
        ("django.server", '"%s" %s %s', ("GET /webhooks/messenger/x/?hub.verify_token=tok-123 HTTP/1.1", "403", "9")),
        ("django.request", "Forbidden: %s", ("/api/v1/x/?access_token=tok-123&api_key=tok-123",)),
    ],
)
def test_other_request_loggers_redact_token_like_query_parameters(logger, message, args):
    lines = Lines(logging.Formatter("%(message)s"))
    logging.getLogger(logger).addHandler(lines)  # where the server's own handler sits
    try:
        logging.getLogger(logger).warning(message, *args)
    finally:
        logging.getLogger(logger).removeHandler(lines)
    [line] = lines.lines
    assert "tok-123" not in line and "[redacted]" in line
