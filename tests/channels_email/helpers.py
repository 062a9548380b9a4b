"""Writing emails into an inbox the way the poller and the webhooks do: store raw, process."""

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone

from channels_email.models import RawEmail
from channels_email.services import raw_email_process, raw_email_store


def mail(
    *,
    sender: str = "Emily Carter <emily@example.org>",
    to: str = "support@acme.test",
    subject: str = "Where is my order?",
    text: str = "Hello, my order has not arrived.",
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
    cc: str = "",
    headers: dict | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="example.org")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    return message.as_bytes()


def deliver(inbox, raw: bytes, *, source: str = "simulated") -> tuple[RawEmail, str]:
    """Store and process one email as it arrives; returns the row and the outcome."""
    row, _ = raw_email_store(inbox=inbox, raw=raw, source=source)
    outcome = raw_email_process(row.pk)
    row.refresh_from_db()
    return row, outcome
