"""Recording audit entries. Call inside the transaction of the change it records."""

from .models import AuditEntry


def audit_record(*, actor, action: str, target=None, label: str = "", **data) -> AuditEntry:
    """Record that `actor` (a user, or None for a command or the system) did `action` to
    `target` (any model instance). `data` must never hold a secret's value."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor.get_username() if getattr(actor, "pk", None) else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(label or (str(target) if target is not None else ""))[:200],
        data=data,
    )
