"""Leads read the audit log in the app: who, what, when, target, before/after, secrets masked;
filtered by actor, action and date; paged."""

import pytest

from audit.models import AuditAction, AuditEntry
from audit.services import audit_record
from inbox.models import Team
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(client):
    user = make_user("lea", role="lead")
    client.force_login(user)
    return user


def test_the_log_shows_a_change_with_before_and_after(client, lead):
    client.post("/settings/people/teams/new/", {"name": "Retouren"})
    team = Team.objects.get()
    client.post(f"/settings/people/teams/{team.pk}/", {"name": "Returns"})

    body = client.get("/settings/audit/").content.decode()

    assert "Team changed" in body and "Team created" in body and "lea" in body
    assert "<del>Retouren</del>" in body and "<ins>Returns</ins>" in body


def test_secrets_are_masked_even_if_an_entry_holds_one(client, lead):
    audit_record(
        actor=lead,
        action=AuditAction.INBOX_CREDENTIALS_CHANGED,
        secrets=["access_token"],
        after={"access_token": "EAAG-very-secret", "name": "WA"},
    )
    body = client.get("/settings/audit/").content.decode()
    assert "EAAG-very-secret" not in body and "access_token" in body and "••••••" in body


def test_filters_by_actor_action_and_date(client, lead):
    other = make_user("kim", role="lead")
    audit_record(actor=lead, action=AuditAction.TEAM_CREATED, label="Lea's team")
    audit_record(actor=other, action=AuditAction.TEAM_DELETED, label="Kim's team")
    old = audit_record(actor=other, action=AuditAction.TEAM_CREATED, label="Old team")
    AuditEntry.objects.filter(pk=old.pk).update(at="2020-01-01T12:00:00Z")

    by_kim = client.get("/settings/audit/", {"actor": other.pk}).content.decode()
    assert "Kim&#x27;s team" in by_kim and "Lea&#x27;s team" not in by_kim
    created = client.get("/settings/audit/", {"action": "team.created"}).content.decode()
    assert "Lea&#x27;s team" in created and "Kim&#x27;s team" not in created
    in_2020 = client.get("/settings/audit/", {"since": "2020-01-01", "until": "2020-01-31"}).content.decode()
    assert "Old team" in in_2020 and "Lea&#x27;s team" not in in_2020


def test_the_log_is_paged(client, lead):
    AuditEntry.objects.bulk_create([AuditEntry(action=AuditAction.EXPORT, target_label=f"e{i}") for i in range(60)])
    first = client.get("/settings/audit/").content.decode()
    assert first.count('data-testid="audit-row"') == 50 and "page=2" in first
    assert client.get("/settings/audit/", {"page": 2}).content.decode().count('data-testid="audit-row"') == 10


def test_agents_do_not_see_the_log(client):
    client.force_login(make_user("kim"))
    assert client.get("/settings/audit/").status_code == 404


def test_a_german_lead_reads_what_happened_in_german(client, lead):
    """What each entry says happened is interface text, in the lead's language (in the rows and
    in the filter's choices), not the English the code names it by."""
    client.post("/settings/people/teams/new/", {"name": "Retouren"})
    team = Team.objects.get()
    client.post(f"/settings/people/teams/{team.pk}/", {"name": "Returns"})

    body = client.get("/settings/audit/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "<td>Team geändert</td>" in body
    assert '<option value="team.updated">Team geändert</option>' in body
    assert "Team changed" not in body
