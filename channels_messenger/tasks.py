"""Celery tasks of the Messenger channel. Each takes ids, calls one service, is safe to run twice."""

from celery import shared_task
from django.conf import settings

from . import media


@shared_task(name="channels_messenger.tasks.media_download", ignore_result=True)
def media_download(attachment_id: int) -> str:
    outcome = media.media_fetch(attachment_id)
    if outcome == "retry" and not settings.CELERY_TASK_ALWAYS_EAGER:
        from inbox.models import Attachment

        attempts = Attachment.objects.filter(pk=attachment_id).values_list("attempts", flat=True).first() or 1
        media_download.apply_async((attachment_id,), countdown=media.retry_delay(attempts))
    # In-process (eager) mode leaves retries to the sweeper instead of retrying right away.
    return outcome


@shared_task(name="channels_messenger.tasks.media_download_sweep", ignore_result=True)
def media_download_sweep() -> int:
    """Re-enqueue Messenger downloads still pending (broker down, worker died, eager retries)."""
    from meta_platform.media import downloads_due

    ids = downloads_due(kind="messenger", platform="Messenger", max_attempts=media.MAX_ATTEMPTS)
    for attachment_id in ids:
        media_download.delay(attachment_id)
    return len(ids)


@shared_task(name="channels_messenger.tasks.profile_fetch", ignore_result=True)
def profile_fetch(identity_id: int, inbox_id: int) -> str:
    from .profiles import profile_refresh

    return profile_refresh(identity_id=identity_id, inbox_id=inbox_id)


@shared_task(name="channels_messenger.tasks.sender_action", ignore_result=True)
def sender_action(conversation_id: int, action: str) -> bool:
    from inbox.models import Conversation

    from .sender_actions import sender_action_send

    conversation = Conversation.objects.select_related("inbox", "identity").filter(pk=conversation_id).first()
    return bool(conversation) and sender_action_send(conversation, action)
