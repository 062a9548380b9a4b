"""Storing raw emails (the record) and processing them through the one ingest path.

`raw_email_store` commits the bytes in a row of their own before anything else happens; the
keys of `RawEmail` recognise a message we hold already. `raw_email_process` then turns it into
what the inbox stores (`processor`), in one transaction with the "processed" mark, or records
the failure on the row for `raw_emails_reprocess` to try again. Both are safe to run twice.
"""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import RawEmail, RawEmailStatus
from .parser import MAX_BYTES, head_of, message_id_of, too_complex

logger = logging.getLogger(__name__)

REPROCESS_MAX_ATTEMPTS = 10


def raw_email_store(
    *,
    inbox,
    raw: bytes,
    source: str,
    uidvalidity: int | None = None,
    uid: int | None = None,
    size: int | None = None,
    truncated: bool = False,
) -> tuple[RawEmail, bool]:
    """Commit one email's bytes. Returns (row, created); a message we hold already (same
    Message-ID, or same UIDVALIDITY and UID) returns the stored row. Over the size cap, or built
    to be costly to parse (`parser.too_complex`), only the headers are kept (the IMAP poller
    fetches no more than those of a large email; a webhook may bring it whole)."""
    if len(raw) > MAX_BYTES or too_complex(raw):
        size, truncated = size or len(raw), True
        raw = head_of(raw)
    message_id = message_id_of(raw)
    try:
        with transaction.atomic():
            row = RawEmail.objects.create(
                inbox=inbox,
                source=source,
                raw=raw,
                message_id=message_id,
                uidvalidity=uidvalidity,
                uid=uid,
                size=size if size is not None else len(raw),
                truncated=truncated,
                received_at=timezone.now(),
            )
        return row, True
    except IntegrityError:
        keys = Q(message_id=message_id)
        if uid is not None:
            keys |= Q(uidvalidity=uidvalidity, uid=uid)
        return RawEmail.objects.filter(keys, inbox=inbox).order_by("pk").first(), False


def raw_email_process(raw_email_id: int, *, row: RawEmail | None = None) -> str:
    """Process a stored email (again); returns its outcome, or "failed" (kept for a retry).
    `row`: the row as its caller just stored or read it, with its inbox (not read again)."""
    from .processor import raw_email_apply

    claimed = RawEmail.objects.filter(pk=raw_email_id).exclude(status=RawEmailStatus.PROCESSED)
    if not claimed.update(attempts=F("attempts") + 1):
        return RawEmail.objects.filter(pk=raw_email_id).values_list("outcome", flat=True).first() or "missing"
    if row is None:
        row = RawEmail.objects.select_related("inbox").get(pk=raw_email_id)
    try:
        with transaction.atomic():
            outcome = raw_email_apply(row)
            RawEmail.objects.filter(pk=row.pk).update(
                status=RawEmailStatus.PROCESSED, outcome=outcome, processed_at=timezone.now(), error=""
            )
    except Exception as error:
        logger.exception("processing email %s failed; it stays stored", row.pk)
        RawEmail.objects.filter(pk=row.pk).update(
            status=RawEmailStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        return "failed"
    return outcome


def raw_emails_reprocess(*, older_than_seconds: int = 30, limit: int = 500) -> dict:
    """Process again what failed or was never processed (the worker died after storing)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        RawEmail.objects.exclude(status=RawEmailStatus.PROCESSED)
        .filter(received_at__lt=cutoff, attempts__lt=REPROCESS_MAX_ATTEMPTS)
        .order_by("received_at")
        .values_list("id", flat=True)[:limit]
    )
    outcomes: dict[str, int] = {}
    for raw_email_id in ids:
        outcome = raw_email_process(raw_email_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return {"emails": len(ids), **outcomes}
