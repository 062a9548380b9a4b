"""Celery tasks of the CRM. Each takes ids (or nothing), calls one service, is safe to run twice."""

from celery import shared_task


@shared_task(name="crm.tasks.contact_import_run_task", ignore_result=True)
def contact_import_run_task(import_id: int) -> None:
    from .imports import contact_import_run as run

    run(import_id)


@shared_task(name="crm.tasks.contact_suggestions_refresh_task", ignore_result=True)
def contact_suggestions_refresh_task(contact_id: int) -> int:
    """Merge suggestions for a contact that just appeared (identify() queues this)."""
    from .merging import suggestions_refresh
    from .models import Contact

    contact = Contact.objects.filter(pk=contact_id).first()
    return len(suggestions_refresh(contact=contact)) if contact is not None else 0
