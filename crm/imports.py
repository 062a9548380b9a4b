"""CSV import and export of contacts.

Import runs as a Celery task (`crm.tasks.contact_import_run_task`) over an uploaded file stored in a
`ContactImport` row. Columns: `name`, `phone`, `email`, `tags` (separated by `;` or `|`) and
any admin-defined attribute key; unknown columns are ignored. Every row is checked before
anything is written (a phone that does not parse, an invalid email, an email or phone already
held by a contact or by an earlier row of the file, a bad attribute value): a row either
imports whole or is listed with its error. Rows are written in chunks with bulk inserts (one
transaction per chunk) so 100,000 rows take seconds, not hours; progress is saved per chunk.

An import is a lead's deliberate list: its phones and emails are verified matching keys. A row
whose phone or email a contact already holds is that contact: the lead chooses per import
whether such rows are skipped, fill in only the contact's empty fields, or overwrite them with
the file's values (tags are added either way). A row whose phone and email belong to two
different contacts is an error. A key a live-chat visitor merely typed (unverified) does not
count: a visitor must not be able to keep a customer out of the CRM, or have the import write
into their own contact, by typing a number. Such an imported contact gets a merge suggestion
with the visitor's; other imported contacts get none.

Every row's outcome (created, updated, skipped, error and why) is kept in row order.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kernel.tasks import enqueue_on_commit

from . import events, keys
from .merging import suggestions_refresh
from .models import (
    AttributeDefinition,
    Contact,
    ContactEmail,
    ContactImport,
    ContactPhone,
    ContactTag,
    ImportMode,
    ImportOutcome,
    ImportStatus,
)
from .phones import phone_candidates
from .services import attribute_value, contact_email_add, contact_phone_add

CHUNK = 1000
MAX_ERRORS = 5000  # the report stays readable; the counts stay exact
MAX_RESULTS = 5000  # rows whose outcome is kept one by one; the counts cover every row


def contact_import_start(*, user, filename: str, content: str, mode: str = ImportMode.SKIP) -> ContactImport:
    """Store an uploaded CSV and enqueue its import after commit. `mode`: what a row whose
    phone or email a contact already has does (`ImportMode`)."""
    from .tasks import contact_import_run_task

    if mode not in ImportMode.values:
        mode = ImportMode.SKIP
    rows = max(sum(1 for _line in csv.reader(io.StringIO(content))) - 1, 0)
    job = ContactImport.objects.create(created_by=user, filename=filename[:255], content=content, total=rows, mode=mode)

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
    for chunk in _chunks(enumerate(reader, start=2), CHUNK):  # row 1 is the header
        rows, results = [], []
        for line, raw in chunk:
            row = {key: (raw.get(original) or "").strip() for key, original in headers.items()}
            try:
                rows.append((line, _checked(row, definitions, seen_emails, seen_phones)))
            except ValidationError as invalid:
                results.append(_result(line, ImportOutcome.ERROR, invalid.messages[0]))
        new, known, conflicts = _split_known(rows)
        results.extend(conflicts)
        created = _write([row for _line, row in new])
        results.extend(
            _result(line, ImportOutcome.CREATED, contact=c.pk) for (line, _row), c in zip(new, created, strict=True)
        )
        results.extend(_known_apply(known, mode=job.mode, definitions=definitions))
        for contact in _typed_elsewhere(created):
            suggestions_refresh(contact=contact)
        _progress_save(job, chunk_size=len(chunk), results=sorted(results, key=lambda r: r["row"]))
    job.status, job.content = ImportStatus.DONE, ""
    job.processed = max(job.processed, job.total)
    job.total = job.processed
    job.save(update_fields=["status", "content", "processed", "total", "updated_at"])


def _result(line: int, outcome: str, reason: str = "", *, contact: int | None = None) -> dict:
    return {"row": line, "outcome": outcome, "reason": str(reason), "contact": contact}


def _progress_save(job: ContactImport, *, chunk_size: int, results: list[dict]) -> None:
    """Count a chunk's rows and keep their outcomes (chunks come in file order, so the lists
    stay in row order)."""
    counts = dict.fromkeys(ImportOutcome.values, 0)
    for result in results:
        counts[result["outcome"]] += 1
    job.processed += chunk_size
    job.imported += counts[ImportOutcome.CREATED]
    job.updated += counts[ImportOutcome.UPDATED]
    job.skipped += counts[ImportOutcome.SKIPPED]
    errors = [{"row": r["row"], "error": r["reason"]} for r in results if r["outcome"] == ImportOutcome.ERROR]
    job.errors = [*job.errors, *errors][:MAX_ERRORS]
    job.results = [*job.results, *results][:MAX_RESULTS]
    job.save(update_fields=["processed", "imported", "updated", "skipped", "errors", "results", "updated_at"])


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


def _split_known(rows: list[tuple[int, dict]]) -> tuple[list, list, list[dict]]:
    """Rows no contact holds a key of (new), rows that are one known contact ((line, row,
    contact id)), and rows whose phone and email belong to two contacts (as error results)."""
    emails = [keys.email_lower(r["email"]) for _line, r in rows if r["email"]]
    phones = [r["e164"] for _line, r in rows if r["e164"]]
    email_rows = ContactEmail.objects.filter(email_lower__in=emails)
    email_owner = dict(email_rows.filter(verified=True).values_list("email_lower", "contact_id"))
    by_column = Contact.objects.filter(email__in=emails).exclude(emails__in=email_rows)
    for email, pk in by_column.values_list("email", "pk"):
        email_owner.setdefault(email.lower(), pk)
    phone_rows = ContactPhone.objects.filter(e164__in=phones)
    phone_owner = dict(phone_rows.filter(verified=True).values_list("e164", "contact_id"))
    for phone, pk in Contact.objects.filter(phone__in=phones).exclude(phones__in=phone_rows).values_list("phone", "pk"):
        phone_owner.setdefault(phone, pk)
    new, known, conflicts = [], [], []
    for line, row in rows:
        by_email = email_owner.get(keys.email_lower(row["email"])) if row["email"] else None
        by_phone = phone_owner.get(row["e164"]) if row["e164"] else None
        if by_email and by_phone and by_email != by_phone:
            reason = _("The phone number and the email address belong to two different contacts.")
            conflicts.append(_result(line, ImportOutcome.ERROR, reason))
        elif by_email or by_phone:
            known.append((line, row, by_email or by_phone, "email" if by_email else "phone"))
        else:
            new.append((line, row))
    return new, known, conflicts


def _known_apply(known: list, *, mode: str, definitions: dict) -> list[dict]:
    """Skip or update the rows that are known contacts, as the import's mode says."""
    results = []
    for line, row, contact_id, matched_by in known:
        if mode == ImportMode.SKIP:
            if matched_by == "email":
                reason = _("Duplicate email: a contact already has %(email)s") % row
            else:
                reason = _("Duplicate phone: a contact already has %(e164)s") % row
            results.append(_result(line, ImportOutcome.SKIPPED, reason, contact=contact_id))
            continue
        changed = _contact_update_from_row(contact_id, row, overwrite=mode == ImportMode.OVERWRITE)
        if changed:
            labels = ", ".join(
                str(FIELD_LABELS[name]) if name in FIELD_LABELS else definitions[name].label for name in changed
            )
            results.append(
                _result(line, ImportOutcome.UPDATED, _("Changed: %(fields)s") % {"fields": labels}, contact=contact_id)
            )
        else:
            reason = _("Nothing to update: the contact already has these details.")
            results.append(_result(line, ImportOutcome.SKIPPED, reason, contact=contact_id))
    return results


