"""Celery tasks of reporting (queue `reports`, so a roll-up never delays a reply)."""

from celery import shared_task

from . import services


@shared_task(name="reporting.tasks.reports_rollup_task", ignore_result=True)
def reports_rollup_task() -> dict:
    """Every few minutes (beat): today per inbox, and yesterday once more after its midnight.
    Safe to run twice: each day's rows are deleted and rebuilt in one transaction."""
    return services.reports_rollup()
