"""The agent UI's Content-Security-Policy, and login and password-reset throttling against
guessing."""

import threading
import time
import uuid
from types import SimpleNamespace

import pytest
from django.test import RequestFactory, override_settings
from django.utils import translation

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
    counted = {"WEBCARE_LOGIN_FAILURES_PER_USERNAME": 40, "WEBCARE_LOGIN_FAILURES_PER_ADDRESS": 40}
    with override_settings(**counted, WEBCARE_LOGIN_SLOWDOWN_AFTER=100):
        assert security.login_locked_for(request, names.anna) > 14 * 60
    one_more = {"WEBCARE_LOGIN_FAILURES_PER_USERNAME": 41, "WEBCARE_LOGIN_FAILURES_PER_ADDRESS": 41}
    with override_settings(**one_more, WEBCARE_LOGIN_SLOWDOWN_AFTER=100):
        assert security.login_locked_for(request, names.anna) == 0
    # the username's count across addresses saw all 40 too
    with override_settings(**one_more, WEBCARE_LOGIN_SLOWDOWN_AFTER=40):
        assert security.login_locked_for(request, names.anna) > 0
    with override_settings(**one_more, WEBCARE_LOGIN_SLOWDOWN_AFTER=41):
        assert security.login_locked_for(request, names.anna) == 0


def test_failures_from_one_address_do_not_lock_the_user_out_everywhere(client, names):
    """Anyone may type a colleague's username wrongly five times: that locks that username at
    that address only, not the colleague at their own desk."""
    make_user(names.anna, password="right-password-1")
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME):
        login(client, names.anna, "guess", names.other_address)

    assert "Too many failed sign-ins" in login(client, names.anna, "guess", names.other_address).content.decode()
    assert login(client, names.anna, "right-password-1", names.address).status_code == 302


def test_guessing_from_many_addresses_only_slows_the_username_down(client, settings, names):
    settings.WEBCARE_LOGIN_SLOWDOWN_AFTER = 3
    make_user(names.anna, password="right-password-1")
    assert login(client, names.anna, "right-password-1", names.address).status_code == 302  # her own desk
    client.logout()
    for n in range(3):
        login(client, names.anna, "guess", f"2001:db8::ff:{n}")

    # a further attempt from yet another address waits a few seconds, and is told so
    slowed = login(client, names.anna, "right-password-1", "2001:db8::ff:99").content.decode()
    assert "Try again in 2 seconds" in slowed
    # from the address where she signed in before, she is not slowed down at all
    assert login(client, names.anna, "right-password-1", names.address).status_code == 302
    client.logout()
    # and never locked out: after the short wait, the right password works from anywhere
    time.sleep(2.1)
    assert login(client, names.anna, "right-password-1", "2001:db8::ff:99").status_code == 302


@pytest.mark.parametrize(
    ("language", "seconds", "expected"),
    [("nl", 12, "12 seconden"), ("de", 12, "12 Sekunden"), ("nl", 720, "12 minuten"), ("de", 720, "12 Minuten")],
)
def test_the_remaining_wait_is_shown_in_the_agents_language(language, seconds, expected):
    with translation.override(language):
        assert expected in security.wait_message(seconds)


def test_forged_forwarded_addresses_share_the_peers_limit(client, settings, names):
    settings.WEBCARE_LOGIN_FAILURES_PER_ADDRESS = 3
    settings.TRUSTED_PROXIES = []
    make_user(names.zoe, password="zoes-password-1")
    for n in range(3):
        client.post(
            "/accounts/login/",
            {"username": f"{n}-{names.zoe}", "password": "guess"},
            REMOTE_ADDR=names.address,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    refused = client.post(
        "/accounts/login/",
        {"username": names.zoe, "password": "zoes-password-1"},
        REMOTE_ADDR=names.address,
        HTTP_X_FORWARDED_FOR="203.0.113.200",
    )
    assert "Too many failed sign-ins" in refused.content.decode()


def test_password_reset_mails_are_limited_without_telling(client, settings, names, mailoutbox):
    settings.WEBCARE_PASSWORD_RESETS_PER_EMAIL = 2
    email = f"{names.anna}@example.com"
    user = make_user(names.anna, password="right-password-1")
    user.email = email
    user.save()

    answers = [
        client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=f"2001:db8::ee:{n}") for n in range(4)
    ]

    assert [answer.status_code for answer in answers] == [302] * 4
    assert {answer["Location"] for answer in answers} == {"/accounts/password_reset/done/"}
    assert len(mailoutbox) == 2


def test_password_reset_requests_from_one_address_are_limited(client, settings, names, mailoutbox):
    settings.WEBCARE_PASSWORD_RESETS_PER_ADDRESS = 2
    for name in (names.anna, names.ben, names.zoe):
        user = make_user(name, password="right-password-1")
        user.email = f"{name}@example.com"
        user.save()

    for name in (names.anna, names.ben, names.zoe):
        answer = client.post("/accounts/password_reset/", {"email": f"{name}@example.com"}, REMOTE_ADDR=names.address)
        assert answer.status_code == 302

    assert len(mailoutbox) == 2
