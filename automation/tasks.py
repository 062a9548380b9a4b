"""Periodic automation: service-level alerts and assigning conversations that wait."""

from celery import shared_task

from . import assignment, sla


@shared_task(name="automation.tasks.sla_alerts_check_task")
def sla_alerts_check_task() -> dict:
    return sla.sla_alerts_check()


@shared_task(name="automation.tasks.waiting_conversations_assign_task")
def waiting_conversations_assign_task() -> int:
    return assignment.waiting_conversations_assign()


@shared_task(name="automation.tasks.agent_online_assign_task", ignore_result=True)
def agent_online_assign_task(user_id: int) -> int:
    """Waiting conversations of the inboxes of an agent who just came online."""
    from .handlers import agent_online_assign

    return agent_online_assign(user_id)


@shared_task(name="automation.tasks.comment_hide_task", ignore_result=True)
def comment_hide_task(message_id: int) -> bool:
    """A rule's `hide_comment`: hide the comment on the platform (a network call, after commit)."""
    from .rules import comment_hide

    return comment_hide(message_id)
