"""Privacy tools: everything held about one contact (GDPR export, JSON and a ZIP with the
attachments), erasing a contact, and the retention rule for closed conversations.

Erasing keeps the rows reporting counts (conversations, messages with their direction, times
and statuses) but removes who the customer was and what was said: message text, content and
attachments, the contact's details, keys, notes, tags and attributes, and its identities
(conversations move to a per-channel placeholder identity, because a conversation needs one).
"""

import io
import json
import logging
import zipfile
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from crm.audit import contact_audit
from crm.models import (
    Contact,
    ContactIdentity,
    ContactMerge,
    MergeSuggestion,
)
from inbox.files import safe_filename
from inbox.models import Attachment, Conversation, Message
from kernel.public_names import agent_public_name

logger = logging.getLogger(__name__)


def contact_gdpr_data(*, contact: Contact) -> dict:
    """Everything held about a contact (and the contacts merged into it), as plain JSON data."""

    ids = [contact.pk, *Contact.objects.filter(merged_into=contact).values_list("pk", flat=True)]
    conversations = (
        Conversation.objects.filter(contact_id__in=ids)
        .select_related("inbox")
        .prefetch_related("messages__attachments", "tags")
        .order_by("created_at")
    )
    return {
        "exported_at": timezone.now(),
        "contact": {
            "id": contact.pk,
            "name": contact.name,
            "phone": contact.phone or contact.phone_raw,
            "email": contact.email,
            "locale": contact.locale,
            "notes": contact.notes,
            "attributes": contact.attributes,
            "created_at": contact.created_at,
            "updated_at": contact.updated_at,
        },
        "phones": [{"e164": p.e164, "as_typed": p.raw, "valid": p.valid} for p in contact.phones.all()],
        "emails": [e.email for e in contact.emails.all()],
        "tags": sorted(contact.tags.values_list("name", flat=True)),
        "identities": [
            {"channel": i.channel, "external_id": i.external_id, "display_name": i.display_name, "phone": i.phone}
            for i in ContactIdentity.objects.filter(contact_id__in=ids)
        ],
        "agent_notes": [
            {"text": n.text, "author": agent_public_name(n.author) if n.author else None, "created_at": n.created_at}
            for n in contact.agent_notes.select_related("author").order_by("created_at")
        ],
        "merged_contacts": [m.snapshot for m in ContactMerge.objects.filter(survivor=contact, undone_at__isnull=True)],
        "conversations": [_conversation_data(c) for c in conversations],
    }


def _conversation_data(conversation) -> dict:
    return {
        "id": conversation.pk,
        "channel": conversation.inbox.kind,
        "inbox": conversation.inbox.name,
        "status": conversation.status,
        "created_at": conversation.created_at,
        "tags": [t.name for t in conversation.tags.all()],
        "source": conversation.source,
        "csat_score": conversation.csat_score,
        "messages": [
            {
                "id": m.pk,
                "direction": m.direction,
                "sender_type": m.sender_type,
                "kind": m.kind,
                "text": m.text,
                "content": m.content,
                "private_note": m.private,
                "sent_at": m.sent_at,
                "attachments": [
                    {"filename": a.filename, "mime_type": a.mime_type, "size": a.size, "file": _zip_name(a)}
                    for a in m.attachments.all()
                ],
            }
            for m in sorted(conversation.messages.all(), key=lambda m: (m.sent_at, m.pk))
        ],
    }


def _zip_name(attachment) -> str:
    # Rows stored before names were cleaned may hold a path or control characters: never let one
    # name a place outside the archive's folder.
    return f"attachments/{attachment.pk}-{safe_filename(attachment.filename)}" if attachment.file else ""


