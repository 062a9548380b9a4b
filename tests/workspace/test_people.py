"""Agents and teams in the settings: invite -> password through the link -> signed in;
deactivation unassigns; leads cannot make admins; agents get 404; every change audited."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from audit.models import AuditEntry
from inbox.models import ConversationEvent, Team
from tests.factories import make_conversation, make_inbox, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Zonnebloem-Kade-42"


@pytest.fixture
def lead(client):
    user = make_user("lea", role="lead")
    client.force_login(user)
    return user


def invite(client, **fields):
    inbox = fields.pop("inbox", None) or make_inbox("livechat", name="Website")
    data = {
        "name": "Bram de Boer",
        "email": "Bram@Example.nl",
        "role": "agent",
        "inboxes": [inbox.pk],
        "language": "nl",
        "capacity": "7",
        **fields,
    }
    return client.post("/settings/people/agents/invite/", data)


def link_in(response) -> str:
    found = re.search(
        r'value="(http[^"]+/accounts/invite/[^"]+)"[^>]*data-testid="one-time-link"', response.content.decode()
    )
    assert found, "the page shows the one-time link"
    return found.group(1)


def test_an_invited_agent_sets_a_password_through_the_link_and_is_signed_in(
    client, lead, settings, django_capture_on_commit_callbacks
):
    # given: a lead invites an agent (e-mail set up: the locmem backend of the tests)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client)
    assert response.status_code == 200
    link = link_in(response)
    bram = get_user_model().objects.get(username="bram@example.nl")
    assert not bram.has_usable_password() and bram.agent_profile.capacity == 7
    assert bram.agent_profile.language == "nl" and list(bram.inboxes.values_list("name", flat=True)) == ["Website"]
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body and mail.outbox[0].to == ["bram@example.nl"]
    entry = AuditEntry.objects.get(action="agent.invited")
    assert entry.actor == lead and entry.data["after"]["role"] == "agent"

    # when: the invited person opens the link and chooses a password
    client.logout()
    path = link.removeprefix(settings.PUBLIC_URL)
    assert client.get(path).status_code == 200
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    # then: signed in and in the inbox; the link is spent
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").wsgi_request.user == bram
    client.logout()
    assert client.get(path).status_code == 404
    assert client.login(username="bram@example.nl", password=PASSWORD)
    assert AuditEntry.objects.filter(action="agent.password_set", actor=bram).exists()


def test_a_weak_password_is_refused_with_a_reason(client, lead, settings):
    link = link_in(invite(client))
    client.logout()
    response = client.post(link.removeprefix(settings.PUBLIC_URL), {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200 and b"too short" in response.content


def test_the_same_email_cannot_be_invited_twice(client, lead):
    invite(client)
    response = invite(client, email="bram@example.NL")
    assert response.status_code == 200 and b"already is an account" in response.content
    assert get_user_model().objects.filter(email__iexact="bram@example.nl").count() == 1


def test_a_lead_cannot_invite_or_promote_an_admin(client, lead):
    response = invite(client, role="admin")
    assert response.status_code == 200 and not get_user_model().objects.filter(email="bram@example.nl").exists()
    assert b'value="admin"' not in client.get("/settings/people/agents/invite/").content

    agent = make_user("kim")
    inbox = make_inbox()
    response = client.post(
        f"/settings/people/agents/{agent.pk}/",
        {"name": "Kim", "role": "admin", "inboxes": [inbox.pk], "capacity": "10"},
    )
    agent.refresh_from_db()
    assert response.status_code == 200 and agent.agent_profile.role == "agent" and not agent.is_superuser


def test_a_lead_does_not_manage_admins(client, lead):
    admin = make_user("root", role="admin")
    assert client.get(f"/settings/people/agents/{admin.pk}/").status_code == 404
    assert client.post(f"/settings/people/agents/{admin.pk}/deactivate/").status_code == 404
    admin.refresh_from_db()
    assert admin.is_active


def test_an_admin_can_invite_an_admin(client):
    client.force_login(make_user("root", role="admin"))
    invite(client, role="admin", email="sofie@example.nl")
    sofie = get_user_model().objects.get(email="sofie@example.nl")
    assert sofie.agent_profile.role == "admin" and sofie.is_superuser


def test_editing_an_agent_records_before_and_after(client, lead):
    agent = make_user("kim")
    team = Team.objects.create(name="Retouren")
    inbox = make_inbox(name="WhatsApp NL")
    response = client.post(
        f"/settings/people/agents/{agent.pk}/",
        {"name": "Kim Jansen", "role": "lead", "inboxes": [inbox.pk], "teams": [team.pk], "capacity": "4"},
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.get_full_name() == "Kim Jansen" and agent.agent_profile.role == "lead"
    entry = AuditEntry.objects.get(action="agent.role_changed")
    assert entry.data["before"]["role"] == "agent" and entry.data["after"]["role"] == "lead"
    assert entry.data["after"]["teams"] == ["Retouren"] and entry.data["after"]["capacity"] == 4


def test_deactivating_unassigns_open_conversations_keeps_history_and_blocks_sign_in(client, lead):
    inbox = make_inbox()
    kim = make_user("kim", inboxes=[inbox])
    kim.agent_profile.availability = "online"
    kim.agent_profile.save()
    open_one = make_conversation(inbox, assignee=kim)
    resolved = make_conversation(inbox, assignee=kim, status="resolved")

    response = client.post(f"/settings/people/agents/{kim.pk}/deactivate/")

    assert response.status_code == 302
    kim.refresh_from_db()
    open_one.refresh_from_db()
    resolved.refresh_from_db()
    assert not kim.is_active and open_one.assignee is None and resolved.assignee == kim
    event = ConversationEvent.objects.get(conversation=open_one, kind="assigned")
    assert event.data == {"from": kim.pk, "to": None, "reason": "agent_deactivated"} and event.actor == lead
    assert AuditEntry.objects.get(action="agent.deactivated").data["unassigned_conversations"] == 1
    assert kim.agent_profile.__class__.objects.get(user=kim).availability == "offline"  # nothing more is assigned
    client.logout()
    assert not client.login(username="kim", password="pw-secret-123")

    # and reactivated, Kim signs in again
    client.force_login(lead)
    client.post(f"/settings/people/agents/{kim.pk}/reactivate/")
    client.logout()
    assert client.login(username="kim", password="pw-secret-123")


def test_a_lead_cannot_deactivate_themselves(client, lead):
    client.post(f"/settings/people/agents/{lead.pk}/deactivate/")
    lead.refresh_from_db()
    assert lead.is_active


def test_a_password_link_lets_an_agent_choose_a_new_password(client, lead, settings):
    kim = make_user("kim")
    response = client.post(f"/settings/people/agents/{kim.pk}/password-link/")
    link = link_in(response)
    client.logout()
    client.post(link.removeprefix(settings.PUBLIC_URL), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    client.logout()
    assert client.login(username="kim", password=PASSWORD)
    assert AuditEntry.objects.filter(action="agent.password_link", target_id=str(kim.pk)).exists()


def test_agents_page_lists_name_role_inboxes_and_last_sign_in(client, lead):
    inbox = make_inbox(name="Messenger BE")
    make_user("kim", inboxes=[inbox])
    body = client.get("/settings/people/agents/").content.decode()
    assert "kim" in body and "Messenger BE" in body and "never" in body


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/settings/people/agents/"),
        ("get", "/settings/people/agents/invite/"),
        ("post", "/settings/people/agents/invite/"),
        ("get", "/settings/people/teams/"),
        ("post", "/settings/people/teams/new/"),
        ("get", "/settings/audit/"),
    ],
)
def test_agents_get_404_on_people_settings(client, method, path):
    client.force_login(make_user("kim"))
    assert getattr(client, method)(path, {"name": "x", "email": "x@example.nl", "role": "admin"}).status_code == 404
    assert not get_user_model().objects.filter(email="x@example.nl").exists()


# --- Teams --------------------------------------------------------------------------------------


def test_a_team_is_made_with_members_and_inboxes_routed_to_it(client, lead):
    kim = make_user("kim")
    inbox = make_inbox(name="WhatsApp NL")
    response = client.post(
        "/settings/people/teams/new/", {"name": "Retouren", "members": [kim.pk], "inboxes": [inbox.pk]}
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Retouren")
    inbox.refresh_from_db()
    assert list(team.members.all()) == [kim] and inbox.team == team
    assert AuditEntry.objects.get(action="team.created").data["after"]["inboxes"] == ["WhatsApp NL"]

    # renamed, the inbox routed elsewhere
    client.post(f"/settings/people/teams/{team.pk}/", {"name": "Returns", "members": [kim.pk]})
    inbox.refresh_from_db()
    assert inbox.team is None and Team.objects.get(pk=team.pk).name == "Returns"
    entry = AuditEntry.objects.get(action="team.updated")
    assert entry.data["before"]["name"] == "Retouren" and entry.data["after"]["name"] == "Returns"


def test_a_team_name_is_unique_with_a_clear_message(client, lead):
    Team.objects.create(name="Retouren")
    response = client.post("/settings/people/teams/new/", {"name": "retouren"})
    assert response.status_code == 200 and b"already is a team" in response.content


def test_only_an_unused_team_is_deleted(client, lead):
    used = Team.objects.create(name="Used")
    make_conversation(team=used)
    unused = Team.objects.create(name="Unused")
    client.post(f"/settings/people/teams/{used.pk}/delete/")
    client.post(f"/settings/people/teams/{unused.pk}/delete/")
    assert list(Team.objects.values_list("name", flat=True)) == ["Used"]
    assert AuditEntry.objects.get(action="team.deleted").data["before"]["name"] == "Unused"


def test_without_email_set_up_nothing_is_sent_and_the_page_says_so(
    client, lead, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.WEBCARE_EMAIL_CONFIGURED = False
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client)
    assert link_in(response) and len(mail.outbox) == 0
    assert b"E-mail is not set up" in response.content
