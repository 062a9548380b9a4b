"""Privacy-relevant actions on contacts, recorded twice on purpose: in the contact's own trail
(`ContactAuditEntry`, kept by id so it outlives an erased contact) and in the admins' audit
log (`audit`), where credential and role changes are too."""

from audit.models import AuditAction
from audit.services import audit_record

from .models import ContactAuditEntry

ACTIONS = {
    "merged": AuditAction.CONTACT_MERGED,
    "merge_undone": AuditAction.CONTACT_MERGE_UNDONE,
    "erased": AuditAction.CONTACT_ERASED,
    "gdpr_export": AuditAction.EXPORT,
}


def contact_audit(*, contact_id: int, action: str, actor=None, data: dict | None = None) -> None:
    data = data or {}
    ContactAuditEntry.objects.create(contact_id_value=contact_id, action=action, actor=actor, data=data)
    audit_record(actor=actor, action=ACTIONS[action], label=f"contact {contact_id}", contact=contact_id, **data)