def contact_gdpr_export(*, contact: Contact, actor=None, with_files: bool = False) -> bytes:
    """The GDPR export as JSON bytes, or (with_files) a ZIP holding `contact.json` and every
    stored attachment. Recorded in the audit trail."""
    data = contact_gdpr_data(contact=contact)
    document = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
    contact_audit(contact_id=contact.pk, action="gdpr_export", actor=actor, data={"files": with_files})
    if not with_files:
        return document

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("contact.json", document)
        ids = [c["id"] for c in data["conversations"]]
        for attachment in Attachment.objects.filter(message__conversation_id__in=ids).exclude(file=""):
            try:
                with attachment.file.open("rb") as stored:
                    archive.writestr(_zip_name(attachment), stored.read())
            except OSError:
                logger.warning("attachment %s missing from storage", attachment.pk)
    return buffer.getvalue()


def contact_erase(*, contact: Contact, actor=None) -> dict:
    """Erase a customer: anonymise their messages and attachments, delete identities, keys,
    notes, tags and details; keep the rows that reporting counts. Contacts merged into this one
    are erased with it. Atomic; recorded in the audit trail. Returns the counts kept."""

    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        ids = [contact.pk, *Contact.objects.filter(merged_into=contact).values_list("pk", flat=True)]
        conversation_ids = list(Conversation.objects.filter(contact_id__in=ids).values_list("pk", flat=True))
        messages = _anonymise_conversations(conversation_ids)
        _replace_identities(contact, ids)
        for pk in ids:
            _erase_details(Contact.objects.get(pk=pk))
        MergeSuggestion.objects.filter(Q(first_id__in=ids) | Q(second_id__in=ids)).delete()
        ContactMerge.objects.filter(Q(survivor_id__in=ids) | Q(merged_id__in=ids)).update(snapshot={}, moved={})
        kept = {"conversations": len(conversation_ids), "messages": messages}
        contact_audit(contact_id=contact.pk, action="erased", actor=actor, data=kept)
    return kept


def _replace_identities(contact: Contact, ids: list[int]) -> None:

    for identity in ContactIdentity.objects.filter(contact_id__in=ids):
        placeholder, _made = ContactIdentity.objects.get_or_create(
            channel=identity.channel,
            external_id=f"erased:{contact.pk}:{identity.channel}",
            defaults={"contact": contact},
        )
        if placeholder.pk != identity.pk:
            Conversation.objects.filter(identity=identity).update(identity=placeholder, contact=contact)
            identity.delete()


def _erase_details(contact: Contact) -> None:
    contact.phones.all().delete()
    contact.emails.all().delete()
    contact.agent_notes.all().delete()
    contact.tags.clear()
    contact.name = contact.name_key = contact.phone = contact.phone_raw = contact.email = ""
    contact.locale = contact.notes = ""
    contact.attributes = {}
    contact.erased_at = timezone.now()
    contact.save()


def _anonymise_conversations(conversation_ids: list[int]) -> int:
    """Remove what was said in these conversations (text, content, attachments), keeping the
    message rows with their direction, kind, times and statuses for reporting."""

    attachments = Attachment.objects.filter(message__conversation_id__in=conversation_ids)
    files = [a.file.name for a in attachments.exclude(file="").only("file")]
    attachments.delete()
    messages = Message.objects.filter(conversation_id__in=conversation_ids)
    count = messages.update(text="", content={}, reactions={})
    Conversation.objects.filter(pk__in=conversation_ids).update(last_message_preview="", source={})
    if files:
        transaction.on_commit(lambda: _delete_files(files))
    return count


def _delete_files(names: list[str]) -> None:

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete %s", name)


def conversations_retention_anonymise(*, days: int, batch: int = 1000) -> int:
    """Anonymise conversations closed more than `days` days ago (0: never), in batches. Safe to
    run twice: a conversation with nothing left to remove is skipped. Returns how many were
    anonymised."""
    if days <= 0:
        return 0

    cutoff = timezone.now() - timedelta(days=days)
    still_said = Exists(Message.objects.filter(conversation=OuterRef("pk")).filter(~Q(text="") | ~Q(content={})))
    done = 0
    while True:
        ids = list(
            Conversation.objects.filter(status="closed", closed_at__lt=cutoff)
            .filter(Q(last_message_preview__gt="") | still_said)
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return done
        with transaction.atomic():
            _anonymise_conversations(ids)
        done += len(ids)
