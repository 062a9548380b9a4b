"""Celery tasks of the contacts app. Each takes ids (or nothing), calls one service, is safe to run twice."""

from celery import shared_task
from django.conf import settings


@shared_task(name="contacts.tasks.retention_anonymise_task", ignore_result=True)
def retention_anonymise_task() -> int:
    from .privacy import conversations_retention_anonymise

    return conversations_retention_anonymise(days=settings.WEBCARE_RETENTION_DAYS)
