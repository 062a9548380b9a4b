"""Merging contacts: the merge itself, its undo, and merge suggestions for agents.

A merge is one transaction: both contact rows are locked in primary-key order, everything of
the other contact moves to the survivor, and a `ContactMerge` row records what moved and what
the survivor gained, so `contact_merge_undo` can restore both within
`WEBCARE_MERGE_UNDO_DAYS`. The other contact stays as a tombstone (`merged_into`).

A contact's conversations move through the reverse relation the inbox declares on `Contact`
(`contact.conversations`): the CRM sits below the inbox and never imports it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.refusals import Refused

from . import events, keys
from .audit import contact_audit
from .models import (
    Contact,
    ContactEmail,
    ContactIdentity,
    ContactMerge,
    ContactNote,
    ContactPhone,
    MergeSuggestion,
    SuggestionStatus,
)
from .services import contact_email_add, contact_phone_add

FILLED_FIELDS = ("name", "phone", "phone_raw", "email", "locale")


class MergeRefused(Refused):
    """The merge or its undo is not allowed; the message is for the agent."""

    code = "merge_refused"


def contact_merge(*, survivor: Contact, other: Contact, merged_by=None) -> ContactMerge:
    """Merge `other` into `survivor`: identities, conversations, phones, emails, notes, tags and
    attributes move; conflicts go to the survivor and the other's values are kept in the merge
    record. Atomic: a failure anywhere leaves both contacts as they were. Raises MergeRefused."""
    if survivor.pk == other.pk:
        raise MergeRefused(_("A contact cannot be merged into itself."), code="merge_into_itself")
    with transaction.atomic():
        survivor, other = _lock(survivor.pk, other.pk)
        if other.merged_into_id is not None or survivor.merged_into_id is not None:
            raise MergeRefused(_("One of these contacts was already merged."), code="already_merged")
        if other.erased_at or survivor.erased_at:
            raise MergeRefused(_("An erased contact cannot be merged."), code="contact_erased")
        snapshot = {name: getattr(other, name) for name in (*FILLED_FIELDS, "notes", "attributes")}
        snapshot["tags"] = sorted(other.tags.values_list("name", flat=True))
        # The other's primary phone and email may predate the key tables: make them rows first,
        # so they move like every other key and no number is dropped.
        for raw in (other.phone or other.phone_raw,):
            if raw:
                contact_phone_add(contact=other, raw=raw)
        if other.email:
            contact_email_add(contact=other, email=other.email)
        moved = {
            "identities": list(ContactIdentity.objects.filter(contact=other).values_list("id", flat=True)),
            "conversations": list(other.conversations.values_list("id", flat=True)),
            "notes": list(ContactNote.objects.filter(contact=other).values_list("id", flat=True)),
            "phones": _movable_phones(survivor, other),
            "emails": _movable_emails(survivor, other),
            "survivor_before": {name: getattr(survivor, name) for name in (*FILLED_FIELDS, "notes")},
        }
        ContactIdentity.objects.filter(pk__in=moved["identities"]).update(contact=survivor)
        other.conversations.filter(pk__in=moved["conversations"]).update(contact=survivor)
        ContactNote.objects.filter(pk__in=moved["notes"]).update(contact=survivor)
        ContactPhone.objects.filter(pk__in=moved["phones"]).update(contact=survivor)
        ContactEmail.objects.filter(pk__in=moved["emails"]).update(contact=survivor)
        moved["phones_verified"], moved["emails_verified"] = _verified_by_other(survivor, other)
        ContactPhone.objects.filter(pk__in=moved["phones_verified"]).update(verified=True)
        ContactEmail.objects.filter(pk__in=moved["emails_verified"]).update(verified=True)
        moved["tags_added"] = _move_tags(survivor, other)
        moved["attributes_added"] = [key for key in other.attributes if key not in survivor.attributes]
        _absorb_details(survivor, other)
        moved["survivor_after"] = {name: getattr(survivor, name) for name in (*FILLED_FIELDS, "notes")}
        other.merged_into = survivor
        other.save(update_fields=["merged_into", "updated_at"])
        _settle_suggestions(survivor, other, merged_by)
        merge = ContactMerge.objects.create(
            survivor=survivor, merged=other, merged_by=merged_by, snapshot=snapshot, moved=moved
        )
        contact_audit(contact_id=other.pk, action="merged", actor=merged_by, data={"survivor": survivor.pk})
        events.contact_merged(survivor_id=survivor.pk, merged_id=other.pk)
    return merge


def _lock(*ids: int) -> tuple[Contact, ...]:
    """Lock contact rows in primary-key order (so two opposite merges cannot deadlock)."""
    locked = {c.pk: c for c in Contact.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return tuple(locked[pk] for pk in ids)


def _movable_phones(survivor: Contact, other: Contact) -> list[int]:
    held = set(survivor.phones.values_list("e164", "raw"))
    held_e164 = {e164 for e164, _raw in held if e164}
    return [
        pk
        for pk, e164, raw in other.phones.values_list("id", "e164", "raw")
        if (e164 and e164 not in held_e164) or (not e164 and ("", raw) not in held)
    ]


def _movable_emails(survivor: Contact, other: Contact) -> list[int]:
    held = set(survivor.emails.values_list("email_lower", flat=True))
    return [pk for pk, lowered in other.emails.values_list("id", "email_lower") if lowered not in held]


def _verified_by_other(survivor: Contact, other: Contact) -> tuple[list[int], list[int]]:
    """The survivor's unverified phones and emails that the other held verified (those rows
    stayed with the other): once one customer, they are a matching key again."""
    e164s = other.phones.filter(verified=True).exclude(e164="").values("e164")
    lowered = other.emails.filter(verified=True).values("email_lower")
    phones = survivor.phones.filter(verified=False, e164__in=e164s).values_list("id", flat=True)
    emails = survivor.emails.filter(verified=False, email_lower__in=lowered).values_list("id", flat=True)
    return list(phones), list(emails)


def _move_tags(survivor: Contact, other: Contact) -> list[int]:
    added = list(other.tags.exclude(pk__in=survivor.tags.values("pk")).values_list("pk", flat=True))
    survivor.tags.add(*added)
    return added


def _absorb_details(survivor: Contact, other: Contact) -> None:
    """Blank details of the survivor take the other's; the survivor's values win conflicts."""
    for name in FILLED_FIELDS:
        if not getattr(survivor, name) and getattr(other, name):
            setattr(survivor, name, getattr(other, name))
    if survivor.phone:
        survivor.phone_raw = ""
    survivor.name_key = keys.name_key(survivor.name)
    if other.notes:
        survivor.notes = "\n\n".join(n for n in [survivor.notes, other.notes] if n)
    survivor.attributes = {**other.attributes, **survivor.attributes}
    survivor.save()


def _settle_suggestions(survivor: Contact, other: Contact, actor) -> None:
    first, second = sorted((survivor.pk, other.pk))
    MergeSuggestion.objects.filter(first_id=first, second_id=second).update(
        status=SuggestionStatus.ACCEPTED, decided_by=actor, decided_at=timezone.now()
    )
    MergeSuggestion.objects.filter(Q(first=other) | Q(second=other), status=SuggestionStatus.PENDING).delete()


def merge_undo_deadline(merge: ContactMerge):
    return merge.created_at + timedelta(days=settings.WEBCARE_MERGE_UNDO_DAYS)


def merge_undoable(merge: ContactMerge) -> bool:
    return merge.undone_at is None and timezone.now() <= merge_undo_deadline(merge)


def contact_merge_undo(*, merge: ContactMerge, actor=None) -> ContactMerge:
    """Restore both contacts of a merge: what moved goes back, what the survivor gained from
    the merge is removed (unless an agent changed it since). Allowed once, within
    `WEBCARE_MERGE_UNDO_DAYS`; raises MergeRefused otherwise."""
    with transaction.atomic():
        merge = ContactMerge.objects.select_for_update().get(pk=merge.pk)
        if not merge_undoable(merge):
            raise MergeRefused(_("This merge can no longer be undone."), code="undo_expired")
        survivor, other = _lock(merge.survivor_id, merge.merged_id)
        if other.merged_into_id != survivor.pk or survivor.merged_into_id is not None:
            raise MergeRefused(_("This merge can no longer be undone."), code="undo_expired")
        moved = merge.moved
        ContactIdentity.objects.filter(pk__in=moved.get("identities", []), contact=survivor).update(contact=other)
        survivor.conversations.filter(pk__in=moved.get("conversations", [])).update(contact=other)
        ContactNote.objects.filter(pk__in=moved.get("notes", []), contact=survivor).update(contact=other)
        ContactPhone.objects.filter(pk__in=moved.get("phones", []), contact=survivor).update(contact=other)
        ContactEmail.objects.filter(pk__in=moved.get("emails", []), contact=survivor).update(contact=other)
        ContactPhone.objects.filter(pk__in=moved.get("phones_verified", [])).update(verified=False)
        ContactEmail.objects.filter(pk__in=moved.get("emails_verified", [])).update(verified=False)
        survivor.tags.remove(*moved.get("tags_added", []))
        before, after = moved.get("survivor_before", {}), moved.get("survivor_after", {})
        for name, value in before.items():
            if getattr(survivor, name) == after.get(name):  # untouched since the merge
                setattr(survivor, name, value)
        for key in moved.get("attributes_added", []):
            if survivor.attributes.get(key) == merge.snapshot.get("attributes", {}).get(key):
                survivor.attributes.pop(key, None)
        survivor.name_key = keys.name_key(survivor.name)
        survivor.save()
        other.merged_into = None
        other.save(update_fields=["merged_into", "updated_at"])
        merge.undone_at, merge.undone_by = timezone.now(), actor
        merge.save(update_fields=["undone_at", "undone_by", "updated_at"])
        contact_audit(contact_id=other.pk, action="merge_undone", actor=actor, data={"survivor": survivor.pk})
        events.contact_merged(survivor_id=survivor.pk, merged_id=other.pk, undone=True)
    return merge


# --- suggestions -------------------------------------------------------------------------------

SUGGESTIONS_PER_CONTACT = 20  # a very common name must not fan out to thousands of pairs


def suggestion_candidates(contact: Contact) -> list[tuple[int, str]]:
    """Other live contacts that may be the same customer, with the reason: `same_phone` or
    `same_email` (the very same number or address, e.g. one a live-chat visitor typed, which
    never links contacts by itself), `phone` or `email` (differs only in formatting), `name`
    (same name once case, accents and spacing are folded). Never merges anything."""
    live = Contact.objects.filter(merged_into__isnull=True, erased_at__isnull=True).exclude(pk=contact.pk)
    phones, emails = contact.phones, contact.emails
    # In this order: a contact found by an exact key keeps that reason over a looser one.
    keys = [
        ("same_phone", "phones__e164__in", phones.values_list("e164", flat=True)),
        ("same_email", "emails__email_lower__in", emails.values_list("email_lower", flat=True)),
        ("phone", "phones__digits__in", phones.values_list("digits", flat=True)),
        ("email", "emails__folded__in", emails.values_list("folded", flat=True)),
        ("name", "name_key__in", [contact.name_key]),
    ]
    found: dict[int, str] = {}
    for reason, lookup, values in keys:
        values = [value for value in values if value]
        if values:
            for pk in live.filter(**{lookup: values}).values_list("pk", flat=True)[:SUGGESTIONS_PER_CONTACT]:
                found.setdefault(pk, reason)
    return list(found.items())[:SUGGESTIONS_PER_CONTACT]


def suggestions_refresh(*, contact: Contact) -> list[MergeSuggestion]:
    """Record merge suggestions for `contact`. A pair already decided (accepted or dismissed)
    is never suggested again. Returns the new ones."""
    if contact.merged_into_id or contact.erased_at:
        return []
    created = []
    for other_id, reason in suggestion_candidates(contact):
        first, second = sorted((contact.pk, other_id))
        try:
            with transaction.atomic():
                suggestion, made = MergeSuggestion.objects.get_or_create(
                    first_id=first, second_id=second, defaults={"reason": reason}
                )
        except IntegrityError:  # made concurrently
            continue
        if made:
            created.append(suggestion)
    return created


def suggestion_record(*, contact: Contact, other: Contact, reason: str) -> MergeSuggestion | None:
    """Suggest merging two contacts for a reason the channel knows (`private_reply`: the person
    answered a private reply to a comment from a Messenger id another contact has). A pair
    already suggested or decided is left as it is. Returns the new suggestion, or None."""
    if contact.pk == other.pk:
        return None
    first, second = sorted((contact.pk, other.pk))
    try:
        with transaction.atomic():
            suggestion, made = MergeSuggestion.objects.get_or_create(
                first_id=first, second_id=second, defaults={"reason": reason}
            )
    except IntegrityError:  # made concurrently
        return None
    return suggestion if made else None


def suggestion_accept(*, suggestion: MergeSuggestion, survivor: Contact, actor=None) -> ContactMerge:
    """Accept: merge the pair into `survivor` (one of the two)."""
    if survivor.pk not in (suggestion.first_id, suggestion.second_id):
        raise MergeRefused(_("Choose one of the two contacts to keep."), code="survivor_invalid")
    other_id = suggestion.second_id if survivor.pk == suggestion.first_id else suggestion.first_id
    return contact_merge(survivor=survivor, other=Contact.objects.get(pk=other_id), merged_by=actor)


def suggestion_dismiss(*, suggestion: MergeSuggestion, actor=None) -> MergeSuggestion:
    """Dismiss: these two are different people; the decision is remembered."""
    MergeSuggestion.objects.filter(pk=suggestion.pk, status=SuggestionStatus.PENDING).update(
        status=SuggestionStatus.DISMISSED, decided_by=actor, decided_at=timezone.now()
    )
    suggestion.refresh_from_db()
    return suggestion
