"""The demo's mail, both ways: an email "arrives" from a form (through the channel's own path:
stored raw, parsed, threaded), and the replies the file backend wrote under
MEDIA_ROOT/demo-mail can be read. Only for demo inboxes (`Inbox.demo`), which read no mailbox
and send nothing off the machine."""

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from inbox.models import Inbox

from .addresses import inbox_address
from .models import RawEmailSource
from .services import raw_email_process, raw_email_store

# Django's file backend separates the messages of one connection with a line of 79 dashes.
SEPARATOR = re.compile(rb"\r?\n-{79}\r?\n")
FILE_NAME = re.compile(r"^[\w.-]{1,100}\.log$")
MAX_LISTED = 200


def demo_email_inboxes():
    return Inbox.objects.filter(kind="email", demo=True, is_active=True).order_by("name")


def demo_email_simulate(inbox: Inbox, *, sender: str, name: str, subject: str, text: str, in_reply_to: str = "") -> str:
    """An email from a customer to the demo inbox, as if it came from its mailbox."""
    message = EmailMessage()
    message["From"] = formataddr((name, sender))
    message["To"] = inbox_address(inbox)
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "example.test")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(text)
    row, _created = raw_email_store(inbox=inbox, raw=message.as_bytes(), source=RawEmailSource.SIMULATED)
    return raw_email_process(row.pk)


@dataclass(frozen=True)
class DemoMail:
    file: str
    index: int
    sender: str
    to: str
    cc: str
    subject: str
    date: str
    message_id: str
    in_reply_to: str
    text: str


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "demo-mail"


def _read(path: Path) -> list[DemoMail]:
    mails = []
    for index, chunk in enumerate(part for part in SEPARATOR.split(path.read_bytes()) if part.strip()):
        message = message_from_bytes(chunk, policy=policy.default)
        try:
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
        except Exception:  # a broken MIME tree: the raw text is still readable
            text = chunk.decode("utf-8", "replace")
        mails.append(
            DemoMail(
                file=path.name,
                index=index,
                sender=str(message["From"] or ""),
                to=str(message["To"] or ""),
                cc=str(message["Cc"] or ""),
                subject=str(message["Subject"] or ""),
                date=str(message["Date"] or ""),
                message_id=str(message["Message-ID"] or ""),
                in_reply_to=str(message["In-Reply-To"] or ""),
                text=text,
            )
        )
    return mails


def demo_mail_list() -> list[DemoMail]:
    """The demo's outgoing emails, newest file first."""
    folder = _folder()
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)[:MAX_LISTED]
    return [mail for path in files for mail in reversed(_read(path))]


def demo_mail_read(file: str, index: int) -> DemoMail | None:
    """One outgoing email; only a plain file name inside the demo folder (no path)."""
    if not FILE_NAME.match(file or ""):
        return None
    path = _folder() / file
    if not path.is_file():
        return None
    mails = _read(path)
    return mails[index] if 0 <= index < len(mails) else None
