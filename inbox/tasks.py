"""Celery tasks of the inbox. Each takes ids, calls one service and is safe to run twice."""

import logging

from celery import shared_task
from django.conf import settings

from . import outbox, webhooks

logger = logging.getLogger(__name__)


@shared_task(name="inbox.tasks.message_deliver_task", ignore_result=True)
def message_deliver_task(message_id: int) -> str:
    outcome = outbox.message_deliver(message_id)
    if outcome == "retry" and not settings.CELERY_TASK_ALWAYS_EAGER:
        # Come back when the backoff is over. In-process (eager) mode leaves it to the sweeper,
        # which would otherwise run the retry immediately inside the caller.
        from .models import Message

        due = Message.objects.filter(pk=message_id).values_list("next_attempt_at", flat=True).first()
        if due is not None:
            message_deliver_task.apply_async((message_id,), eta=due)
    return outcome


@shared_task(name="inbox.tasks.automation_messages_received_task", ignore_result=True)
def automation_messages_received_task(message_ids: list[int]) -> None:
    """The automation hook (bots, rules, auto-assignment) for the stored customer messages of one
    webhook, in the order they came."""
    from . import hooks

    hooks.messages_received(message_ids)


@shared_task(name="inbox.tasks.outbox_sweep_task", ignore_result=True)
def outbox_sweep_task() -> int:
    """Re-enqueue outbox messages left pending (broker down, worker killed, retry due)."""
    due = outbox.outbox_due()
    for message_id in due:
        message_deliver_task.delay(message_id)
    if due:
        logger.info("outbox sweeper re-enqueued %d message(s)", len(due))
    return len(due)


@shared_task(name="inbox.tasks.webhook_events_reprocess_task", ignore_result=True)
def webhook_events_reprocess_task() -> dict:
    return webhooks.webhook_events_reprocess()


@shared_task(name="inbox.tasks.snoozed_conversations_wake_task", ignore_result=True)
def snoozed_conversations_wake_task() -> int:
    from .services import snoozed_conversations_wake as wake

    return wake()


@shared_task(name="inbox.tasks.unrouted_webhook_entries_reroute_task", ignore_result=True)
def unrouted_webhook_entries_reroute_task() -> dict:
    from .webhook_routing import unrouted_entries_reroute

    return unrouted_entries_reroute()


@shared_task(name="inbox.tasks.agents_idle_away_task", ignore_result=True)
def agents_idle_away_task() -> int:
    """Online agents with no inbox tab open for a while become Away."""
    from .availability import agents_idle_away

    return agents_idle_away()


@shared_task(name="inbox.tasks.demo_platform_tick_task", ignore_result=True)
def demo_platform_tick_task() -> dict:
    """The demo inboxes' simulated platform reports delivered / read and lets customers answer."""
    from .simulated_platform import demo_platform_tick

    return demo_platform_tick()


@shared_task(name="inbox.tasks.conversation_post_details_fetch_task", ignore_result=True)
def conversation_post_details_fetch_task(conversation_id: int) -> dict:
    """The post card of a new public conversation: caption, picture and permalink."""
    from .public import conversation_post_details_fetch

    return conversation_post_details_fetch(conversation_id)


@shared_task(name="inbox.tasks.post_details_retry_sweep_task", ignore_result=True)
def post_details_retry_sweep_task() -> int:
    """Failed post look-ups whose next try is due, again (bounded, with backoff)."""
    from .public import post_details_retries_enqueue

    return post_details_retries_enqueue()
