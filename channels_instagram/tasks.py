"""Celery tasks of the Instagram channel: the shared Messenger Platform tasks
(`meta_platform.messaging_tasks`) under this channel's names."""

from celery import shared_task

from meta_platform.messaging_tasks import messaging_tasks

from . import media

_TASKS = messaging_tasks(
    kind="instagram",
    platform="Instagram",
    media_fetch=media.media_fetch,
    max_attempts=media.MAX_ATTEMPTS,
    profiles="channels_instagram.profiles",
    sender_actions="channels_instagram.sender_actions",
)
media_download_task = _TASKS.media_download_task
media_download_sweep_task = _TASKS.media_download_sweep_task
profile_fetch_task = _TASKS.profile_fetch_task
sender_action_task = _TASKS.sender_action_task


@shared_task(name="channels_instagram.tasks.mention_lookup_task", ignore_result=True)
def mention_lookup_task(inbox_id: int, media_id: str, comment_id: str, at: str) -> str:
    """A mention of the account: its comment or post from the Graph API, as a public conversation."""
    from .mentions import mention_lookup

    return mention_lookup(inbox_id=inbox_id, media_id=media_id, comment_id=comment_id, at=at)
