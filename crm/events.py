"""Realtime hints about contacts, sent after commit through `inbox.realtime` (the only module
that talks to the channel layer). They go to the groups of every inbox where the contact has a
conversation, so open inbox panes and contact pages of that contact re-fetch it."""

from .models import Contact


def _inbox_groups(contact_ids: list[int]) -> list[str]:
    from inbox import realtime  # inbox depends on crm; this import is the one way back
    from inbox.models import Conversation

    inbox_ids = Conversation.objects.filter(contact_id__in=contact_ids).values_list("inbox_id", flat=True).distinct()
    return [realtime.inbox_group(pk) for pk in inbox_ids]


def contact_updated(contact: Contact) -> None:
    from inbox import realtime

    groups = _inbox_groups([contact.pk])
    if groups:
        realtime.publish_on_commit(groups, "contact_updated", contact_id=contact.pk)


def contact_merged(*, survivor_id: int, merged_id: int, undone: bool = False) -> None:
    from inbox import realtime

    groups = _inbox_groups([survivor_id, merged_id])
    if groups:
        realtime.publish_on_commit(groups, "contact_merged", contact_id=survivor_id, merged_id=merged_id, undone=undone)
