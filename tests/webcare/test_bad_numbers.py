"""Numbers and ids from a URL or query string: a value that is no ASCII id (`²`, `٣`, a number
past a bigint) is refused with a 4xx or ignored, never a 500 (a debug page under DEBUG=1)."""

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from tests.factories import make_conversation, make_inbox, make_token, make_user

pytestmark = pytest.mark.django_db

BAD = ["²", "٣", "99999999999999999999999", "-1", "0", "1e3", "abc", " 1", "1\u00a0", ""]
HUGE = "99999999999999999999999"

PAGES = [
    "/",
    "/inbox/list/",
    "/inbox/canned/",
    "/inbox/search/",
    "/contacts/",
    "/contacts/export.csv",
    "/contacts/suggestions/",
    "/reports/",
    "/reports/export/conversations.csv",
    "/reports/export/agents.csv",
    "/reports/quality/",
    "/reports/my-reviews/",
    "/automation/knowledge/",
    "/automation/rules/",
    "/livechat/inboxes/",
]
API = ["/api/v1/conversations/", "/api/v1/contacts/", "/api/v1/search/", "/api/v1/reports/summary/"]
KEYS = ["c", "m", "inbox", "team", "page", "agent", "contact", "assignee", "limit", "tag", "q"]
DATES = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def lead():
    inbox = make_inbox("whatsapp")
    user = make_user("lea", role="lead", inboxes=[inbox])
    make_conversation(inbox)
    return user


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize("key", KEYS)
def test_a_bad_number_in_the_query_is_never_a_server_error(lead, key, value):
    client = Client(raise_request_exception=False)
    client.force_login(lead)
    failures = []
    for url in PAGES:
        status = client.get(url, {**DATES, key: value}).status_code
        if status >= 500:
            failures.append((url, status))
    api = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {make_token(lead)}")
    for url in API:
        status = api.get(url, {**DATES, key: value}).status_code
        if status >= 500:
            failures.append((url, status))
    assert failures == []


def test_the_reported_inbox_list_values_are_400_or_ignored(lead):
    client = Client(raise_request_exception=False)
    client.force_login(lead)
    conversation = make_conversation(lead.inboxes.get())
    for query in ({"page": "²"}, {"inbox": HUGE}, {"team": HUGE}, {"page": HUGE}, {"c": "²"}, {"c": HUGE}):
        assert client.get("/inbox/list/", query).status_code in (200, 400), query
        assert client.get("/", query).status_code in (200, 400), query
    for value in ("²", HUGE):
        assert client.get("/", {"c": conversation.pk, "m": value}).status_code == 200
        assert client.get(f"/inbox/conversations/{conversation.pk}/", {"m": value}).status_code == 200


def _int_routes():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return sorted({r for r in walk(get_resolver().url_patterns) if "<int:" in r and not r.startswith("admin/")})


@pytest.mark.parametrize("route", _int_routes())
def test_an_id_past_a_bigint_in_the_path_is_a_404(lead, route):
    client = Client(raise_request_exception=False)
    client.force_login(lead)
    url = "/" + re.sub(r"<int:\w+>", HUGE, route)
    url = re.sub(r"<(str|slug):\w+>", "x", url)
    assert client.get(url).status_code < 500
    assert client.post(url).status_code < 500
