"""An email inbox, a real SMTP server (aiosmtpd) that keeps what it receives, and fixtures."""

import contextlib
import email
import email.policy
import pathlib
import socket

import pytest
from aiosmtpd.controller import Controller

from inbox.provisioning import inbox_create

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbag:
    """What the SMTP server received: envelope and parsed message per email."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.refuse: tuple[int, str] | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse is not None:
            code, text = self.refuse
            return f"{code} {text}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": email.message_from_bytes(envelope.content, policy=email.policy.default),
                "raw": envelope.content,
            }
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    bag = Mailbag()
    controller = Controller(bag, hostname="127.0.0.1", port=free_port())
    controller.start()
    bag.port = controller.port
    yield bag
    controller.stop()


@pytest.fixture
def email_inbox(smtp_server):
    return inbox_create(
        kind="email",
        name="Acme Support",
        external_id="support@acme.test",
        credentials={"imap_password": "imap-secret", "smtp_password": ""},
        config={
            "address": "support@acme.test",
            "company": "Acme",
            "imap_host": "",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_server.port,
            "smtp_security": "none",
            "plus_addressing": True,
        },
    )


@contextlib.contextmanager
def running_dovecot(capabilities: str = ""):
    import shutil
    import tempfile

    from .dovecot import DOVECOT, Dovecot

    if not pathlib.Path(DOVECOT).exists():
        pytest.fail("dovecot is not installed (apt-get install dovecot-imapd; .ci/run does it)")
    # Not under pytest's tmp_path: its parents are private to us, and dovecot reads mail as its own user.
    root = pathlib.Path(tempfile.mkdtemp(prefix="webcare-dovecot-"))
    server = Dovecot(root, free_port(), capabilities=capabilities)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def dovecot():
    with running_dovecot() as server:
        yield server


def imap_connect(inbox, server):
    from .dovecot import PASSWORD

    inbox.config = {
        **inbox.config,
        "imap_host": "127.0.0.1",
        "imap_port": server.port,
        "imap_security": "none",
        "imap_user": "support",
        "imap_folder": "INBOX",
    }
    inbox.credentials = {**inbox.credentials, "imap_password": PASSWORD}
    inbox.save()
    return inbox


@pytest.fixture
def imap_inbox(email_inbox, dovecot):
    return imap_connect(email_inbox, dovecot)
