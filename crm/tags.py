"""The list of contact tags, kept by leads: create, rename, colour, delete, merge. Every change
is in the audit log. Applying tags to contacts is `crm.services` (agents apply the tags that
exist; leads and admins may also add new ones there)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from kernel.colors import DEFAULT_COLOR, color_valid
from kernel.refusals import Refused

from .models import Contact, ContactTag


class ContactTagRefused(Refused):
    code = "tag_refused"


def contact_tag_name_clean(name: str) -> str:
    return " ".join((name or "").split())[:64]


def _checked(name: str, color: str, *, tag: ContactTag | None = None) -> tuple[str, str]:
    name = contact_tag_name_clean(name)
    if not name or "," in name:
        raise ContactTagRefused(_("Give the tag a name (without commas)."), code="tag_name_invalid")
    if not color_valid(color):
        raise ContactTagRefused(_("Pick one of the colours."), code="tag_color_invalid")
    if ContactTag.objects.filter(name__iexact=name).exclude(pk=tag.pk if tag else None).exists():
        raise ContactTagRefused(
            _("There is already a tag “{name}”: merge them instead."), code="tag_name_taken", name=name
        )
    return name, color.lower()


def contact_tag_create(*, actor, name: str, color: str = DEFAULT_COLOR) -> ContactTag:
    name, color = _checked(name, color)
    with transaction.atomic():
        tag = ContactTag.objects.create(name=name, color=color)
        audit_record(actor=actor, action=AuditAction.TAG_CREATED, target=tag, kind="contact", color=color)
    return tag


def contact_tag_update(*, actor, tag: ContactTag, name: str, color: str) -> ContactTag:
    name, color = _checked(name, color, tag=tag)
    changes = {}
    if name != tag.name:
        changes["name"] = [tag.name, name]
    if color != tag.color:
        changes["color"] = [tag.color, color]
    if not changes:
        return tag
    with transaction.atomic():
        tag.name, tag.color = name, color
        tag.save(update_fields=["name", "color", "updated_at"])
        audit_record(actor=actor, action=AuditAction.TAG_UPDATED, target=tag, kind="contact", changes=changes)
    return tag


def contact_tag_delete(*, actor, tag: ContactTag) -> int:
    with transaction.atomic():
        used = tag.contacts.count()
        audit_record(actor=actor, action=AuditAction.TAG_DELETED, target=tag, kind="contact", contacts=used)
        tag.delete()
    return used


def contact_tag_merge(*, actor, tag: ContactTag, into: ContactTag) -> int:
    """Every contact tagged `tag` gets `into` instead; `tag` leaves the list."""
    if tag.pk == into.pk:
        raise ContactTagRefused(_("Pick another tag to merge into."), code="tag_merge_self")
    through = Contact.tags.through
    with transaction.atomic():
        ids = list(through.objects.filter(contacttag=tag).values_list("contact_id", flat=True))
        through.objects.bulk_create(
            [through(contact_id=pk, contacttag=into) for pk in ids], ignore_conflicts=True, batch_size=1000
        )
        audit_record(
            actor=actor, action=AuditAction.TAG_MERGED, target=into, kind="contact", merged=tag.name, contacts=len(ids)
        )
        tag.delete()
    return len(ids)
