from celery import shared_task

from inbox.channel_registry import RetryableSendError


@shared_task(
    name="livechat.tasks.reply_email_task",
    ignore_result=True,
    autoretry_for=(RetryableSendError,),
    retry_backoff=30,
    max_retries=8,
)
def reply_email_task(message_id: int) -> str:
    from .follow_up import reply_email_send

    return reply_email_send(message_id)
