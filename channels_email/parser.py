"""An email's bytes -> what the inbox needs of it. Pure: no database, no network.

Parsed with the standard library's `email` package and `policy.default`, which decodes every
charset and transfer encoding it knows (RFC 2047 words in headers, quoted-printable, base64);
a part in a charset Python does not know is read as Latin-1 rather than lost. Headers are read
defensively: a malformed one is taken as its raw text, never an error.
"""

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from .html import has_remote_images, html_sanitize, html_to_text
from .quotes import text_split

MAX_BYTES = 25 * 1024 * 1024  # the largest email taken whole (the usual providers' limit)
# What a stranger's email may cost us to parse. The standard library's parser spends about a
# millisecond on every MIME part and grows faster than linearly with a header's length, so
# within 25 MB a crafted email could hold a worker for minutes: a longer header is read only
# up to MAX_HEADER_CHARS, and an email with a header block over MAX_HEAD_BYTES or more than
# MAX_BOUNDARY_LINES part boundaries (nesting needs one per level too) keeps only its headers.
MAX_HEADER_CHARS = 16 * 1024
MAX_HEAD_BYTES = 1024 * 1024
MAX_BOUNDARY_LINES = 500
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_SUBJECT_PREFIX = re.compile(r"^\s*((re|aw|antw|antwort|fw|fwd|wg|doorst|tr|sv|vs)\s*(\[\d+\])?\s*:\s*)+", re.I)


@dataclass(frozen=True)
class Address:
    email: str
    name: str = ""


@dataclass(frozen=True)
class Part:
    """A file in the email: an attachment, or an inline image the HTML points at by `cid:`."""

    index: int  # its place among the email's file parts (how the processor finds the bytes again)
    filename: str
    mime_type: str
    size: int
    content_id: str = ""
    inline: bool = False


@dataclass(frozen=True)
class Bounce:
    """A delivery status notification (RFC 3464) about a message we sent."""

    original_message_id: str
    reason: str
    status: str = ""  # the DSN status code, e.g. 5.1.1


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    subject: str
    sender: Address
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    delivered_to: tuple[str, ...] = ()
    date: datetime | None = None
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    text: str = ""  # the whole plain-text body (or the HTML's text)
    reply: str = ""  # what they wrote now
    quoted: str = ""  # the history they quoted
    signature: str = ""
    html: str = ""  # sanitised, remote images blocked
    remote_images: bool = False
    parts: tuple[Part, ...] = ()
    auto_reply: bool = False
    bounce: Bounce | None = None
    headers: dict = field(default_factory=dict)

    @property
    def subject_key(self) -> str:
        return subject_key(self.subject)


def subject_key(subject: str) -> str:
    """A subject without Re:/AW:/Fwd:/WG:/Antw: prefixes and case: what a reply keeps."""
    return " ".join(_SUBJECT_PREFIX.sub("", subject or "").split()).casefold()[:200]


class _BoundedPolicy(email.policy.EmailPolicy):
    """`policy.default`, reading at most MAX_HEADER_CHARS of a header's value."""

    def header_fetch_parse(self, name, value):
        return super().header_fetch_parse(name, value[:MAX_HEADER_CHARS])


_POLICY = _BoundedPolicy()


def message_parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=_POLICY)


def head_of(raw: bytes) -> bytes:
    """The header block (with the blank line after it), at most MAX_HEAD_BYTES of it."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, found, _ = raw.partition(separator)
        if found and len(head) <= MAX_HEAD_BYTES:
            return head + separator
    cut = raw[:MAX_HEAD_BYTES]
    return cut[: cut.rfind(b"\n") + 1] + b"\n"


def too_complex(raw: bytes) -> bool:
    """More headers or MIME parts than a person's email has: parsing it would be the attack."""
    ends = [at for at in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if at >= 0]
    if min(ends, default=len(raw)) > MAX_HEAD_BYTES:
        return True
    return raw.count(b"\n--") + raw.startswith(b"--") > MAX_BOUNDARY_LINES


def message_id_of(raw: bytes) -> str:
    """The Message-ID (angle brackets kept), or a stable one made from the bytes. Reads the
    headers only: the body is parsed once, by `email_parse`."""
    return _message_id(BytesHeaderParser(policy=_POLICY).parsebytes(raw), raw)


def _message_id(message: Message, raw: bytes) -> str:
    found = _message_ids(_header(message, "Message-ID"))
    if found:
        return found[0][:255]
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@webcare.invalid>"


