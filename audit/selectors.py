"""Reading the audit log: filtered entries, and their data with anything secret-looking
masked (entries should never hold a secret's value; the reader does not count on it)."""

import re
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from .models import AuditEntry

SECRET_KEY_NAME = re.compile(r"(secret|token|password|passwd|credential|api_?key|access_key|private)", re.I)
REDACTED = "••••••"
# Keys that name secrets (e.g. {"secrets": ["access_token"]}) rather than hold them.
NAMES_ONLY = {"secrets", "fields", "changed"}


def audit_entries(*, actor_id=None, action: str = "", since: date | None = None, until: date | None = None) -> QuerySet:
    entries = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if action:
        entries = entries.filter(action=action)
    zone = timezone.get_current_timezone()
    if since:
        entries = entries.filter(at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until:
        entries = entries.filter(at__lte=datetime.combine(until, time.max, tzinfo=zone))
    return entries


def audit_redacted(value, *, key: str = ""):
    """`value` with every value under a secret-looking key replaced by a mask."""
    if key and key not in NAMES_ONLY and SECRET_KEY_NAME.search(key):
        return REDACTED if value not in (None, "", [], {}) else value
    if isinstance(value, dict):
        return {k: audit_redacted(v, key=str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [audit_redacted(v) for v in value]
    return value


def _shown(value):
    """A switch's state as a word of the reader's language, anything else as recorded."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return value


def audit_changes(data: dict) -> dict:
    """What an entry says changed, redacted: `changes` [(field, before, after)] when it holds a
    before and/or after (field "" when the entry is about one setting and records its values
    alone, e.g. a switch's before and after), and `details` [(key, value)] for everything else."""
    data = audit_redacted(data or {})
    before, after = data.get("before"), data.get("after")
    changes = []
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        for field in list(dict.fromkeys([*before, *after])):
            if before.get(field) != after.get(field) or not before or not after:
                changes.append((field, _shown(before.get(field)), _shown(after.get(field))))
    elif before is not None or after is not None:
        changes.append(("", _shown(before), _shown(after)))
    details = [(k, v) for k, v in data.items() if k not in ("before", "after")]
    return {"changes": changes, "details": details}
