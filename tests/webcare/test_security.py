"""The agent UI's Content-Security-Policy and login throttling against password guessing."""

import threading
import uuid
from types import SimpleNamespace

import pytest
from django.test import RequestFactory, override_settings

from tests.factories import make_user
from webcare import security

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture
def names():
    """Usernames and an address of this test alone. Failure counts live in the cache (Redis in
    CI), which other test processes on the machine share: a test that used "anna" and
    127.0.0.1 could be locked, or unlocked, by another."""
    tag = uuid.uuid4().hex[:8]
    return SimpleNamespace(
        anna=f"anna-{tag}",
        ben=f"ben-{tag}",
        zoe=f"zoe-{tag}",
        address=f"2001:db8::{tag[:4]}:{tag[4:]}",
        other_address=f"2001:db8::1:{tag[:4]}:{tag[4:]}",
    )


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


def login(client, username, password, address):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_username_even_for_the_right_password(client, names):
    make_user(names.anna, password="right-password-1")
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME):
        assert login(client, names.anna, "guess", names.address).status_code == 200  # the form again, with an error
    locked = login(client, names.anna, "right-password-1", names.address)
    assert locked.status_code == 200
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # the lock is per username: a colleague signs in as usual
    make_user(names.ben, password="bens-password-1")
    assert login(client, names.ben, "bens-password-1", names.address).status_code == 302


def test_a_successful_sign_in_forgets_earlier_failures(client, names):
    make_user(names.anna, password="right-password-1")
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME - 1):
        login(client, names.anna, "guess", names.address)
    assert login(client, names.anna, "right-password-1", names.address).status_code == 302
    client.logout()
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME - 1):
        login(client, names.anna, "guess", names.address)
    assert login(client, names.anna, "right-password-1", names.address).status_code == 302


def test_one_address_guessing_many_usernames_is_stopped(client, settings, names):
    settings.WEBCARE_LOGIN_FAILURES_PER_ADDRESS = 6
    make_user(names.zoe, password="zoes-password-1")
    for name in ("a", "b", "c", "d", "e", "f"):
        login(client, f"{name}-{names.zoe}", "guess", address=names.address)
    refused = login(client, names.zoe, "zoes-password-1", address=names.address)
    assert "Too many failed sign-ins" in refused.content.decode()
    # from another address the same user signs in
    assert login(client, names.zoe, "zoes-password-1", names.other_address).status_code == 302


def test_guesses_sent_in_parallel_are_each_counted(names):
    """A guesser who sends 40 attempts at once gets no more tries than one who waits for each
    answer: every failure is counted."""
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=names.address)
    start = threading.Barrier(8)

    def guess_five():
        start.wait()
        for _ in range(5):
            security.login_failed(request, names.anna)

    threads = [threading.Thread(target=guess_five) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with override_settings(WEBCARE_LOGIN_FAILURES_PER_USERNAME=40, WEBCARE_LOGIN_FAILURES_PER_ADDRESS=40):
        assert security.login_locked_for(request, names.anna) > 14 * 60
    with override_settings(WEBCARE_LOGIN_FAILURES_PER_USERNAME=41, WEBCARE_LOGIN_FAILURES_PER_ADDRESS=41):
        assert security.login_locked_for(request, names.anna) == 0
