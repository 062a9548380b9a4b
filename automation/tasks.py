"""Periodic automation: service-level alerts and assigning conversations that wait."""

from celery import shared_task

from . import assignment, sla


@shared_task(name="automation.tasks.sla_alerts_check_task")
def sla_alerts_check_task() -> dict:
    return sla.sla_alerts_check()


@shared_task(name="automation.tasks.waiting_conversations_assign_task")
def waiting_conversations_assign_task() -> int:
    return assignment.waiting_conversations_assign()
