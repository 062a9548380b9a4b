"""Celery tasks of the email channel. Each takes ids, calls one service, is safe to run twice."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="channels_email.tasks.mailbox_poll_task", ignore_result=True)
def mailbox_poll_task(inbox_id: int) -> dict:
    from inbox.models import Inbox

    from .imap import ImapError, mailbox_poll

    inbox = Inbox.objects.filter(pk=inbox_id, kind="email", is_active=True).first()
    if inbox is None or not (inbox.config or {}).get("imap_host"):
        return {}
    try:
        return mailbox_poll(inbox)
    except ImapError as error:
        logger.warning("IMAP poll of inbox %s failed: %s", inbox_id, error)
        return {"error": str(error)}


@shared_task(name="channels_email.tasks.mailboxes_poll_task", ignore_result=True)
def mailboxes_poll_task() -> int:
    """Every minute: a poll of each active email inbox that reads a mailbox."""
    from inbox.models import Inbox

    inbox_ids = [
        inbox.pk
        for inbox in Inbox.objects.filter(kind="email", is_active=True)
        if (inbox.config or {}).get("imap_host")
    ]
    for inbox_id in inbox_ids:
        mailbox_poll_task.delay(inbox_id)
    return len(inbox_ids)


@shared_task(name="channels_email.tasks.raw_email_process_task", ignore_result=True)
def raw_email_process_task(raw_email_id: int) -> str:
    from .services import raw_email_process

    return raw_email_process(raw_email_id)


@shared_task(name="channels_email.tasks.raw_emails_reprocess_task", ignore_result=True)
def raw_emails_reprocess_task() -> dict:
    from .services import raw_emails_reprocess

    return raw_emails_reprocess()


@shared_task(name="channels_email.tasks.attachments_store_task", ignore_result=True)
def attachments_store_task(raw_email_id: int) -> int:
    from .attachments import attachments_store

    return attachments_store(raw_email_id)
