"""Celery tasks of the WhatsApp channel. Each takes ids, calls one service, is safe to run twice."""

import logging

from celery import shared_task

from . import media

logger = logging.getLogger(__name__)


@shared_task(name="channels_whatsapp.tasks.media_download_task", ignore_result=True)
def media_download_task(attachment_id: int) -> str:
    from meta_platform.media import download_task_run

    return download_task_run(media_download_task, attachment_id, media.media_fetch)


@shared_task(name="channels_whatsapp.tasks.media_download_sweep_task", ignore_result=True)
def media_download_sweep_task() -> int:
    """Re-enqueue WhatsApp downloads still pending (broker down, worker died, eager retries)."""
    from meta_platform.media import downloads_sweep

    return downloads_sweep(media_download_task, kind="whatsapp", platform="WhatsApp", max_attempts=media.MAX_ATTEMPTS)


@shared_task(name="channels_whatsapp.tasks.templates_sync_task", ignore_result=True)
def templates_sync_task(inbox_id: int | None = None) -> list[dict]:
    """Sync the templates of one WhatsApp inbox, or of every active one with a WABA id."""
    from inbox.models import Inbox

    from .templates import templates_sync as sync

    inboxes = Inbox.objects.filter(kind="whatsapp", is_active=True).order_by("id")
    if inbox_id is not None:
        inboxes = inboxes.filter(pk=inbox_id)
    results = []
    for inbox in inboxes:
        if not inbox.config.get("waba_id"):
            continue
        try:
            results.append(sync(inbox=inbox))
        except Exception as error:
            logger.warning("template sync of inbox %s failed: %s", inbox.pk, error)
            results.append({"inbox": inbox.pk, "error": str(error)})
    return results


@shared_task(name="channels_whatsapp.tasks.conversation_mark_read_task", ignore_result=True)
def conversation_mark_read_task(conversation_id: int) -> bool:
    from inbox.models import Conversation

    from .receipts import conversation_mark_read as mark_read

    conversation = Conversation.objects.select_related("inbox").filter(pk=conversation_id).first()
    return bool(conversation) and mark_read(conversation)
