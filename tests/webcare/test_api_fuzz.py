"""Fuzzing the REST API from its own OpenAPI schema (schemathesis): every documented operation,
with generated paths, queries and bodies, as a signed-in agent. Never a 500; a refused request
changes nothing it should not (the access walk and the service tests check the rest)."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.factories import make_conversation, make_inbox, make_message, make_token, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(agent_token):
    # The WSGI handler closes the database connection after each request (as a server must);
    # inside a test transaction it must not, as Django's own test client arranges too.
    from django.core import signals
    from django.db import close_old_connections

    from webcare.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    # The schema is served to API tokens (and leads' sessions), not to anyone.
    yield schemathesis.openapi.from_wsgi("/api/schema/", application, headers={"Authorization": f"Token {agent_token}"})
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def agent_token(db):
    inbox = make_inbox("livechat", name="Fuzz")
    conversation = make_conversation(inbox)
    make_message(conversation, text="Hallo")
    return make_token(make_user("fuzzer", inboxes=[inbox]))


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),  # deeper: FUZZ_EXAMPLES=500
    deadline=None,
    derandomize="FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_api_operation_answers_500(case, agent_token):
    response = case.call(headers={"Authorization": f"Token {agent_token}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/reports/summary/?from=0001-01-01&to=0002-01-01",  # date arithmetic overflowed
        "/api/v1/reports/summary/?from=2026-01-01&to=2026-01-31&inbox=99999999999999999999",
        "/api/v1/conversations/?inbox=%C2%B2",  # "²" is a digit to str.isdigit, not to int()
        "/api/v1/conversations/?assignee=99999999999999999999",  # beyond bigint
        "/api/v1/contacts/?q=%00",  # PostgreSQL text cannot hold NUL
        "/contacts/?page=%C2%B2",
    ],
)
def test_what_the_fuzzer_found_is_a_clear_400_or_an_answer(client, agent_token, url):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="fuzzer"))
    response = client.get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code)
