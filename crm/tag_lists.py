"""A list of tags kept by leads: create, rename, recolour, delete, merge, each change in the
audit log. Contact tags (`crm.tags`) and the inbox's conversation tags (`inbox.tags`) are two
such lists; each app describes its list once (`TagList`) and keeps named entry points.

It lives in the CRM because that is the lowest layer that both lists' apps may import and that
may write the audit log."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from kernel.colors import DEFAULT_COLOR, color_valid
from kernel.refusals import Refused


class TagRefused(Refused):
    code = "tag_refused"


@dataclass(frozen=True)
class TagList:
    """One list: `applied` is the many-to-many field that puts its tags on things
    (`Contact.tags.field`); `name_clean` is how a name is written before it is stored or
    compared; a name that differs from a listed one only in case clashes with it when
    `case_insensitive`."""

    applied: models.ManyToManyField
    name_clean: Callable[[str], str]
    refused: type[TagRefused] = TagRefused
    case_insensitive: bool = False

    @property
    def model(self) -> type[models.Model]:
        return self.applied.related_model

    @property
    def kind(self) -> str:
        """What the tags label (`contact`, `conversation`), as the audit log names it."""
        return self.applied.model._meta.model_name

    @property
    def uses(self) -> str:
        """How the audit log counts what carried a tag (`contacts`, `conversations`)."""
        return self.applied.related_query_name()


def _checked(tag_list: TagList, name: str, color: str, *, tag=None) -> tuple[str, str]:
    name = tag_list.name_clean(name)
    if not name or "," in name:
        raise tag_list.refused(_("Give the tag a name (without commas)."), code="tag_name_invalid")
    if not color_valid(color):
        raise tag_list.refused(_("Pick one of the colours."), code="tag_color_invalid")
    same_name = {"name__iexact" if tag_list.case_insensitive else "name": name}
    if tag_list.model.objects.filter(**same_name).exclude(pk=tag.pk if tag else None).exists():
        raise tag_list.refused(
            _("There is already a tag “{name}”: merge them instead."), code="tag_name_taken", name=name
        )
    return name, color.lower()


def tag_create(*, tag_list: TagList, actor, name: str, color: str = DEFAULT_COLOR):
    """Add a tag to the list; refused when the name is empty, has a comma or is taken, or the
    colour is not in the palette."""
    name, color = _checked(tag_list, name, color)
    with transaction.atomic():
        tag = tag_list.model.objects.create(name=name, color=color)
        audit_record(actor=actor, action=AuditAction.TAG_CREATED, target=tag, kind=tag_list.kind, color=color)
    return tag


def tag_update(*, tag_list: TagList, actor, tag, name: str, color: str):
    """Rename and recolour; whatever carries the tag keeps it under its new name. Nothing is
    written (or audited) when nothing changes."""
    name, color = _checked(tag_list, name, color, tag=tag)
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
        audit_record(actor=actor, action=AuditAction.TAG_UPDATED, target=tag, kind=tag_list.kind, changes=changes)
    return tag


def tag_delete(*, tag_list: TagList, actor, tag) -> int:
    """Remove the tag from everything that carries it and from the list. Returns how many
    carried it."""
    through = tag_list.applied.remote_field.through
    with transaction.atomic():
        used = through.objects.filter(**{tag_list.applied.m2m_reverse_field_name(): tag}).count()
        audit_record(
            actor=actor, action=AuditAction.TAG_DELETED, target=tag, kind=tag_list.kind, **{tag_list.uses: used}
        )
        tag.delete()
    return used


def tag_merge(*, tag_list: TagList, actor, tag, into) -> int:
    """Everything tagged `tag` gets `into` instead (once, where it had both); `tag` leaves the
    list. Returns how many carried `tag`."""
    if tag.pk == into.pk:
        raise tag_list.refused(_("Pick another tag to merge into."), code="tag_merge_self")
    through = tag_list.applied.remote_field.through
    tag_field, owner_id = tag_list.applied.m2m_reverse_field_name(), tag_list.applied.m2m_column_name()
    with transaction.atomic():
        ids = list(through.objects.filter(**{tag_field: tag}).values_list(owner_id, flat=True))
        through.objects.bulk_create(
            [through(**{owner_id: pk, tag_field: into}) for pk in ids], ignore_conflicts=True, batch_size=1000
        )
        audit_record(
            actor=actor,
            action=AuditAction.TAG_MERGED,
            target=into,
            kind=tag_list.kind,
            merged=tag.name,
            **{tag_list.uses: len(ids)},
        )
        tag.delete()
    return len(ids)
