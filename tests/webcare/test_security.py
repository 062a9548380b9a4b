"""The agent UI's Content-Security-Policy and login throttling against password guessing."""

import pytest

from tests.factories import make_user
from webcare import security

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture(autouse=True)
def _empty_failure_counts():
    from django.core.cache import cache

    from webcare.security import _key

    # Failure counts live in the shared cache (Redis in CI): forget only this file's, never
    # flush what parallel tests keep there.
    cache.delete_many([_key("user", name) for name in ("anna", "ben", "zoe")] + [_key("addr", "127.0.0.1")])


def test_agent_pages_forbid_inline_and_foreign_scripts(client):
    client.force_login(make_user("anna"))
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    # the login page too, and JSON answers need none
    assert "script-src 'self'" in client.get("/accounts/login/")["Content-Security-Policy"]
    assert "Content-Security-Policy" not in client.get("/healthz")


def test_the_widget_demo_page_is_left_to_the_widget(client, settings):
    settings.DEBUG = True
    response = client.get("/livechat/demo/")
    assert "Content-Security-Policy" not in response or "script-src 'self'" not in response["Content-Security-Policy"]


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_username_even_for_the_right_password(client):
    make_user("anna", password="right-password-1")
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME):
        assert login(client, "anna", "guess").status_code == 200  # the form again, with an error
    locked = login(client, "anna", "right-password-1")
    assert locked.status_code == 200
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # the lock is per username: a colleague signs in as usual
    make_user("ben", password="bens-password-1")
    assert login(client, "ben", "bens-password-1").status_code == 302


def test_a_successful_sign_in_forgets_earlier_failures(client):
    make_user("anna", password="right-password-1")
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME - 1):
        login(client, "anna", "guess")
    assert login(client, "anna", "right-password-1").status_code == 302
    client.logout()
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME - 1):
        login(client, "anna", "guess")
    assert login(client, "anna", "right-password-1").status_code == 302


def test_one_address_guessing_many_usernames_is_stopped(client, settings):
    settings.WEBCARE_LOGIN_FAILURES_PER_ADDRESS = 6
    make_user("zoe", password="zoes-password-1")
    for name in ("a", "b", "c", "d", "e", "f"):
        login(client, name, "guess")
    refused = login(client, "zoe", "zoes-password-1")
    assert "Too many failed sign-ins" in refused.content.decode()
