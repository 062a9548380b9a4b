"""Writes of the CRM: recognising a sender, a contact's phones, emails, details, tags and notes.

Merges live in `crm.merging`, imports in `crm.imports`, privacy tools in `contacts.privacy`; the
names callers use are re-exported here.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from kernel.tasks import enqueue_on_commit

from . import events, keys
from .models import (
    AttributeDefinition,
    AttributeKind,
    Contact,
    ContactEmail,
    ContactIdentity,
    ContactNote,
    ContactPhone,
    ContactTag,
)
from .phones import normalize_phone, phone_candidates
from .tags import ContactTagRefused, contact_tag_name_clean


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
    details_verified: bool = False,
) -> Identified:
    """Who sent this? Returns the contact and the channel identity, creating what is missing.

    Matching order: (1) the channel identity (wa_id, PSID, visitor id); (2) a verified live-chat
    user id, which *is* the live-chat identity key (`u<inbox>:<user id>`, see
    `livechat.sessions`), so every device of that user matches in step 1 before any phone or
    email; (3) any of a contact's verified phone numbers in E.164 (national forms read with the
    default region); (4) any of its verified email addresses, case-insensitively. Steps 3 and 4
    only when the channel vouches for the phone and email (`details_verified`: WhatsApp's phone
    is the wa_id itself). What a visitor merely typed never attaches them to someone else's
    contact, or anyone could read a customer's history by typing their number: it makes a
    contact of their own holding the details as unverified (shown, never matched) and a merge
    suggestion for an agent to decide. Names never match either. A new phone or email of a
    matched contact is added as one more matching key. An unparseable phone is kept as typed
    and flagged, never an error. Must run inside a transaction; a concurrent first message of
    the same identity is resolved by the unique constraint.
    """
    existing = (
        ContactIdentity.objects.select_related("contact").filter(channel=channel, external_id=external_id).first()
    )
    if existing is not None:
        return Identified(contact=existing.contact, identity=existing, created=False)

    candidates = phone_candidates(phone) if phone else []
    e164 = candidates[0] if candidates else ""
    email = (email or "").strip()
    contact, email_key = None, None
    if details_verified:
        contact = contact_by_phone(candidates)
        if contact is None:
            email_key = _verified_email_key(email)
            contact = email_key.contact if email_key is not None else _contact_by_email_column(email)
    contact_is_new = contact is None
    if contact is None:
        contact = contact_create(name=display_name, phone=phone, email=email, locale=locale, verified=details_verified)
    else:
        _fill_blanks(contact, name=display_name, phone=e164, email=email, locale=locale)
        if phone:
            contact_phone_add(contact=contact, raw=phone)
        if email and email_key is None:  # matched by this very key: nothing to add
            contact_email_add(contact=contact, email=email)

    try:
        with transaction.atomic():
            identity = ContactIdentity.objects.create(
                contact=contact, channel=channel, external_id=external_id, display_name=display_name, phone=e164
            )
    except IntegrityError:
        # A concurrent delivery created this identity first: use theirs, drop our new contact.
        if contact_is_new:
            contact.delete()
        identity = ContactIdentity.objects.select_related("contact").get(channel=channel, external_id=external_id)
        return Identified(contact=identity.contact, identity=identity, created=False)
    if contact_is_new:
        # Suggestions compare the newcomer with every similar contact: worth doing, but not
        # on the path of an arriving message (it was most of a new customer's ingest time).
        _suggestions_refresh_on_commit(contact)
    return Identified(contact=contact, identity=identity, created=True)


def _suggestions_refresh_on_commit(contact: Contact) -> None:
    from .tasks import contact_suggestions_refresh_task  # tasks import this module

    enqueue_on_commit(contact_suggestions_refresh_task, contact.pk)


def contact_by_phone(candidates: list[str]) -> Contact | None:
    """The oldest live contact holding one of these E.164 numbers (primary or additional) as a
    verified key."""
    if not candidates:
        return None
    found = (
        ContactPhone.objects.filter(e164__in=candidates, verified=True, contact__merged_into__isnull=True)
        .order_by("contact_id")
        .values_list("contact_id", flat=True)
        .first()
    )
    if found is None:
        # Contacts written before phones had their own table, or by bulk tools: the column
        # counts only when no key row says otherwise (a typed number has an unverified row).
        return (
            Contact.objects.filter(phone__in=candidates, merged_into__isnull=True)
            .exclude(phones__e164__in=candidates)
            .order_by("id")
            .first()
        )
    return Contact.objects.get(pk=found)


def contact_by_email(email: str) -> Contact | None:
    """The oldest live contact holding this address (case-insensitively) as a verified key."""
    key = _verified_email_key(email)
    return key.contact if key is not None else _contact_by_email_column(email)


def _verified_email_key(email: str) -> ContactEmail | None:
    """The verified key row of the oldest live contact holding this address, with its contact."""
    lowered = keys.email_lower(email)
    if not lowered:
        return None
    return (
        ContactEmail.objects.filter(email_lower=lowered, verified=True, contact__merged_into__isnull=True)
        .select_related("contact")
        .order_by("contact_id")
        .first()
    )


def _contact_by_email_column(email: str) -> Contact | None:
    # Contacts written before emails had their own table, or by bulk tools: LOWER(email) = ...,
    # which the crm_contact_email_lower index serves (iexact's UPPER does not); as for phones,
    # only where no key row says otherwise.
    lowered = keys.email_lower(email)
    if not lowered:
        return None
    contacts = Contact.objects.annotate(email_lower=Lower("email")).exclude(emails__email_lower=lowered)
    return contacts.filter(email_lower=lowered, merged_into__isnull=True).order_by("id").first()


def contact_create(
    *, name: str = "", phone: str = "", email: str = "", locale: str = "", verified: bool = True
) -> Contact:
    """A new contact with its phone and email as matching keys, or as unverified details when
    `verified` is False (an unparseable phone is kept as typed and flagged)."""
    candidates = phone_candidates(phone) if phone else []
    e164 = candidates[0] if candidates else None
    contact = Contact.objects.create(
        name=name.strip(),
        name_key=keys.name_key(name),
        phone=e164 or "",
        phone_raw="" if e164 or not phone else phone.strip()[:64],
        email=email.strip(),
        locale=locale,
    )
    if phone:
        contact_phone_add(contact=contact, raw=phone, verified=verified)
    if email.strip():
        contact_email_add(contact=contact, email=email, verified=verified)
    return contact


def contact_phone_add(*, contact: Contact, raw: str, verified: bool = True) -> ContactPhone:
    """Add a phone number to a contact (idempotent). Stored in E.164 when it parses; otherwise
    kept as typed with `valid=False`. A verified add makes a known unverified row a matching
    key; an unverified add never downgrades one."""
    candidates = phone_candidates(raw)
    e164 = candidates[0] if candidates else ""
    text = raw.strip()[:64]
    if e164:
        known = contact.phones.filter(e164=e164).first()
        if known is None:
            return ContactPhone.objects.create(
                contact=contact, e164=e164, raw=text, digits=e164[1:], valid=True, verified=verified
            )
    else:
        known, _created = ContactPhone.objects.get_or_create(
            contact=contact,
            e164="",
            raw=text,
            defaults={"digits": keys.phone_digits(text), "valid": False, "verified": verified},
        )
    if verified and not known.verified:
        known.verified = True
        known.save(update_fields=["verified", "updated_at"])
    return known


def contact_email_add(*, contact: Contact, email: str, verified: bool = True) -> ContactEmail:
    """Add an email address to a contact (idempotent, case-insensitive); `verified` as for
    `contact_phone_add`."""
    address = email.strip()
    lowered = keys.email_lower(address)
    row, _created = ContactEmail.objects.get_or_create(
        contact=contact,
        email_lower=lowered,
        defaults={"email": address, "folded": keys.email_folded(address), "verified": verified},
    )
    if verified and not row.verified:
        row.verified = True
        row.save(update_fields=["verified", "updated_at"])
    return row


def contact_details_add(*, contact: Contact, name: str = "", phone: str = "", email: str = "") -> None:
    """Complete a contact with details the customer typed later (a live-chat pre-chat or
    offline form), never overwriting what is known. Nobody checked them, so a new phone or
    email is kept unverified: shown and suggested (a merge suggestion when another contact
    has it), never a matching key."""
    e164 = normalize_phone(phone) if phone else None
    _fill_blanks(contact, name=name.strip(), phone=e164 or "", email=email.strip())
    if phone.strip():
        contact_phone_add(contact=contact, raw=phone, verified=False)
    if email.strip():
        contact_email_add(contact=contact, email=email, verified=False)
    if name.strip() or phone.strip() or email.strip():
        _suggestions_refresh_on_commit(contact)


def _fill_blanks(contact: Contact, **values: str) -> None:
    """Complete a known contact with what the new channel tells us, never overwriting."""
    changed = [name for name, value in values.items() if value and not getattr(contact, name)]
    for name in changed:
        setattr(contact, name, values[name])
    if "name" in changed:
        contact.name_key = keys.name_key(contact.name)
        changed.append("name_key")
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
                contact.name, contact.name_key = display_name, keys.name_key(display_name)
                contact.save(update_fields=["name", "name_key", "updated_at"])
        identity.attributes = {**identity.attributes, **(attributes or {})}
        identity.save(update_fields=["display_name", "attributes", "updated_at"])
    return changed


# --- edits by agents ---------------------------------------------------------------------------

EDITABLE_FIELDS = ("name", "phone", "email", "locale")


def contact_update(*, contact: Contact, field: str, value: str, actor=None) -> Contact:
    """Change one detail of a contact (edit in place): `name`, `phone`, `email`, `locale` or a
    custom attribute `attr:<key>`. The phone and email become matching keys. Raises
    ValidationError with a message for the agent."""
    value = (value or "").strip()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if field.startswith("attr:"):
            definition = AttributeDefinition.objects.filter(key=field[5:]).first()
            if definition is None:
                raise ValidationError(_("Unknown attribute."))
            attributes = dict(contact.attributes)
            if value:
                attributes[definition.key] = attribute_value(definition, value)
            else:
                attributes.pop(definition.key, None)
            contact.attributes = attributes
            contact.save(update_fields=["attributes", "updated_at"])
        elif field == "name":
            contact.name, contact.name_key = value[:255], keys.name_key(value)
            contact.save(update_fields=["name", "name_key", "updated_at"])
        elif field == "phone":
            _set_primary_phone(contact, value)
        elif field == "email":
            _set_primary_email(contact, value)
        elif field == "locale":
            contact.locale = value[:16]
            contact.save(update_fields=["locale", "updated_at"])
        else:
            raise ValidationError(_("This field cannot be changed."))
        events.contact_updated(contact)
    if field in ("name", "phone", "email"):
        from .merging import suggestions_refresh

        suggestions_refresh(contact=contact)
    return contact


def _set_primary_phone(contact: Contact, value: str) -> None:
    if not value:
        contact.phone, contact.phone_raw = "", ""
    else:
        e164 = normalize_phone(value)
        contact.phone, contact.phone_raw = (e164, "") if e164 else ("", value[:64])
        contact_phone_add(contact=contact, raw=value)
    contact.save(update_fields=["phone", "phone_raw", "updated_at"])


def _set_primary_email(contact: Contact, value: str) -> None:
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(_("Enter a valid email address.")) from None
        contact_email_add(contact=contact, email=value)
    contact.email = value
    contact.save(update_fields=["email", "updated_at"])


def attribute_value(definition: AttributeDefinition, value: str):
    """The stored (JSON) form of a typed attribute value, or ValidationError."""
    if definition.kind == AttributeKind.NUMBER:
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            raise ValidationError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValidationError(_("Enter a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if definition.kind == AttributeKind.DATE:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValidationError(_("Enter a date (YYYY-MM-DD).")) from None
    if definition.kind == AttributeKind.CHOICE and value not in (definition.choices or []):
        raise ValidationError(_("Choose one of the options."))
    return value[:1000]


def contact_tags_set(*, contact: Contact, names: list[str], may_create: bool = True) -> None:
    """Replace a contact's tags. A name not on the list yet is added to it when `may_create`
    (leads, admins, imports); otherwise it is refused (ContactTagRefused) and nothing changes."""
    tags = [_tag(name, may_create=may_create) for name in dict.fromkeys(map(contact_tag_name_clean, names)) if name]
    contact.tags.set(tags)
    events.contact_updated(contact)


def contacts_tag(*, contact_ids: list[int], name: str, may_create: bool = True) -> int:
    """Bulk tag: add one tag to many contacts. Returns how many were tagged."""
    name = contact_tag_name_clean(name)
    if not name or not contact_ids:
        return 0
    tag = _tag(name, may_create=may_create)
    through = Contact.tags.through
    tagged = through.objects.filter(contacttag=tag, contact_id__in=contact_ids)
    existing = set(tagged.values_list("contact_id", flat=True))
    rows = [through(contact_id=pk, contacttag=tag) for pk in contact_ids if pk not in existing]
    through.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _tag(name: str, *, may_create: bool = True) -> ContactTag:
    tag = ContactTag.objects.filter(name__iexact=name).first()
    if tag is None and not may_create:
        raise ContactTagRefused(
            _("“{name}” is not one of the tags. Pick one from the list (team leads add new tags)."),
            code="tag_unknown",
            name=name,
        )
    return tag or ContactTag.objects.get_or_create(name=name)[0]


def identity_attach(*, contact: Contact, channel: str, external_id: str) -> ContactIdentity:
    """The contact's identity on a channel, added when the business writes to them first (a
    WhatsApp number). Raises ValidationError when the identity is another contact's."""
    identity, _created = ContactIdentity.objects.get_or_create(
        channel=channel, external_id=external_id, defaults={"contact": contact}
    )
    if identity.contact_id != contact.pk:
        raise ValidationError(
            _("This address belongs to another contact (%(name)s): merge the two contacts first.")
            % {"name": identity.contact}
        )
    return identity


