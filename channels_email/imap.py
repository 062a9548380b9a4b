"""Reading an inbox's IMAP folder: the poller.

New mail is found by UID (above the highest UID we processed under the folder's UIDVALIDITY; on
a first visit or a new UIDVALIDITY, the unread mail), fetched with BODY.PEEK (which leaves it
unread), stored raw (committed), processed, and only then marked \\Seen or moved to the inbox's
folder for processed mail. A worker that dies at any point loses nothing: the next poll finds
the mail still above our UID, and the stored row (matched by UID or Message-ID) is processed
(or, processed already, only marked or moved) instead of stored twice.
"""

import base64
import imaplib
import logging
import re
import ssl
from contextlib import contextmanager

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import MailboxState, RawEmailSource, RawEmailStatus
from .parser import MAX_BYTES
from .services import raw_email_process, raw_email_store

logger = logging.getLogger(__name__)

IMAP_TIMEOUT = 30
POLL_LOCK_SECONDS = 300
BATCH = 200  # the most messages one poll takes; the next poll continues
SETTLE_EVERY = 25  # processed mail is marked or moved on the server in groups of this many


class ImapError(Exception):
    """The mail server could not be reached or refused us; `reason` says so in words."""


@contextmanager
def imap_session(inbox):
    """A logged-in IMAP connection with the inbox's folder selected (read-write)."""
    config, credentials = inbox.config or {}, inbox.credentials or {}
    host, port = config.get("imap_host", ""), int(config.get("imap_port") or 993)
    security = config.get("imap_security", "ssl")
    try:
        if security == "ssl":
            client = imaplib.IMAP4_SSL(host, port, ssl_context=ssl.create_default_context(), timeout=IMAP_TIMEOUT)
        else:
            client = imaplib.IMAP4(host, port, timeout=IMAP_TIMEOUT)
            if security == "starttls":
                client.starttls(ssl_context=ssl.create_default_context())
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as error:
        raise ImapError(
            _("Could not reach the IMAP server %(host)s:%(port)s (%(reason)s).")
            % {"host": host, "port": port, "reason": error or type(error).__name__}
        ) from None
    try:
        try:
            client.login(config.get("imap_user", ""), credentials.get("imap_password", ""))
        except imaplib.IMAP4.error as error:
            raise ImapError(_("The IMAP server refused the login: %(reason)s") % {"reason": _text(error)}) from None
        status, data = client.select(_quoted(mailbox_name(config.get("imap_folder") or "INBOX")))
        if status != "OK":
            raise ImapError(
                _("The folder %(folder)s cannot be opened: %(reason)s")
                % {"folder": config.get("imap_folder") or "INBOX", "reason": _text(data)}
            )
        client.webcare_exists = _text(data)  # select() takes EXISTS out of the untagged responses
        yield client
    except (TimeoutError, OSError, imaplib.IMAP4.abort) as error:
        raise ImapError(
            _("The IMAP connection broke off (%(reason)s).") % {"reason": error or type(error).__name__}
        ) from None
    finally:
        try:
            client.logout()
        except Exception:  # already gone; nothing to tidy
            logger.debug("IMAP logout failed", exc_info=True)


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(value) -> str:
    if isinstance(value, list | tuple):
        value = b" ".join(v if isinstance(v, bytes) else str(v).encode() for v in value if v)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(str(value).split())


def mailbox_poll(inbox, *, on_stored=None, on_processed=None) -> dict:
    """Take the folder's new mail into the inbox; returns counts. One poll per inbox at a time
    (a lock in the cache); a second caller returns at once. `on_stored(uid)` and
    `on_processed(uid)`: test hooks, called before processing and before the mail is marked
    or moved."""
    lock = f"email-poll:{inbox.pk}"
    if not cache.add(lock, 1, timeout=POLL_LOCK_SECONDS):
        return {"skipped": 1}
    try:
        return _poll(inbox, on_stored=on_stored, on_processed=on_processed)
    finally:
        cache.delete(lock)


