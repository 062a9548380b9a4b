"""The first admin of a fresh installation, made in the browser at /setup/ with the setup token
from the server's log, and the page gone for good afterwards."""

import html
import logging
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import translation

from audit.models import AuditEntry
from inbox import first_run
from inbox.models import FirstRunSetup
from tests.factories import make_user
from workspace.setup import views as setup_views

pytestmark = pytest.mark.django_db

PASSWORD = "Zonnebloem-Kade-42"


def form(token: str, **fields) -> dict:
    return {
        "token": token,
        "name": "Ada Jansen",
        "email": "ada@example.nl",
        "username": "ada",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **fields,
    }


def test_the_server_log_gives_the_token_that_makes_the_first_admin(client, caplog, monkeypatch):
    # the page prints the token at most once a minute per process; another test may just have
    monkeypatch.setattr(setup_views, "_announced_at", float("-inf"))
    # given: a fresh installation; its login page points to the setup
    assert b'data-testid="setup-link"' in client.get("/accounts/login/").content
    with caplog.at_level(logging.WARNING, logger="inbox.first_run"):
        assert client.get("/setup/").status_code == 200
    token = first_run.setup_token()
    assert token in caplog.text and "/setup/" in caplog.text
    # the database does not hold the token
    row = FirstRunSetup.objects.get()
    assert token not in str(row.__dict__)

    # when
    response = client.post("/setup/", form(token))

    # then: Ada is an admin, signed in and sent to the inbox settings
    assert response.status_code == 302 and response["Location"] == "/settings/inboxes/"
    ada = get_user_model().objects.get(username="ada")
    assert ada.is_superuser and ada.agent_profile.role == "admin" and ada.check_password(PASSWORD)
    assert client.get("/settings/inboxes/").status_code == 200
    assert AuditEntry.objects.filter(action="agent.created", target_id=str(ada.pk)).exists()
    # and the setup is gone for good, even once no admin is left
    client.logout()
    assert client.get("/setup/").status_code == 404
    ada.is_active = False
    ada.save()
    assert client.get("/setup/").status_code == 404
    assert client.post("/setup/", form(token, username="mallory")).status_code == 404
    assert b"setup-link" not in client.get("/accounts/login/").content


def test_a_wrong_token_makes_nobody(client):
    response = client.post("/setup/", form("guessed-token-1234567890", username="mallory"))
    assert response.status_code == 400
    assert b"That setup token is not right" in response.content
    assert not get_user_model().objects.exists()
    assert client.get("/setup/").status_code == 200  # still open for the real owner


def test_an_installation_with_an_admin_has_no_setup(client):
    make_user("root", role="admin")
    assert client.get("/setup/").status_code == 404
    assert client.post("/setup/", form(first_run.setup_token(), username="mallory")).status_code == 404
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_the_token_can_come_from_the_environment_and_is_never_printed(client, settings, caplog):
    settings.WEBCARE_SETUP_TOKEN = "my-own-setup-token-0123456789"
    with caplog.at_level(logging.WARNING, logger="inbox.first_run"):
        assert first_run.setup_token_announce()
    assert "my-own-setup-token" not in caplog.text and "WEBCARE_SETUP_TOKEN" in caplog.text
    assert client.post("/setup/", form("not-it-0123456789012345")).status_code == 400
    assert client.post("/setup/", form("my-own-setup-token-0123456789")).status_code == 302


def test_the_token_is_derived_from_the_secret_key_not_stored():
    token = first_run.setup_token()
    assert first_run.setup_token() == token  # every server process derives the same one
    assert len(token) >= 32


@pytest.mark.parametrize("language", ["nl", "de", "en"])
def test_the_form_says_what_is_wrong_in_the_visitors_language(client, language):
    with translation.override(language):
        message = html.escape(translation.gettext("The two password fields didn’t match."))
    assert language == "en" or "match" not in message
    response = client.post(
        "/setup/", form(first_run.setup_token(), password2="something-else-42"), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_browsers_racing_with_the_token_make_one_admin():
    token = first_run.setup_token()
    results, barrier = [], threading.Barrier(2)

    def make(username):
        barrier.wait()
        try:
            first_run.first_admin_create(token=token, name="X", email="", username=username, password=PASSWORD)
            results.append("made")
        except first_run.SetupRefused as refused:
            results.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=make, args=(name,)) for name in ("ada", "bea")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["made", "setup_closed"]
    assert get_user_model().objects.count() == 1
