"""The Celery tasks of a Messenger Platform channel (a Page's Messenger, Instagram Direct), made
once per channel under its own task names (`channels_<kind>.tasks.<name>`, which the beat
schedule and queued messages refer to). Each takes ids, calls one service, is safe to run twice."""

from dataclasses import dataclass

from celery import shared_task


@dataclass(frozen=True)
class MessagingTasks:
    media_download_task: object
    media_download_sweep_task: object
    profile_fetch_task: object
    sender_action_task: object


def messaging_tasks(*, kind: str, platform: str, media_fetch, max_attempts: int, profiles, sender_actions):
    """The four tasks of channel `kind`. `profiles` and `sender_actions` are the channel's
    modules' dotted paths, imported when a task runs (they import the channel's Sender)."""
    prefix = f"channels_{kind}.tasks"

    @shared_task(name=f"{prefix}.media_download_task", ignore_result=True)
    def media_download_task(attachment_id: int) -> str:
        from .media import download_task_run

        return download_task_run(media_download_task, attachment_id, media_fetch)

    @shared_task(name=f"{prefix}.media_download_sweep_task", ignore_result=True)
    def media_download_sweep_task() -> int:
        """Re-enqueue downloads still pending (broker down, worker died, eager retries)."""
        from .media import downloads_sweep

        return downloads_sweep(media_download_task, kind=kind, platform=platform, max_attempts=max_attempts)

    @shared_task(name=f"{prefix}.profile_fetch_task", ignore_result=True)
    def profile_fetch_task(identity_id: int, inbox_id: int) -> str:
        from importlib import import_module

        return import_module(profiles).profile_refresh(identity_id=identity_id, inbox_id=inbox_id)

    @shared_task(name=f"{prefix}.sender_action_task", ignore_result=True)
    def sender_action_task(conversation_id: int, action: str) -> bool:
        from importlib import import_module

        from inbox.models import Conversation

        conversation = Conversation.objects.select_related("inbox", "identity").filter(pk=conversation_id).first()
        return bool(conversation) and import_module(sender_actions).sender_action_send(conversation, action)

    return MessagingTasks(media_download_task, media_download_sweep_task, profile_fetch_task, sender_action_task)