def email_parse(raw: bytes) -> ParsedEmail:
    message = message_parse(raw)
    text, html = _bodies(message)
    if not text and html:
        text = html_to_text(html)
    split = text_split(text)
    senders = _addresses(message, "From")
    return ParsedEmail(
        message_id=_message_id(message, raw),
        subject=" ".join(_header(message, "Subject").split())[:998],
        sender=senders[0] if senders else Address(email=""),
        to=tuple(_addresses(message, "To")),
        cc=tuple(_addresses(message, "Cc")),
        reply_to=tuple(_addresses(message, "Reply-To")),
        delivered_to=tuple(
            a.email for name in ("Delivered-To", "X-Original-To", "Envelope-To") for a in _addresses(message, name)
        ),
        date=_date(message),
        in_reply_to=next(iter(_message_ids(_header(message, "In-Reply-To"))), ""),
        references=tuple(_message_ids(_header(message, "References"))),
        text=text,
        reply=split.reply,
        quoted=split.quoted,
        signature=split.signature,
        html=html_sanitize(html) if html else "",
        remote_images=has_remote_images(html) if html else False,
        parts=tuple(_parts(message)),
        auto_reply=is_auto_reply(message),
        bounce=_bounce(message),
        headers={
            name: _header(message, name)[:500] for name in ("Auto-Submitted", "X-Mailer", "User-Agent") if message[name]
        },
    )


# --- headers -----------------------------------------------------------------------------------


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header policy.default cannot parse: its raw text will do
        value = next((v for k, v in message.raw_items() if k.lower() == name.lower()), "")
    return str(value or "").replace("\x00", "")


def _message_ids(value: str) -> list[str]:
    return [found[:255] for found in _MESSAGE_ID.findall(value or "")]


def _addresses(message: Message, name: str) -> list[Address]:
    values = []
    try:
        values = [str(v) for v in message.get_all(name) or []]
    except Exception:
        values = [v for k, v in message.raw_items() if k.lower() == name.lower()]
    try:
        pairs = getaddresses(values)
    except RecursionError:  # thousands of nested comments: take the plain addresses in it
        pairs = [("", found) for value in values for found in _PLAIN_ADDRESS.findall(value)]
    found = []
    for display, address in pairs:
        address = address.strip().strip("<>").lower()
        if "@" in address and len(address) <= 254:
            found.append(Address(email=address, name=display.strip()[:255]))
    return found


_PLAIN_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _date(message: Message) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(_header(message, "Date"))
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- bodies and files --------------------------------------------------------------------------


# Mail labelled Latin-1 or ASCII is Windows-1252 as often as not (Outlook writes the euro sign
# as 0x80): read it as browsers do, which is the same for every real Latin-1 character.
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252", "cp1252"}


def part_text(part: Message) -> str:
    """A text part's content as a string, whatever its charset claims."""
    if (part.get_content_charset() or "").lower() in _WINDOWS_1252_LABELS:
        payload = part.get_payload(decode=True) or b""
        try:
            return payload.decode("cp1252")
        except UnicodeDecodeError:
            return payload.decode("latin-1")
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AttributeError, KeyError):
        payload = part.get_payload(decode=True) or b""
        for charset in (part.get_content_charset() or "", "utf-8"):
            try:
                return payload.decode(charset) if charset else payload.decode("utf-8")
            except (LookupError, UnicodeError):
                continue
        return payload.decode("latin-1")


def _bodies(message: EmailMessage) -> tuple[str, str]:
    if message.get_content_type() in ("multipart/report",):
        first = next(iter(message.iter_parts()), None)
        return (part_text(first) if first is not None and first.get_content_maintype() == "text" else ""), ""
    text_part = html_part = None
    try:
        text_part = message.get_body(preferencelist=("plain",))
        html_part = message.get_body(preferencelist=("html",))
    except Exception:  # a broken MIME tree: whatever text we can find
        text_part = message if message.get_content_maintype() == "text" else None
    text = part_text(text_part) if text_part is not None else ""
    html = part_text(html_part) if html_part is not None else ""
    if text_part is not None and text_part.get_content_type() == "text/html":
        text = ""
    return text.replace("\x00", "").strip(), html.replace("\x00", "")


