"""Writes of the CRM: recognising a sender and merging contacts."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .models import Contact, ContactIdentity, ContactMerge
from .phones import normalize_phone, phone_candidates


@dataclass(frozen=True)
class Identified:
    contact: Contact
    identity: ContactIdentity
    created: bool  # a new identity was made (the contact may still be an existing one)


def identify(
    *,
    channel: str,
    external_id: str,
    display_name: str = "",
    phone: str = "",
    email: str = "",
    locale: str = "",
) -> Identified:
    """Who sent this? Returns the contact and the channel identity, creating what is missing.

    Matching order: the channel identity; the phone number in E.164; the email address
    (case-insensitive). Names never match on their own. Must run inside a transaction; a
    concurrent first message of the same identity is resolved by the unique constraint.
    """
    existing = (
        ContactIdentity.objects.select_related("contact").filter(channel=channel, external_id=external_id).first()
    )
    if existing is not None:
        return Identified(contact=existing.contact, identity=existing, created=False)

    candidates = phone_candidates(phone) if phone else []
    e164 = candidates[0] if candidates else None
    contact = _contact_by_phone_or_email(candidates, email)
    contact_is_new = contact is None
    if contact is None:
        contact = Contact.objects.create(
            name=display_name,
            phone=e164 or "",
            phone_raw="" if e164 or not phone else phone,
            email=email.strip(),
            locale=locale,
        )
    else:
        _fill_blanks(contact, name=display_name, phone=e164 or "", email=email.strip(), locale=locale)

    try:
        with transaction.atomic():
            identity = ContactIdentity.objects.create(
                contact=contact, channel=channel, external_id=external_id, display_name=display_name, phone=e164 or ""
            )
    except IntegrityError:
        # A concurrent delivery created this identity first: use theirs, drop our new contact.
        if contact_is_new:
            contact.delete()
        identity = ContactIdentity.objects.select_related("contact").get(channel=channel, external_id=external_id)
        return Identified(contact=identity.contact, identity=identity, created=False)
    return Identified(contact=contact, identity=identity, created=True)


def contact_details_add(*, contact: Contact, name: str = "", phone: str = "", email: str = "") -> None:
    """Complete a contact with details the customer gave later (a live-chat pre-chat or
    offline form), never overwriting what is known. The phone is stored in E.164."""
    e164 = normalize_phone(phone) if phone else None
    _fill_blanks(contact, name=name.strip(), phone=e164 or "", email=email.strip())


def _contact_by_phone_or_email(phones: list[str], email: str) -> Contact | None:
    if phones:
        contact = Contact.objects.filter(phone__in=phones, merged_into__isnull=True).order_by("id").first()
        if contact is not None:
            return contact
    if email.strip():
        return Contact.objects.filter(email__iexact=email.strip(), merged_into__isnull=True).order_by("id").first()
    return None


def _fill_blanks(contact: Contact, **values: str) -> None:
    """Complete a known contact with what the new channel tells us, never overwriting."""
    changed = [name for name, value in values.items() if value and not getattr(contact, name)]
    for name in changed:
        setattr(contact, name, values[name])
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])


def identity_profile_update(*, identity_id: int, display_name: str = "", attributes: dict | None = None) -> bool:
    """What the platform's profile API says about a channel identity (Messenger's User Profile
    API). The display name replaces the identity's; the contact's name follows only while it is
    blank or still the identity's previous display name (a placeholder such as "Messenger user
    …1234"), never a name an agent typed. `attributes` are merged into the identity's. Returns
    True if the display name changed."""
    with transaction.atomic():
        identity = ContactIdentity.objects.select_for_update().select_related("contact").filter(pk=identity_id).first()
        if identity is None:
            return False
        previous = identity.display_name
        changed = bool(display_name) and display_name != previous
        if changed:
            identity.display_name = display_name
            contact = identity.contact
            if not contact.name or contact.name == previous:
                contact.name = display_name
                contact.save(update_fields=["name", "updated_at"])
        identity.attributes = {**identity.attributes, **(attributes or {})}
        identity.save(update_fields=["display_name", "attributes", "updated_at"])
    return changed


def identity_external_id_change(*, channel: str, old_external_id: str, new_external_id: str, phone: str = "") -> bool:
    """The customer's id on a channel changed (WhatsApp: "changed their phone number"): the
    identity follows, so replies go to the new id and history stays with the contact. The
    contact's phone becomes the new number. Returns False when there is nothing to move or the
    new id already belongs to another identity (then both stay; an agent may merge)."""
    with transaction.atomic():
        identity = (
            ContactIdentity.objects.select_for_update()
            .select_related("contact")
            .filter(channel=channel, external_id=old_external_id)
            .first()
        )
        if identity is None or old_external_id == new_external_id:
            return False
        if ContactIdentity.objects.filter(channel=channel, external_id=new_external_id).exists():
            return False
        candidates = phone_candidates(phone) if phone else []
        identity.attributes = {
            **identity.attributes,
            "previous_external_ids": [*identity.attributes.get("previous_external_ids", []), old_external_id],
        }
        identity.external_id = new_external_id
        identity.phone = candidates[0] if candidates else ""
        identity.save(update_fields=["external_id", "phone", "attributes", "updated_at"])
        if candidates:
            contact = identity.contact
            contact.phone = candidates[0]
            contact.save(update_fields=["phone", "updated_at"])
    return True


def contact_merge(*, survivor: Contact, other: Contact, merged_by=None) -> ContactMerge:
    """Merge `other` into `survivor`: identities and conversations move; `other` is kept as a
    tombstone pointing at the survivor. Blank fields of the survivor take the other's values;
    the other's values are kept in the merge record. Atomic."""
    if survivor.pk == other.pk:
        raise ValueError("A contact cannot be merged into itself.")
    from inbox.models import Conversation  # inbox depends on crm, not the other way round

    with transaction.atomic():
        # Lock both rows in primary-key order so two opposite merges cannot deadlock.
        locked = {
            c.pk: c for c in Contact.objects.select_for_update().filter(pk__in=[survivor.pk, other.pk]).order_by("pk")
        }
        survivor, other = locked[survivor.pk], locked[other.pk]
        if other.merged_into_id is not None or survivor.merged_into_id is not None:
            raise ValueError("One of these contacts was already merged.")
        snapshot = {
            "name": other.name,
            "phone": other.phone,
            "email": other.email,
            "locale": other.locale,
            "notes": other.notes,
            "attributes": other.attributes,
        }
        ContactIdentity.objects.filter(contact=other).update(contact=survivor)
        Conversation.objects.filter(contact=other).update(contact=survivor)
        _fill_blanks(survivor, name=other.name, phone=other.phone, email=other.email, locale=other.locale)
        if other.notes:
            survivor.notes = "\n\n".join(n for n in [survivor.notes, other.notes] if n)
        survivor.attributes = {**other.attributes, **survivor.attributes}
        survivor.save(update_fields=["notes", "attributes", "updated_at"])
        other.merged_into = survivor
        other.save(update_fields=["merged_into", "updated_at"])
        return ContactMerge.objects.create(survivor=survivor, merged=other, merged_by=merged_by, snapshot=snapshot)
