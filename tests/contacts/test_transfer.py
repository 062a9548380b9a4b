"""CSV import (a Celery task: rows import whole or are reported), CSV export of a filtered list,
GDPR export of everything about one contact, erase (anonymised, counts kept) and retention."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contacts.privacy import conversations_retention_anonymise
from crm.imports import contact_import_run
from crm.models import (
    AttributeDefinition,
    Contact,
    ContactAuditEntry,
    ContactIdentity,
    ContactImport,
    MergeSuggestion,
)
from crm.services import contact_create, identify
from inbox.ingest import message_ingest
from inbox.models import Conversation, Message
from tests.factories import inbound, make_inbox, make_message, make_user

pytestmark = pytest.mark.django_db

CSV = """name,phone,email,tags,tier
Sanne,06-12345678,sanne@example.nl,vip;newsletter,gold
Bad Phone,call me,bp@example.nl,,
Known Email,,KNOWN@example.nl,,
Twice,+49 151 23456789,twice@example.nl,,
Twice Again,,twice@example.nl,,
Bad Tier,,tier@example.nl,,diamond
Jan,0032 470 12 34 56,,,
"""


@pytest.fixture
def lead(client):
    user = make_user("lena", role="lead")
    client.force_login(user)
    return user


def test_import_reports_bad_rows_and_imports_the_rest(client, lead, django_capture_on_commit_callbacks):
    AttributeDefinition.objects.create(key="tier", label="Tier", kind="choice", choices=["gold", "silver"])
    contact_create(name="Known", email="known@example.nl")
    upload = SimpleUploadedFile("contacts.csv", CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contacts/import/", {"file": upload})
    job = ContactImport.objects.get()
    assert response.url == f"/contacts/import/{job.pk}/"
    assert (job.status, job.total, job.processed, job.imported) == ("done", 7, 7, 3)
    assert {e["row"]: e["error"].split(":")[0] for e in job.errors} == {
        3: "Unparseable phone number",
        6: "Duplicate email address in the file",
        7: "Tier",
    }
    # a row that is a known contact is skipped (the default), not imported twice
    assert [(r["row"], r["outcome"]) for r in job.results if r["outcome"] == "skipped"] == [(4, "skipped")]
    sanne = Contact.objects.get(name="Sanne")
    assert sanne.phone == "+31612345678" and sanne.attributes == {"tier": "gold"}
    assert sorted(sanne.tags.values_list("name", flat=True)) == ["newsletter", "vip"]
    assert list(sanne.phones.values_list("e164", flat=True)) == ["+31612345678"]
    assert not Contact.objects.filter(name__in=["Bad Phone", "Twice Again", "Bad Tier"]).exists()
    progress = client.get(f"/contacts/import/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "Unparseable phone number" in progress and 'value="100"' in progress
    assert contact_import_run(job.pk) is None  # safe to run twice


def test_a_number_a_visitor_typed_does_not_block_the_import_and_is_suggested(
    client, lead, django_capture_on_commit_callbacks
):
    # given: a live-chat visitor typed Sanne's number and address (unverified)
    visitor = identify(channel="livechat", external_id="v-1", phone="0612345678", email="sanne@example.nl").contact
    # when: the lead imports the customer list holding Sanne
    upload = SimpleUploadedFile("contacts.csv", b"name,phone,email\nSanne,+31612345678,sanne@example.nl\n")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/contacts/import/", {"file": upload})
    # then: Sanne is imported with her keys verified, and an agent is asked about the visitor
    assert ContactImport.objects.get().errors == []
    sanne = Contact.objects.get(name="Sanne")
    assert sanne.phones.get().verified and sanne.emails.get().verified
    suggestion = MergeSuggestion.objects.get()
    assert {suggestion.first_id, suggestion.second_id} == {visitor.pk, sanne.pk}
    assert suggestion.reason == "same_phone"
    # and her WhatsApp message finds the imported contact
    who = identify(channel="whatsapp", external_id="31612345678", phone="31612345678", details_verified=True)
    assert who.contact.pk == sanne.pk


def test_export_is_the_filtered_list_as_csv_without_formulas(client, lead):
    contact_create(name="=HYPERLINK(evil)", phone="+31612345678", email="a@example.nl")
    contact_create(name="Other", email="b@example.nl")
    response = client.get("/contacts/export.csv", {"q": "0612345678"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["id", "name", "phone", "email"]
    assert [r[1:4] for r in rows[1:]] == [["'=HYPERLINK(evil)", "+31612345678", "a@example.nl"]]


@pytest.fixture
def customer():
    inbox = make_inbox("livechat")
    conversation = message_ingest(
        inbox=inbox, inbound=inbound("m1", sender_id="v-1", name="Sanne", phone="0612345678", text="My address is X")
    ).message.conversation
    make_message(conversation, direction="out", text="Thanks Sanne")
    return conversation


def test_gdpr_export_holds_everything_about_the_contact(client, lead, customer):
    data = json.loads(client.get(f"/contacts/{customer.contact_id}/gdpr-export/").content)
    assert data["contact"]["name"] == "Sanne" and data["phones"][0]["e164"] == "+31612345678"
    assert data["identities"][0]["external_id"] == "v-1"
    texts = [m["text"] for m in data["conversations"][0]["messages"]]
    assert texts == ["My address is X", "Thanks Sanne"]
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/contacts/{customer.contact_id}/gdpr-export/?format=zip").content)
    )
    assert "contact.json" in archive.namelist()
    assert ContactAuditEntry.objects.filter(action="gdpr_export").count() == 2


def test_erase_needs_confirmation_then_anonymises_and_keeps_counts(client, lead, customer):
    url = f"/contacts/{customer.contact_id}/erase/"
    assert "Type ERASE" in client.post(url, {"confirm": "yes"}).content.decode()
    assert Contact.objects.get(pk=customer.contact_id).name == "Sanne"

    client.post(url, {"confirm": "ERASE"})

    contact = Contact.objects.get(pk=customer.contact_id)
    assert (contact.name, contact.phone, contact.email) == ("", "", "") and contact.erased_at
    assert contact.phones.count() == 0
    assert not ContactIdentity.objects.filter(external_id="v-1").exists()
    assert Conversation.objects.filter(pk=customer.pk).exists()
    assert list(Message.objects.filter(conversation=customer).values_list("text", "direction")) == [
        ("", "in"),
        ("", "out"),
    ]
    entry = ContactAuditEntry.objects.get(action="erased")
    assert entry.data == {"conversations": 1, "messages": 2} and entry.actor == lead
    # and the admins' audit log has it too, beside exports
    from audit.models import AuditEntry

    logged = AuditEntry.objects.get(action="contact.erased")
    assert logged.actor_name == "lena" and logged.data["contact"] == customer.contact_id
    client.get("/contacts/export.csv")
    assert AuditEntry.objects.filter(action="export", target_label="contacts.csv", actor=lead).exists()


def test_retention_anonymises_conversations_closed_long_ago(customer):
    Conversation.objects.filter(pk=customer.pk).update(status="closed", closed_at=timezone.now() - timedelta(days=40))
    assert conversations_retention_anonymise(days=60) == 0
    assert conversations_retention_anonymise(days=30) == 1
    assert set(Message.objects.filter(conversation=customer).values_list("text", flat=True)) == {""}
    assert conversations_retention_anonymise(days=30) == 0  # nothing left: safe to run again