def _poll(inbox, *, on_stored, on_processed) -> dict:
    from .models import RawEmail

    state, _ = MailboxState.objects.get_or_create(inbox=inbox)
    counts = {"fetched": 0, "processed": 0, "failed": 0}
    try:
        with imap_session(inbox) as client:
            uidvalidity = int(client.untagged_responses.get("UIDVALIDITY", [b"0"])[0])
            capabilities = client.capabilities
            if state.uidvalidity != uidvalidity:
                state.uidvalidity, state.last_uid = uidvalidity, 0
                uids = _search(client, "UNSEEN")
            else:
                uids = [uid for uid in _search(client, f"UID {state.last_uid + 1}:*") if uid > state.last_uid]
            uids = sorted(uids)[:BATCH]
            # Mail we stored before (a poll that died before marking or moving it) in one query.
            stored = {
                row.uid: row for row in RawEmail.objects.filter(inbox=inbox, uidvalidity=uidvalidity, uid__in=uids)
            }
            settle = _Settle(inbox, client)
            for start in range(0, len(uids), SETTLE_EVERY):
                chunk, done = uids[start : start + SETTLE_EVERY], []
                for uid in chunk:
                    outcome = _take(inbox, client, uidvalidity, uid, stored.get(uid), counts, on_stored)
                    if outcome == "failed":
                        counts["failed"] += 1
                        continue
                    counts["processed"] += 1
                    if outcome != "gone":
                        done.append(uid)
                    if on_processed is not None:
                        on_processed(uid)
                # Marked or moved only after processing; the position is saved only after that,
                # so a poll that dies in between finds the mail again, recognises it and settles it.
                settle(done)
                state.last_uid = max(state.last_uid, *chunk)
                MailboxState.objects.filter(pk=state.pk).update(uidvalidity=uidvalidity, last_uid=state.last_uid)
            state.idle_supported = "IDLE" in capabilities
    except ImapError as error:
        MailboxState.objects.filter(pk=state.pk).update(last_error=str(error), last_polled_at=timezone.now())
        raise
    MailboxState.objects.filter(pk=state.pk).update(
        uidvalidity=state.uidvalidity,
        last_uid=state.last_uid,
        idle_supported=state.idle_supported,
        last_polled_at=timezone.now(),
        last_error="",
    )
    return counts


def _search(client, criteria: str) -> list[int]:
    status, data = client.uid("SEARCH", None, criteria)
    if status != "OK":
        raise ImapError(_("The IMAP server refused the search: %(reason)s") % {"reason": _text(data)})
    return [int(uid) for uid in b" ".join(d for d in data if d).split()]


def _take(inbox, client, uidvalidity: int, uid: int, row, counts: dict, on_stored) -> str:
    if row is None:
        raw, size, truncated = _fetch(client, uid)
        if raw is None:
            return "gone"  # expunged meanwhile
        counts["fetched"] += 1
        row, _ = raw_email_store(
            inbox=inbox, raw=raw, source=RawEmailSource.IMAP, uidvalidity=uidvalidity, uid=uid,
            size=size, truncated=truncated,
        )  # fmt: skip
    if on_stored is not None:
        on_stored(uid)
    if row.status == RawEmailStatus.PROCESSED:
        return row.outcome
    row.inbox = inbox  # the poll's own instance: its credentials are decrypted once, not per email
    return raw_email_process(row.pk, row=row)


AFTER_SEEN, AFTER_MOVE = "seen", "move"
DEFAULT_PROCESSED_FOLDER = "Webcare/Processed"