FIELD_LABELS = {"name": _lazy("Name"), "phone": _lazy("Phone"), "email": _lazy("Email"), "tags": _lazy("Tags")}


@transaction.atomic
def _contact_update_from_row(contact_id: int, row: dict, *, overwrite: bool) -> list[str]:
    """Write a row's values into a known contact: only into empty fields, or over what is there
    (`overwrite`). A new phone or email is added as a matching key (the old ones stay keys: a
    customer reached on them is still this customer). Returns the names of what changed."""
    contact = Contact.objects.select_for_update().get(pk=contact_id)

    def wanted(current, new) -> bool:
        return bool(new) and new != current and (overwrite or not current)

    changed = []
    if wanted(contact.name, row["name"]):
        contact.name, contact.name_key = row["name"], keys.name_key(row["name"])
        changed.append("name")
    if wanted(contact.phone, row["e164"]):
        contact.phone, contact.phone_raw = row["e164"], ""
        contact_phone_add(contact=contact, raw=row["raw_phone"])
        changed.append("phone")
    if wanted(contact.email.lower(), row["email"].lower()):
        contact.email = row["email"]
        contact_email_add(contact=contact, email=row["email"])
        changed.append("email")
    attributes = dict(contact.attributes)
    for key, value in row["attributes"].items():
        if wanted(attributes.get(key), value):
            attributes[key] = value
            changed.append(key)
    contact.attributes = attributes
    if row["tags"]:
        have = {name.lower() for name in contact.tags.values_list("name", flat=True)}
        missing = [name for name in dict.fromkeys(row["tags"]) if name.lower() not in have]
        if missing:
            contact.tags.add(*(_tag_for(name) for name in missing))
            changed.append("tags")
    if changed:
        contact.save()
        events.contact_updated(contact)
    return changed


def _tag_for(name: str) -> ContactTag:
    return ContactTag.objects.filter(name__iexact=name).first() or ContactTag.objects.create(name=name)


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
