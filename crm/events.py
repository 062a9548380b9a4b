"""Realtime hints about contacts, sent after commit to every inbox where the contact has a
conversation, so open inbox panes and contact pages of that contact re-fetch it."""

from kernel import realtime

from .models import Contact


def _inbox_ids(contact_ids: list[int]) -> list[int]:
    # Through the reverse relation the inbox's Conversation declares on Contact: crm stays below
    # the inbox and never imports it.
    return list(
        Contact.objects.filter(pk__in=contact_ids)
        .values_list("conversations__inbox_id", flat=True)
        .exclude(conversations__inbox_id=None)
        .distinct()
    )


def contact_updated(contact: Contact) -> None:
    realtime.contact_publish(inbox_ids=_inbox_ids([contact.pk]), event="contact_updated", contact_id=contact.pk)


def contact_merged(*, survivor_id: int, merged_id: int, undone: bool = False) -> None:
    realtime.contact_publish(
        inbox_ids=_inbox_ids([survivor_id, merged_id]),
        event="contact_merged",
        contact_id=survivor_id,
        merged_id=merged_id,
        undone=undone,
    )
