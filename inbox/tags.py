"""The list of conversation tags, kept by leads: create, rename, colour, delete, merge.
Every change is in the audit log. Applying tags to a conversation is `inbox.services`
(`conversation_update(tags=...)`): agents apply the tags that exist, leads, admins and
automation may also add new ones there."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from kernel.colors import DEFAULT_COLOR, color_valid
from kernel.refusals import Refused

from . import access
from .models import Conversation, Tag


class TagRefused(Refused):
    code = "tag_refused"


def may_create_tags(user) -> bool:
    """Whether `user` may add a tag nobody has used yet (None: automation, which may)."""
    return user is None or access.sees_everything(user)


def tag_name_clean(name: str) -> str:
    """Conversation tags are lower case, without surrounding spaces, at most 64 characters."""
    return " ".join((name or "").split()).lower()[:64]


def _checked(name: str, color: str, *, tag: Tag | None = None) -> tuple[str, str]:
    name = tag_name_clean(name)
    if not name or "," in name:
        raise TagRefused(_("Give the tag a name (without commas)."), code="tag_name_invalid")
    if not color_valid(color):
        raise TagRefused(_("Pick one of the colours."), code="tag_color_invalid")
    clash = Tag.objects.filter(name=name).exclude(pk=tag.pk if tag else None)
    if clash.exists():
        raise TagRefused(_("There is already a tag “{name}”: merge them instead."), code="tag_name_taken", name=name)
    return name, color.lower()


def tag_create(*, actor, name: str, color: str = DEFAULT_COLOR) -> Tag:
    name, color = _checked(name, color)
    with transaction.atomic():
        tag = Tag.objects.create(name=name, color=color)
        audit_record(actor=actor, action=AuditAction.TAG_CREATED, target=tag, kind="conversation", color=color)
    return tag


def tag_update(*, actor, tag: Tag, name: str, color: str) -> Tag:
    """Rename and recolour; conversations keep the tag under its new name."""
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
        audit_record(actor=actor, action=AuditAction.TAG_UPDATED, target=tag, kind="conversation", changes=changes)
    return tag


def tag_delete(*, actor, tag: Tag) -> int:
    """Remove the tag from every conversation and from the list. Returns how many had it."""
    with transaction.atomic():
        used = tag.conversations.count()
        audit_record(actor=actor, action=AuditAction.TAG_DELETED, target=tag, kind="conversation", conversations=used)
        tag.delete()
    return used


def tag_merge(*, actor, tag: Tag, into: Tag) -> int:
    """Every conversation tagged `tag` gets `into` instead; `tag` leaves the list. Returns how
    many conversations had it."""
    if tag.pk == into.pk:
        raise TagRefused(_("Pick another tag to merge into."), code="tag_merge_self")
    through = Conversation.tags.through
    with transaction.atomic():
        ids = list(through.objects.filter(tag=tag).values_list("conversation_id", flat=True))
        through.objects.bulk_create(
            [through(conversation_id=pk, tag=into) for pk in ids], ignore_conflicts=True, batch_size=1000
        )
        audit_record(
            actor=actor,
            action=AuditAction.TAG_MERGED,
            target=into,
            kind="conversation",
            merged=tag.name,
            conversations=len(ids),
        )
        tag.delete()
    return len(ids)
