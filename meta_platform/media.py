"""One download attempt of a customer's attachment, and the sweep of those still pending:
the loop both Meta channels share around `inbox.attachments` (claim, store, record failure).

Each channel gives a `download(attachment) -> (bytes, mime type)` that does the network work
for its platform (outside any transaction) and raises `MediaPermanent` for what no retry can
fix (too large, gone), `MediaRetry` or `GraphError` for what may work later.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from inbox.attachments import attachment_download_claim, attachment_download_failed, attachment_store
from inbox.files import SNIFF_BYTES, stored_type
from inbox.models import Attachment, AttachmentStatus

from .graph import GraphError
from .media_hosts import MediaAddressRefused

logger = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (30, 120, 600, 1800)


class MediaPermanent(Exception):
    """The file will never be downloaded (too large, expired): fail at once with the reason."""


class MediaRetry(Exception):
    """This attempt failed, a later one may not (no URL yet, checksum mismatch)."""


def retry_delay(attempt: int) -> int:
    return BACKOFF_SECONDS[min(attempt - 1, len(BACKOFF_SECONDS) - 1)]


def attachment_fetch(
    attachment_id: int,
    *,
    download: Callable,
    filename: Callable,
    platform: str,
    max_attempts: int = MAX_ATTEMPTS,
) -> str:
    """One download attempt: stored / retry / failed / skipped (not pending any more)."""
    attachment = attachment_download_claim(attachment_id=attachment_id, max_attempts=max_attempts)
    if attachment is None:
        return "skipped"
    try:
        data, mime_type = download(attachment)
    except (MediaPermanent, MediaAddressRefused) as error:
        attachment_download_failed(attachment=attachment, reason=str(error), final=True)
        return "failed"
    except (GraphError, MediaRetry) as error:
        final = attachment.attempts >= max_attempts
        reason = f"Could not download the file from {platform}: {error}"
        if final:
            reason = f"Gave up after {attachment.attempts} attempts. {reason}"
        attachment_download_failed(attachment=attachment, reason=reason, final=final)
        logger.info("attachment %s: download attempt %s failed: %s", attachment_id, attachment.attempts, error)
        return "failed" if final else "retry"
    # The platform's type is a claim (a customer's phone or a CDN says what it likes): the
    # file is named and stored by what its bytes are.
    mime_type = stored_type(data[:SNIFF_BYTES], mime_type)
    attachment_store(attachment=attachment, data=data, mime_type=mime_type, filename=filename(attachment, mime_type))
    return "stored"


def downloads_due(*, kind: str, platform: str, max_attempts: int = MAX_ATTEMPTS, limit: int = 500) -> list[int]:
    """Pending downloads of `kind` inboxes left behind (broker down, worker died, eager
    retries), older than a minute; those claimed for the last time but never finished are
    marked failed with a reason."""

    pending = Attachment.objects.filter(
        status=AttachmentStatus.PENDING,
        message__inbox__kind=kind,
        attempts__lt=max_attempts,
        created_at__lt=timezone.now() - timedelta(seconds=60),
    ).exclude(remote_id="", remote_url="")
    ids = list(pending.order_by("id").values_list("id", flat=True)[:limit])
    Attachment.objects.filter(
        status=AttachmentStatus.PENDING, message__inbox__kind=kind, attempts__gte=max_attempts
    ).update(status=AttachmentStatus.FAILED, error=f"The file could not be downloaded from {platform}.")
    return ids


def download_task_run(task, attachment_id: int, fetch: Callable[[int], str]) -> str:
    """The body of a channel's `media_download` Celery task: one attempt (`fetch`), and on
    "retry" the task again after the backoff. In-process (eager) mode leaves retries to the
    sweeper instead of retrying right away."""

    outcome = fetch(attachment_id)
    if outcome == "retry" and not settings.CELERY_TASK_ALWAYS_EAGER:
        attempts = Attachment.objects.filter(pk=attachment_id).values_list("attempts", flat=True).first() or 1
        task.apply_async((attachment_id,), countdown=retry_delay(attempts))
    return outcome


def downloads_sweep(task, *, kind: str, platform: str, max_attempts: int = MAX_ATTEMPTS) -> int:
    """The body of a channel's sweep task: enqueue `task` again for downloads still pending
    (broker down, worker died, eager retries)."""
    ids = downloads_due(kind=kind, platform=platform, max_attempts=max_attempts)
    for attachment_id in ids:
        task.delay(attachment_id)
    return len(ids)
