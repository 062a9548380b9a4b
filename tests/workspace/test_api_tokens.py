"""Your own API tokens on /profile/: made with a name and shown once, stored only as a hash,
accepted by the API (last use noted at most once a minute), revoked -> 401."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command

from audit.models import AuditEntry
from inbox.api_tokens import api_token_create, api_token_hash
from inbox.models import ApiToken
from tests.factories import make_conversation, make_inbox, make_token, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(client):
    inbox = make_inbox()
    user = make_user("anna", inboxes=[inbox])
    make_conversation(inbox)
    client.force_login(user)
    return user


def test_every_agent_reaches_their_profile_outside_the_settings(client, anna):
    assert client.get("/profile/").status_code == 200
    assert client.get("/settings/people/agents/").status_code == 404


def test_a_token_is_shown_once_stored_as_a_hash_and_used_by_the_api(client, anna, api_client):
    # when
    response = client.post("/profile/tokens/", {"name": "CRM sync"})

    # then: the key is on this page only, and only its hash is stored
    key = re.search(r'value="(wct_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=anna)
    assert token.name == "CRM sync" and token.key_hash == api_token_hash(key) and key not in str(token.__dict__)
    assert key not in client.get("/profile/").content.decode()
    assert AuditEntry.objects.get(action="api_token.created").actor == anna

    # and the API accepts it, noting when it was last used
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/conversations/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert "CRM sync" in client.get("/profile/").content.decode()


def test_last_used_is_written_at_most_once_a_minute(api_client, anna):
    token, key = api_token_create(user=anna, name="script")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    api_client.get("/api/v1/conversations/")
    token.refresh_from_db()
    first = token.last_used_at

    api_client.get("/api/v1/conversations/")
    token.refresh_from_db()
    assert token.last_used_at == first  # no write a second later

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api_client.get("/api/v1/conversations/")
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=1)


def test_a_revoked_token_is_refused_with_401(client, anna, api_client):
    token, key = api_token_create(user=anna, name="old script")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/conversations/").status_code == 200

    assert client.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 302

    assert api_client.get("/api/v1/conversations/").status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoked", target_id=str(token.pk)).exists()


def test_nobody_revokes_someone_elses_token(client, anna, api_client):
    other = make_user("bob")
    token, key = api_token_create(user=other, name="bob's")
    assert client.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_deactivated_users_token_is_refused(api_client, anna):
    _token, key = api_token_create(user=anna, name="script")
    anna.is_active = False
    anna.save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/conversations/").status_code == 401


def test_a_token_needs_a_name(client, anna):
    response = client.post("/profile/tokens/", {"name": "  "})
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_the_single_token_of_create_api_token_works_beside_named_ones(api_client, anna, capsys):
    single = make_token(anna)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {single}")
    assert api_client.get("/api/v1/conversations/").status_code == 200

    call_command("create_api_token", "--username", "anna")
    assert f'{{"token": "{single}"}}' in capsys.readouterr().out


def test_profile_changes_name_and_language(client, anna):
    response = client.post("/profile/", {"name": "Anna de Wit", "language": "de"})
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.get_full_name() == "Anna de Wit" and anna.agent_profile.language == "de"
    assert AuditEntry.objects.get(action="agent.updated").data["after"]["language"] == "de"


def test_the_profile_shows_the_whole_header_a_program_sends(client):
    """The placeholder in "Authorization: Token <token>" is text to read, not a tag the browser
    swallows (which left "Token ." on the page)."""
    client.force_login(make_user("noor"))

    page = client.get("/profile/").content.decode()

    assert "<code>Authorization: Token &lt;token&gt;</code>" in page
    assert "<token>" not in page