def file_parts(message: EmailMessage) -> list[Message]:
    """The email's file parts, in order: what `Part.index` counts."""
    bodies = set()
    try:
        for kind in ("plain", "html"):
            body = message.get_body(preferencelist=(kind,))
            if body is not None:
                bodies.add(id(body))
    except Exception:  # a broken MIME tree has no body to leave out: every part counts
        bodies = set()
    found = []
    for part in message.walk():
        if part.is_multipart() or id(part) in bodies or part is message and not message.is_multipart():
            continue
        if part.get_content_type() in ("message/delivery-status", "text/rfc822-headers"):
            continue
        disposition = part.get_content_disposition()
        if (
            disposition == "attachment"
            or part.get_filename()
            or part.get("Content-ID")
            or part.get_content_maintype() != "text"
        ):
            found.append(part)
    return found


def part_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        return part.as_bytes() if not part.is_multipart() else b"".join(p.as_bytes() for p in part.get_payload())
    return part.get_payload(decode=True) or b""


def _parts(message: EmailMessage) -> list[Part]:
    parts = []
    for index, part in enumerate(file_parts(message)):
        content_id = _header(part, "Content-ID").strip().strip("<>")[:200]
        mime = part.get_content_type()
        name = part.get_filename() or ""
        if not name:
            extension = {"message/rfc822": ".eml"}.get(mime, "." + mime.split("/")[-1][:10])
            name = f"{'image' if mime.startswith('image/') else 'attachment'}-{index + 1}{extension}"
        parts.append(
            Part(
                index=index,
                filename=name,
                mime_type=mime,
                size=len(part_bytes(part)),
                content_id=content_id,
                inline=bool(content_id) and part.get_content_disposition() != "attachment",
            )
        )
    return parts


# --- loops and noise ---------------------------------------------------------------------------

_OUT_OF_OFFICE = re.compile(
    r"^\s*(auto(matic|matische|matisches)?[ -]?(reply|antwort|antwoord|response)|out of (the )?office|"
    r"afwezig|abwesenheit(snotiz)?|abwesend|niet aanwezig|not in the office|automatisch antwoord|autoreply|"
    r"buiten kantoor|vacation|vakantie|urlaub)",
    re.I,
)


def is_auto_reply(message: Message) -> bool:
    """Written by a machine in answer to mail (RFC 3834 and the headers Exchange, Gmail and
    mailing lists use; out-of-office subjects in English, Dutch and German)."""
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if any(message.get(name) for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress-Sender")):
        return True
    if _header(message, "X-Auto-Response-Suppress").strip().lower() in ("all", "oof", "autoreply"):
        return bool(_OUT_OF_OFFICE.match(_header(message, "Subject")))
    if _header(message, "Precedence").strip().lower() in ("auto_reply", "bulk", "junk", "list"):
        return True
    return bool(_OUT_OF_OFFICE.match(_header(message, "Subject")))


def _bounce(message: EmailMessage) -> Bounce | None:
    if message.get_content_type() != "multipart/report":
        return None
    if (message.get_param("report-type") or "").lower() != "delivery-status":
        return None
    status = diagnostic = action = ""
    original = ""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            fields = _status_fields(part)
            action = fields.get("action", action)
            status = fields.get("status", status)
            diagnostic = fields.get("diagnostic-code", diagnostic)
        elif kind in ("message/rfc822", "text/rfc822-headers") and not original:
            original = _original_message_id(part)
    if action and action.lower() not in ("failed",):
        return None  # "delayed" or "delivered": not a failure
    if not original:
        original = next(iter(_message_ids(_header(message, "In-Reply-To"))), "")
    if not original:
        return None
    diagnostic = re.sub(r"^\s*smtp;\s*", "", diagnostic, flags=re.I)
    reason = " ".join(diagnostic.split()) or "The receiving server did not accept the message."
    return Bounce(original_message_id=original, reason=reason[:1000], status=status.strip()[:16])


def _status_fields(part: Message) -> dict:
    text = ""
    payload = part.get_payload()
    if isinstance(payload, list):  # policy.default parses delivery-status into header blocks
        text = "\n".join(str(block) for block in payload)
    else:
        text = part_text(part) if isinstance(payload, str) else ""
    fields = {}
    for line in re.sub(r"\n[ \t]+", " ", text).splitlines():
        name, _, value = line.partition(":")
        if value:
            fields.setdefault(name.strip().lower(), value.strip())
    return fields


def _original_message_id(part: Message) -> str:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, Message):
            return next(iter(_message_ids(_header(inner, "Message-ID"))), "")
    match = re.search(r"^Message-ID:\s*(<[^>]+>)", part_text(part), re.I | re.M)
    return match.group(1) if match else ""


def address_of(value: str) -> str:
    return parseaddr(value or "")[1].strip().lower()
