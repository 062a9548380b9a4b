"""The list of conversation tags, kept by leads: create, rename, colour, delete, merge (the
shared tag-list service, `crm.tag_lists`). Every change is in the audit log. Applying tags to a
conversation is `inbox.services` (`conversation_update(tags=...)`): agents apply the tags that
exist, leads, admins and automation may also add new ones there."""

from crm import tag_lists
from kernel.colors import DEFAULT_COLOR

from . import access
from .models import Conversation, Tag


def may_create_tags(user) -> bool:
    """Whether `user` may add a tag nobody has used yet (None: automation, which may)."""
    return user is None or access.sees_everything(user)


def tag_name_clean(name: str) -> str:
    """Conversation tags are lower case, without surrounding spaces, at most 64 characters."""
    return " ".join((name or "").split()).lower()[:64]


CONVERSATION_TAGS = tag_lists.TagList(applied=Conversation._meta.get_field("tags"), name_clean=tag_name_clean)


def tag_create(*, actor, name: str, color: str = DEFAULT_COLOR) -> Tag:
    """Add a conversation tag to the list."""
    return tag_lists.tag_create(tag_list=CONVERSATION_TAGS, actor=actor, name=name, color=color)


def tag_update(*, actor, tag: Tag, name: str, color: str) -> Tag:
    """Rename and recolour; conversations keep the tag under its new name."""
    return tag_lists.tag_update(tag_list=CONVERSATION_TAGS, actor=actor, tag=tag, name=name, color=color)


def tag_delete(*, actor, tag: Tag) -> int:
    """Remove the tag from every conversation and from the list. Returns how many had it."""
    return tag_lists.tag_delete(tag_list=CONVERSATION_TAGS, actor=actor, tag=tag)


def tag_merge(*, actor, tag: Tag, into: Tag) -> int:
    """Every conversation tagged `tag` gets `into` instead; `tag` leaves the list. Returns how
    many conversations had it."""
    return tag_lists.tag_merge(tag_list=CONVERSATION_TAGS, actor=actor, tag=tag, into=into)
