"""The inbox's switch letting the FAQ bot and the automatic replies answer public comments:
on the service page of inboxes whose channel carries comments, leads only, audited."""

import pytest

from audit.models import AuditAction, AuditEntry
from tests.factories import make_inbox, make_user

pytestmark = pytest.mark.django_db

FORM = {"first_response": "1", "first_response_unit": "hours", "next_response_unit": "minutes", "survey": "off"}


def test_a_lead_lets_the_bot_answer_public_comments_and_the_audit_log_says_so(client):
    inbox = make_inbox("instagram")
    client.force_login(make_user("lea", role="lead"))
    page = client.get(f"/settings/inboxes/{inbox.pk}/service/").content.decode()
    assert 'name="automation_public_replies"' in page and "answer public comments" in page
    response = client.post(f"/settings/inboxes/{inbox.pk}/service/", {**FORM, "automation_public_replies": "on"})
    assert response.status_code == 302
    inbox.refresh_from_db()
    assert inbox.config["automation_public_replies"] is True
    entry = AuditEntry.objects.get(action=AuditAction.INBOX_PUBLIC_REPLIES_CHANGED)
    assert (entry.actor.username, entry.data) == ("lea", {"before": False, "after": True})
    log = client.get("/settings/audit/").content.decode()
    assert "<del>No</del> → <ins>Yes</ins>" in log  # the change itself, not only that there was one
    client.post(f"/settings/inboxes/{inbox.pk}/service/", FORM)  # unticked: off again
    inbox.refresh_from_db()
    assert inbox.config["automation_public_replies"] is False


def test_the_switch_is_not_offered_where_there_are_no_comments_nor_to_agents(client):
    whatsapp, instagram = make_inbox("whatsapp"), make_inbox("instagram")
    client.force_login(make_user("lea", role="lead"))
    assert (
        'name="automation_public_replies"'
        not in client.get(f"/settings/inboxes/{whatsapp.pk}/service/").content.decode()
    )
    client.force_login(make_user("anna", inboxes=[instagram]))
    assert (
        client.post(
            f"/settings/inboxes/{instagram.pk}/service/", {**FORM, "automation_public_replies": "on"}
        ).status_code
        == 404
    )
    instagram.refresh_from_db()
    assert not instagram.config.get("automation_public_replies")