@dataclass(frozen=True)
class Linked:
    identity: ContactIdentity
    conflict: bool  # the id was another contact's: it stayed theirs and a merge is suggested


def identity_link(*, identity: ContactIdentity, external_id: str, reason: str) -> Linked:
    """One more id of the person behind `identity`, on the same channel (Messenger's PSID that
    a private reply to their Facebook comment revealed): the contact gets it as an identity of
    its own, so their messages from it are recognised. When another contact has that id
    already, it stays theirs (never taken over silently) and the two contacts are suggested
    for a merge with `reason`. Must run inside a transaction."""
    existing = (
        ContactIdentity.objects.select_related("contact")
        .filter(channel=identity.channel, external_id=external_id)
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                created = ContactIdentity.objects.create(
                    contact_id=identity.contact_id,
                    channel=identity.channel,
                    external_id=external_id,
                    display_name=identity.display_name,
                    attributes={"linked_from": identity.external_id},
                )
            return Linked(identity=created, conflict=False)
        except IntegrityError:  # the person's own message made it concurrently
            existing = ContactIdentity.objects.select_related("contact").get(
                channel=identity.channel, external_id=external_id
            )
    if existing.contact_id == identity.contact_id:
        return Linked(identity=existing, conflict=False)
    from .merging import suggestion_record  # merging imports this module

    suggestion_record(contact=identity.contact, other=existing.contact, reason=reason)
    return Linked(identity=existing, conflict=True)


def contact_note_add(*, contact: Contact, author, text: str) -> ContactNote:
    """An agent's note about the customer."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("A note cannot be empty."))
    note = ContactNote.objects.create(contact=contact, author=author, text=text[:10000])
    events.contact_updated(contact)
    return note


class IdChange(StrEnum):
    """What `identity_external_id_change` did."""

    CHANGED = "changed"
    UNKNOWN = "unknown"  # no identity has the old id (yet)
    FOREIGN = "foreign"  # the identity never wrote to this inbox: not this inbox's to change
    UNCHANGED = "unchanged"  # the same id
    TAKEN = "taken"  # the new id belongs to another identity: both stay (an agent may merge)


def identity_external_id_change(
    *, inbox_id: int, channel: str, old_external_id: str, new_external_id: str, phone: str = ""
) -> IdChange:
    """The customer's id on a channel changed (WhatsApp: "changed their phone number"): the
    identity follows, so replies go to the new id and history stays with the contact. The
    contact's phone becomes the new number (the old one stays as a key).

    Only an identity with a conversation in `inbox_id`, the inbox the news came from, changes:
    identities are shared by every inbox of a channel, and one inbox's webhook must not redirect
    the replies of another inbox's customer."""
    with transaction.atomic():
        identity = (
            ContactIdentity.objects.select_for_update()
            .select_related("contact")
            .filter(channel=channel, external_id=old_external_id)
            .first()
        )
        if identity is None:
            return IdChange.UNKNOWN
        if not identity.conversations.filter(inbox_id=inbox_id).exists():
            return IdChange.FOREIGN
        if old_external_id == new_external_id:
            return IdChange.UNCHANGED
        if ContactIdentity.objects.filter(channel=channel, external_id=new_external_id).exists():
            return IdChange.TAKEN
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
            contact_phone_add(contact=contact, raw=candidates[0])
    return IdChange.CHANGED
