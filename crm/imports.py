"""CSV import and export of contacts.

Import runs as a Celery task (`crm.tasks.contact_import_run_task`) over an uploaded file stored in a
`ContactImport` row. Columns: `name`, `phone`, `email`, `tags` (separated by `;` or `|`) and
any admin-defined attribute key; unknown columns are ignored. Every row is checked before
anything is written (a phone that does not parse, an invalid email, an email or phone already
held by a contact or by an earlier row of the file, a bad attribute value): a row either
imports whole or is listed with its error. Rows are written in chunks with bulk inserts (one
transaction per chunk) so 100,000 rows take seconds, not hours; progress is saved per chunk.

An import is a lead's deliberate list: its phones and emails are verified matching keys, and a
row never attaches to an existing contact (a key a contact already holds is a duplicate row).
A key a live-chat visitor merely typed (unverified) does not count: a visitor must not be able
to keep a customer out of the CRM by typing their number. Such an imported contact gets a merge
suggestion with the visitor's; other imported contacts get none.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from kernel.tasks import enqueue_on_commit

from . import keys
from .merging import suggestions_refresh
from .models import (
    AttributeDefinition,
    Contact,
    ContactEmail,
    ContactImport,
    ContactPhone,
    ContactTag,
    ImportStatus,
)
from .phones import phone_candidates
from .services import attribute_value

CHUNK = 1000
MAX_ERRORS = 5000  # the report stays readable; the counts stay exact


def contact_import_start(*, user, filename: str, content: str) -> ContactImport:
    """Store an uploaded CSV and enqueue its import after commit."""
    from .tasks import contact_import_run_task

    rows = max(sum(1 for _line in csv.reader(io.StringIO(content))) - 1, 0)
    job = ContactImport.objects.create(created_by=user, filename=filename[:255], content=content, total=rows)

    enqueue_on_commit(contact_import_run_task, job.pk)
    return job


def contact_import_run(import_id: int) -> ContactImport | None:
    """Import the rows of one `ContactImport`. Safe to run twice: the job is claimed with a
    conditional update, so a second run finds nothing pending and returns None."""
    if not ContactImport.objects.filter(pk=import_id, status=ImportStatus.PENDING).update(status=ImportStatus.RUNNING):
        return None
    job = ContactImport.objects.get(pk=import_id)
    try:
        _run(job)
    except Exception as failure:
        ContactImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, errors=[*job.errors, {"row": 0, "error": str(failure)[:500]}][:MAX_ERRORS]
        )
        raise
    return job


def _run(job: ContactImport) -> None:
    reader = csv.DictReader(io.StringIO(job.content))
    headers = {h.strip().lower(): h for h in reader.fieldnames or []}
    definitions = {d.key: d for d in AttributeDefinition.objects.all() if d.key in headers}
    seen_emails: set[str] = set()
    seen_phones: set[str] = set()
    errors: list[dict] = []
    for chunk in _chunks(enumerate(reader, start=2), CHUNK):  # row 1 is the header
        rows = []
        for line, raw in chunk:
            row = {key: (raw.get(original) or "").strip() for key, original in headers.items()}
            try:
                rows.append((line, _checked(row, definitions, seen_emails, seen_phones)))
            except ValidationError as invalid:
                errors.append({"row": line, "error": invalid.messages[0]})
        rows, duplicates = _without_known(rows)
        errors.extend(duplicates)
        typed = _typed_elsewhere(_write(rows))
        for contact in typed:
            suggestions_refresh(contact=contact)
        job.processed += len(chunk)
        job.imported += len(rows)
        job.errors = errors[:MAX_ERRORS]
        job.save(update_fields=["processed", "imported", "errors", "updated_at"])
    job.status, job.content = ImportStatus.DONE, ""
    job.processed = max(job.processed, job.total)
    job.total = job.processed
    job.save(update_fields=["status", "content", "processed", "total", "updated_at"])


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _checked(row: dict, definitions: dict, seen_emails: set, seen_phones: set) -> dict:
    """One row as values to write, or ValidationError naming what is wrong."""
    name, phone, email = row.get("name", ""), row.get("phone", ""), row.get("email", "")
    if not (name or phone or email):
        raise ValidationError(_("Empty row: no name, phone or email."))
    e164 = ""
    if phone:
        candidates = phone_candidates(phone)
        if not candidates:
            raise ValidationError(_("Unparseable phone number: %(phone)s") % {"phone": phone[:64]})
        e164 = candidates[0]
        if e164 in seen_phones:
            raise ValidationError(_("Duplicate phone number in the file: %(phone)s") % {"phone": e164})
    lowered = keys.email_lower(email)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(_("Invalid email address: %(email)s") % {"email": email[:254]}) from None
        if lowered in seen_emails:
            raise ValidationError(_("Duplicate email address in the file: %(email)s") % {"email": email[:254]})
    attributes = {}
    for key, definition in definitions.items():
        if row.get(key):
            try:
                attributes[key] = attribute_value(definition, row[key])
            except ValidationError as invalid:
                raise ValidationError(f"{definition.label}: {invalid.messages[0]}") from None
    if e164:
        seen_phones.add(e164)
    if lowered:
        seen_emails.add(lowered)
    tags = [t.strip()[:64] for t in re.split(r"[;|]", row.get("tags", "")) if t.strip()]
    return {
        "name": name[:255],
        "e164": e164,
        "raw_phone": phone[:64],
        "email": email[:254],
        "tags": tags,
        "attributes": attributes,
    }


def _without_known(rows: list[tuple[int, dict]]) -> tuple[list[dict], list[dict]]:
    """Drop rows whose email or phone a contact already holds (reported as duplicates)."""
    emails = [keys.email_lower(r["email"]) for _line, r in rows if r["email"]]
    phones = [r["e164"] for _line, r in rows if r["e164"]]
    email_rows = ContactEmail.objects.filter(email_lower__in=emails)
    known_emails = set(email_rows.filter(verified=True).values_list("email_lower", flat=True))
    by_column = Contact.objects.filter(email__in=emails).exclude(emails__in=email_rows)
    known_emails |= {e.lower() for e in by_column.values_list("email", flat=True)}
    phone_rows = ContactPhone.objects.filter(e164__in=phones)
    known_phones = set(phone_rows.filter(verified=True).values_list("e164", flat=True))
    known_phones |= set(
        Contact.objects.filter(phone__in=phones).exclude(phones__in=phone_rows).values_list("phone", flat=True)
    )
    kept, errors = [], []
    for line, row in rows:
        if row["email"] and keys.email_lower(row["email"]) in known_emails:
            errors.append({"row": line, "error": _("Duplicate email: a contact already has %(email)s") % row})
        elif row["e164"] and row["e164"] in known_phones:
            errors.append({"row": line, "error": _("Duplicate phone: a contact already has %(e164)s") % row})
        else:
            kept.append(row)
    return kept, errors


def _typed_elsewhere(contacts: list[Contact]) -> list[Contact]:
    """The imported contacts whose phone or email another contact holds unverified."""
    by_phone = {c.phone: c for c in contacts if c.phone}
    by_email = {keys.email_lower(c.email): c for c in contacts if c.email}
    typed_phones = ContactPhone.objects.filter(verified=False, e164__in=list(by_phone))
    typed_emails = ContactEmail.objects.filter(verified=False, email_lower__in=list(by_email))
    found = {by_phone[e164].pk: by_phone[e164] for e164 in typed_phones.values_list("e164", flat=True)}
    found |= {by_email[e].pk: by_email[e] for e in typed_emails.values_list("email_lower", flat=True)}
    return list(found.values())


@transaction.atomic
def _write(rows: list[dict]) -> list[Contact]:
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                name=r["name"],
                name_key=keys.name_key(r["name"]),
                phone=r["e164"],
                email=r["email"],
                attributes=r["attributes"],
            )
            for r in rows
        ]
    )
    ContactPhone.objects.bulk_create(
        [
            ContactPhone(contact=c, e164=r["e164"], raw=r["raw_phone"], digits=r["e164"][1:], valid=True)
            for c, r in zip(contacts, rows, strict=True)
            if r["e164"]
        ]
    )
    ContactEmail.objects.bulk_create(
        [
            ContactEmail(
                contact=c,
                email=r["email"],
                email_lower=keys.email_lower(r["email"]),
                folded=keys.email_folded(r["email"]),
            )
            for c, r in zip(contacts, rows, strict=True)
            if r["email"]
        ]
    )
    names = {name for r in rows for name in r["tags"]}
    if names:
        existing = {t.name.lower(): t for t in ContactTag.objects.filter(name__in=names)}
        for name in names:
            if name.lower() not in existing:
                existing[name.lower()] = ContactTag.objects.get_or_create(name=name)[0]
        through = Contact.tags.through
        through.objects.bulk_create(
            [
                through(contact_id=c.pk, contacttag_id=existing[name.lower()].pk)
                for c, r in zip(contacts, rows, strict=True)
                for name in dict.fromkeys(r["tags"])
            ],
            ignore_conflicts=True,
        )
    return contacts


# --- export ------------------------------------------------------------------------------------

EXPORT_COLUMNS = ["id", "name", "phone", "email", "other_phones", "other_emails", "tags", "created_at"]


def contacts_csv_rows(contacts) -> Iterator[list[str]]:
    """The header and one row per contact (a filtered list from `contacts.selectors.contact_search`),
    attribute columns last; `kernel.spreadsheet.csv_lines` writes them."""
    definitions = list(AttributeDefinition.objects.values_list("key", flat=True))
    yield [*EXPORT_COLUMNS, *definitions]
    for contact in contacts.prefetch_related("phones", "emails", "tags").iterator(chunk_size=2000):
        phones = [p.e164 or p.raw for p in contact.phones.all() if (p.e164 or p.raw) != contact.phone]
        emails = [e.email for e in contact.emails.all() if e.email_lower != contact.email.lower()]
        row = [
            str(contact.pk),
            contact.name,
            contact.phone or contact.phone_raw,
            contact.email,
            "; ".join(phones),
            "; ".join(emails),
            "; ".join(sorted(t.name for t in contact.tags.all())),
            contact.created_at.isoformat(),
            *(str(contact.attributes.get(key, "")) for key in definitions),
        ]
        yield row
