"""The REST API's gatekeeping: the schema only for integrators and leads, request rates per
user, and failed API tokens limited per address before any token is looked up.

Each test speaks from addresses of its own (2001:db8::/32, the documentation range) and gets
counters of its own (tests/conftest.py), since test processes share one Redis."""

import pytest
from rest_framework.test import APIClient

from tests.factories import make_inbox, make_token, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def client_from(address: str, *, token: str = "") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_the_schema_is_for_api_tokens_and_leads_not_for_anyone():
    inbox = make_inbox("livechat")
    agent, lead = make_user(inboxes=[inbox]), make_user(role="lead")

    assert client_from("2001:db8::5c:1").get("/api/schema/").status_code == 401
    agent_browser = client_from("2001:db8::5c:1")
    agent_browser.force_login(agent)
    assert agent_browser.get("/api/schema/").status_code == 403

    by_token = client_from("2001:db8::5c:1", token=make_token(agent)).get("/api/schema/")
    assert by_token.status_code == 200 and b"/api/v1/conversations/" in by_token.content
    lead_browser = client_from("2001:db8::5c:1")
    lead_browser.force_login(lead)
    assert lead_browser.get("/api/schema/").status_code == 200


def test_api_requests_are_limited_per_user_with_retry_after(settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "3/day"}  # no window ends mid-test
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    annas_token, berts_token = make_token(make_user()), make_token(make_user())
    annas = client_from("2001:db8::7a:1", token=annas_token)

    assert [annas.get("/api/v1/conversations/").status_code for _ in range(3)] == [200, 200, 200]
    refused = annas.get("/api/v1/conversations/")
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 24 * 3600
    # The limit is Anna's, wherever she asks from; Bert, from the same address, is not held up.
    assert client_from("2001:db8::7a:2", token=annas_token).get("/api/v1/conversations/").status_code == 429
    assert client_from("2001:db8::7a:1", token=berts_token).get("/api/v1/conversations/").status_code == 200


def test_failed_tokens_are_limited_per_address_before_any_lookup(settings, django_assert_num_queries):
    settings.WEBCARE_API_TOKEN_FAILURES_PER_ADDRESS = 3
    settings.WEBCARE_API_TOKEN_LOCK_SECONDS = 600
    good = make_token(make_user())
    guesser = "2001:db8::70:1"

    for attempt in range(3):
        assert client_from(guesser, token=f"wrong-{attempt}").get("/api/v1/conversations/").status_code == 401
    with django_assert_num_queries(0):  # the token table is not even asked
        refused = client_from(guesser, token="wrong-4").get("/api/v1/conversations/")
    assert refused.status_code == 429 and 590 <= int(refused["Retry-After"]) <= 600
    # A right token from that address waits too: guessing right gains nothing during the lock.
    assert client_from(guesser, token=good).get("/api/v1/conversations/").status_code == 429
    # Other addresses are not held up.
    assert client_from("2001:db8::70:2", token=good).get("/api/v1/conversations/").status_code == 200
    assert client_from("2001:db8::70:3", token="wrong").get("/api/v1/conversations/").status_code == 401
