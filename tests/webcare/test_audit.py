"""The audit log: credential changes, role changes and new agents are recorded for admins,
never with a secret's value, and nobody can edit or delete an entry."""

import json

import pytest

from audit.models import AuditEntry
from inbox.models import AgentProfile
from inbox.provisioning import agent_create, inbox_create
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture
def admin_client(client):
    root = make_user("root", role="admin")
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    return client


def inbox_form(inbox, **changes):
    return {
        "kind": inbox.kind,
        "name": inbox.name,
        "external_id": inbox.external_id,
        "config": json.dumps(inbox.config),
        "time_zone": inbox.time_zone,
        "business_hours": "{}",
        "first_response_target_seconds": str(inbox.first_response_target_seconds),
        "is_active": "on",
        "access_token": "",
        "app_secret": "",
        "verify_token": "",
        **changes,
    }


def test_a_replaced_access_token_is_logged_by_name_never_by_value(admin_client):
    inbox = inbox_create(kind="whatsapp", name="WA", external_id="1", credentials={"access_token": "old"})
    response = admin_client.post(
        f"/admin/inbox/inbox/{inbox.pk}/change/", inbox_form(inbox, access_token="EAAG-new-secret")
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="inbox.credentials_changed")
    assert entry.actor_name == "root" and entry.target_id == str(inbox.pk)
    assert entry.data == {"secrets": ["access_token"]}
    assert "EAAG-new-secret" not in json.dumps(entry.data) + entry.target_label

    # saving without a new secret logs nothing more
    admin_client.post(f"/admin/inbox/inbox/{inbox.pk}/change/", inbox_form(inbox))
    assert AuditEntry.objects.filter(action="inbox.credentials_changed").count() == 1


def test_role_changes_and_new_agents_are_logged(admin_client):
    user = agent_create(username="anna", password="pw-secret-123", role="agent")
    assert AuditEntry.objects.filter(action="agent.created", target_label="anna").exists()
    profile = AgentProfile.objects.get(user=user)
    response = admin_client.post(
        f"/admin/inbox/agentprofile/{profile.pk}/change/",
        {
            "user": user.pk,
            "role": "lead",
            "availability": profile.availability,
            "capacity": profile.capacity,
            "language": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    entry = AuditEntry.objects.get(action="agent.role_changed")
    assert entry.data == {"from": "agent", "to": "lead"} and entry.actor_name == "root"


def test_admins_read_the_log_and_nobody_edits_it(admin_client, client):
    inbox_create(kind="livechat", name="Site")
    entry = AuditEntry.objects.get(action="inbox.created")
    assert admin_client.get("/admin/audit/auditentry/").status_code == 200
    assert admin_client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    lead = make_user("lea", role="lead")
    lead.is_staff = True
    lead.save()
    client.force_login(lead)
    assert client.get("/admin/audit/auditentry/").status_code == 403
