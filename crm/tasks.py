"""Celery tasks of the CRM. Each takes ids (or nothing), calls one service, is safe to run twice."""

from celery import shared_task
from django.conf import settings


@shared_task(name="crm.tasks.contact_import_run", ignore_result=True)
def contact_import_run(import_id: int) -> None:
    from .imports import contact_import_run as run

    run(import_id)


@shared_task(name="crm.tasks.retention_anonymise", ignore_result=True)
def retention_anonymise() -> int:
    from .privacy import conversations_retention_anonymise

    return conversations_retention_anonymise(days=settings.WEBCARE_RETENTION_DAYS)