class _Settle:
    """What becomes of processed mail on the server: marked \\Seen (the default), or moved to
    the inbox's folder for processed mail (`config.after_processing = "move"`,
    `config.processed_folder`), with MOVE (RFC 6851) where the server offers it, else COPY,
    \\Deleted and UID EXPUNGE (RFC 4315: only these messages; a server without UIDPLUS gets a
    plain EXPUNGE). The folder is created when the server says it is missing."""

    def __init__(self, inbox, client) -> None:
        config = inbox.config or {}
        self.client = client
        self.move = config.get("after_processing") == AFTER_MOVE
        self.folder = (config.get("processed_folder") or "").strip() or DEFAULT_PROCESSED_FOLDER
        self.capabilities: set[str] | None = None
        self.mailbox = ""

    def __call__(self, uids: list[int]) -> None:
        if not uids:
            return
        uid_set = ",".join(str(uid) for uid in uids)
        if not self.move:
            self.client.uid("STORE", uid_set, "+FLAGS.SILENT", "(\\Seen)")
            return
        if self.capabilities is None:
            self._learn()
        status, data = self._move(uid_set)
        if status != "OK" and b"[TRYCREATE]" in b" ".join(d for d in data if isinstance(d, bytes)):
            self.client.create(self.mailbox)
            self.client.subscribe(self.mailbox)
            status, data = self._move(uid_set)
        if status != "OK":
            raise ImapError(
                _("The mail could not be moved to the folder %(folder)s: %(reason)s")
                % {"folder": self.folder, "reason": _text(data)}
            )

    def _learn(self) -> None:
        # imaplib keeps the capabilities the server named before the login; MOVE and UIDPLUS
        # are often named only after it.
        status, data = self.client.capability()
        self.capabilities = set(_text(data).upper().split()) if status == "OK" else set()
        status, data = self.client.list('""', '""')
        match = _DELIMITER.search(data[0] or b"") if status == "OK" and data else None
        delimiter = match.group(1).decode() if match and match.group(1) else "/"
        self.mailbox = _quoted(mailbox_name(self.folder.replace("/", delimiter)))

    def _move(self, uid_set: str):
        client = self.client
        if "MOVE" in self.capabilities:
            return client.uid("MOVE", uid_set, self.mailbox)
        status, data = client.uid("COPY", uid_set, self.mailbox)
        if status != "OK":
            return status, data
        client.uid("STORE", uid_set, "+FLAGS.SILENT", "(\\Deleted)")
        if "UIDPLUS" in self.capabilities:
            return client.uid("EXPUNGE", uid_set)
        return client.expunge()


_DELIMITER = re.compile(rb'\) (?:"(.)"|NIL)')


def mailbox_name(name: str) -> str:
    """A folder name as IMAP writes it: modified UTF-7 (RFC 3501 5.1.3), so "Geprüft" works."""
    out, pending = [], []

    def flush():
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + encoded.replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


def _fetch(client, uid: int) -> tuple[bytes | None, int, bool]:
    status, data = client.uid("FETCH", str(uid), "(RFC822.SIZE)")
    match = _SIZE.search(b" ".join(part if isinstance(part, bytes) else b"" for part in data or []))
    if status != "OK" or not match:
        return None, 0, False
    size = int(match.group(1))
    truncated = size > MAX_BYTES
    # Over the cap only the headers are kept, with a note for the agent.
    section = "BODY.PEEK[HEADER]" if truncated else "BODY.PEEK[]"
    status, data = client.uid("FETCH", str(uid), f"({section})")
    for part in data or []:
        if isinstance(part, tuple) and len(part) == 2:
            return part[1], size, truncated
    return None, size, truncated


def imap_login_check(inbox) -> tuple[str, ...]:
    """Log in and open the folder: the facts for "Test connection", or ImapError."""
    with imap_session(inbox) as client:
        return (client.webcare_exists, "IDLE" in client.capabilities)


def mailbox_wait(inbox, seconds: float) -> bool:
    """Wait for new mail: with IMAP IDLE (RFC 2177) where the server offers it, the server tells
    us at once; else just sleep. Returns True when the server announced mail."""
    import time

    state = MailboxState.objects.filter(inbox=inbox).first()
    if state is None or not state.idle_supported:
        time.sleep(seconds)
        return False
    with imap_session(inbox) as client:
        # imaplib (before Python 3.14) has no IDLE: the command is spoken by hand.
        tag = client._new_tag()
        client.send(tag + b" IDLE\r\n")
        if not client.readline().startswith(b"+"):
            return False
        client.sock.settimeout(seconds)
        announced = False
        try:
            while not announced:
                line = client.readline()
                if not line:
                    break
                announced = line.startswith(b"*") and (b"EXISTS" in line or b"RECENT" in line)
        except (TimeoutError, OSError):
            pass
        client.sock.settimeout(IMAP_TIMEOUT)
        client.send(b"DONE\r\n")
        while True:
            line = client.readline()
            if not line or line.startswith(tag):
                break
        return announced
