"""The list of contact tags, kept by leads: create, rename, colour, delete, merge (the shared
tag-list service, `crm.tag_lists`). Every change is in the audit log. Applying tags to contacts
is `crm.services` (agents apply the tags that exist; leads and admins may also add new ones
there)."""

from kernel.colors import DEFAULT_COLOR

from . import tag_lists
from .models import Contact, ContactTag


class ContactTagRefused(tag_lists.TagRefused):
    pass


def contact_tag_name_clean(name: str) -> str:
    """Contact tags keep their case (VIP), without surrounding spaces, at most 64 characters."""
    return " ".join((name or "").split())[:64]


# Names keep their case, so "vip" and "VIP" would look like two tags: they clash.
CONTACT_TAGS = tag_lists.TagList(
    applied=Contact._meta.get_field("tags"),
    name_clean=contact_tag_name_clean,
    refused=ContactTagRefused,
    case_insensitive=True,
)


def contact_tag_create(*, actor, name: str, color: str = DEFAULT_COLOR) -> ContactTag:
    """Add a contact tag to the list."""
    return tag_lists.tag_create(tag_list=CONTACT_TAGS, actor=actor, name=name, color=color)


def contact_tag_update(*, actor, tag: ContactTag, name: str, color: str) -> ContactTag:
    """Rename and recolour; contacts keep the tag under its new name."""
    return tag_lists.tag_update(tag_list=CONTACT_TAGS, actor=actor, tag=tag, name=name, color=color)


def contact_tag_delete(*, actor, tag: ContactTag) -> int:
    """Remove the tag from every contact and from the list. Returns how many had it."""
    return tag_lists.tag_delete(tag_list=CONTACT_TAGS, actor=actor, tag=tag)


def contact_tag_merge(*, actor, tag: ContactTag, into: ContactTag) -> int:
    """Every contact tagged `tag` gets `into` instead; `tag` leaves the list. Returns how many
    contacts had it."""
    return tag_lists.tag_merge(tag_list=CONTACT_TAGS, actor=actor, tag=tag, into=into)
