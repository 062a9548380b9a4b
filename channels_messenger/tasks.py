"""Celery tasks of the Messenger channel: the shared Messenger Platform tasks
(`meta_platform.messaging_tasks`) under this channel's names."""

from meta_platform.messaging_tasks import messaging_tasks

from . import media

_TASKS = messaging_tasks(
    kind="messenger",
    platform="Messenger",
    media_fetch=media.media_fetch,
    max_attempts=media.MAX_ATTEMPTS,
    profiles="channels_messenger.profiles",
    sender_actions="channels_messenger.sender_actions",
)
media_download_task = _TASKS.media_download_task
media_download_sweep_task = _TASKS.media_download_sweep_task
profile_fetch_task = _TASKS.profile_fetch_task
sender_action_task = _TASKS.sender_action_task
