"""What an arriving email costs the database, whole path (stored raw, parsed, threaded,
ingested, automation): an upper bound per email, so a change that adds queries to every email
is noticed. `bench/email_ingest.py` measures the same on PostgreSQL."""

import base64
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from channels_email.imap import mailbox_poll
from inbox.models import Message

from .helpers import deliver, mail

pytestmark = pytest.mark.django_db

# A little above what it takes (docs/performance.md; savepoints of the test's transaction
# included): more means every email got dearer.
WEBHOOK_QUERIES_PER_EMAIL = 33
IMAP_QUERIES_PER_EMAIL = 33


def _mails(tag: str) -> list[bytes]:
    # A known customer: three new questions and two answers in a thread, as mail usually comes.
    subjects = ["Invoice", "Delivery", "Invoice", "Returns", "Delivery"]
    return [
        mail(subject=subject, text=f"{tag} {n}", message_id=f"<{tag}-{n}@example.org>")
        for n, subject in enumerate(subjects)
    ]


def _known_customer(inbox) -> None:
    deliver(inbox, mail(subject="First question", text="hello", message_id="<first@example.org>"))


def test_an_email_through_a_provider_webhook_stays_within_its_queries(
    client, email_inbox, django_capture_on_commit_callbacks
):
    email_inbox.credentials = {**email_inbox.credentials, "inbound_webhook_secret": "acme:hook-secret"}
    email_inbox.save()
    with django_capture_on_commit_callbacks(execute=True):
        _known_customer(email_inbox)
    auth = "Basic " + base64.b64encode(b"acme:hook-secret").decode()
    bodies = [json.dumps({"RawEmail": raw.decode(), "Headers": []}) for raw in _mails("hook")]

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        for body in bodies:
            response = client.post(
                f"/webhooks/email/{email_inbox.public_key}/postmark/", body, content_type="application/json",
                HTTP_AUTHORIZATION=auth,
            )  # fmt: skip
            assert response.status_code == 200

    assert Message.objects.count() == 1 + len(bodies)
    per_email = len(queries) / len(bodies)
    assert per_email <= WEBHOOK_QUERIES_PER_EMAIL, f"{per_email} queries per email"


def test_an_email_from_imap_stays_within_its_queries(imap_inbox, dovecot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _known_customer(imap_inbox)
    mailbox_poll(imap_inbox)  # the first visit: the mailbox's state is written
    raws = _mails("imap")
    for raw in raws:
        dovecot.append("support", raw)

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        counts = mailbox_poll(imap_inbox)

    assert counts["processed"] == len(raws) and Message.objects.count() == 1 + len(raws)
    per_email = len(queries) / len(raws)
    assert per_email <= IMAP_QUERIES_PER_EMAIL, f"{per_email} queries per email"
