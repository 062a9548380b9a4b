"""Celery tasks of the Instagram channel. Each takes ids, calls one service, is safe to run twice."""

from celery import shared_task

from . import media


@shared_task(name="channels_instagram.tasks.media_download_task", ignore_result=True)
def media_download_task(attachment_id: int) -> str:
    from meta_platform.media import download_task_run

    return download_task_run(media_download_task, attachment_id, media.media_fetch)


@shared_task(name="channels_instagram.tasks.media_download_sweep_task", ignore_result=True)
def media_download_sweep_task() -> int:
    """Re-enqueue Instagram downloads still pending (broker down, worker died, eager retries)."""
    from meta_platform.media import downloads_sweep

    return downloads_sweep(media_download_task, kind="instagram", platform="Instagram", max_attempts=media.MAX_ATTEMPTS)


@shared_task(name="channels_instagram.tasks.profile_fetch_task", ignore_result=True)
def profile_fetch_task(identity_id: int, inbox_id: int) -> str:
    from .profiles import profile_refresh

    return profile_refresh(identity_id=identity_id, inbox_id=inbox_id)


@shared_task(name="channels_instagram.tasks.sender_action_task", ignore_result=True)
def sender_action_task(conversation_id: int, action: str) -> bool:
    from inbox.models import Conversation

    from .sender_actions import sender_action_send

    conversation = Conversation.objects.select_related("inbox", "identity").filter(pk=conversation_id).first()
    return bool(conversation) and sender_action_send(conversation, action)
