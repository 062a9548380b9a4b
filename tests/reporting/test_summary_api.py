"""GET /api/v1/reports/summary/: every contract key, access, bad input."""

from datetime import date

import pytest

from reporting.rollup import inbox_day_rollup
from reporting.services import survey_response_record
from tests.factories import make_inbox, make_token, make_user

from .conftest import ams

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

URL = "/api/v1/reports/summary/"
CONTRACT = {
    "volume",
    "cases",
    "first_response",
    "resolution",
    "agents",
    "business_hours",
    "csat",
    "nps",
    "sentiment",
    "tags",
    "leads",
    "bots",
}


def authed(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    return api_client


@pytest.fixture
def filled(timeline):
    """Two inboxes on 31 March 2026: WhatsApp (Anna's) and Messenger (Ben's)."""
    whatsapp, messenger = make_inbox("whatsapp"), make_inbox("messenger", first_response_target_seconds=3600)
    anna, ben = make_user("anna", inboxes=[whatsapp]), make_user("ben", inboxes=[messenger])
    chat = timeline(whatsapp, assignee=anna).created(ams(2026, 3, 31, 10, 0))
    chat.customer(ams(2026, 3, 31, 10, 0), "Mijn pakket is beschadigd, echt slecht")
    chat.agent(ams(2026, 3, 31, 10, 10), anna)
    chat.conversation.tags.create(name="complaint")
    other = timeline(messenger, assignee=ben).created(ams(2026, 3, 31, 11, 0))
    other.customer(ams(2026, 3, 31, 11, 0), "Thanks, great service!")
    other.agent(ams(2026, 3, 31, 12, 0), ben)
    other.conversation.tags.create(name="lead")
    survey_response_record(conversation=chat.conversation, kind="csat", score=4, at=ams(2026, 3, 31, 13, 0))
    survey_response_record(conversation=other.conversation, kind="nps", score=9, at=ams(2026, 3, 31, 13, 0))
    for inbox in (whatsapp, messenger):
        inbox_day_rollup(inbox=inbox, day=date(2026, 3, 31), now=ams(2026, 4, 2, 12, 0))
    return {"whatsapp": whatsapp, "messenger": messenger, "anna": anna, "ben": ben}


def test_a_lead_gets_every_contract_key_with_real_numbers(api_client, filled):
    lead = make_user("lea", role="lead")
    response = authed(api_client, lead).get(URL, {"from": "2026-03-31", "to": "2026-03-31"})
    assert response.status_code == 200
    body = response.json()
    assert CONTRACT <= set(body)
    assert body["volume"]["whatsapp"] == {
        "conversations": 1,
        "public_conversations": 0,
        "private_conversations": 1,
        "messages_in": 1,
        "messages_out": 1,
        "share": 0.5,
    }
    assert set(body["cases"]) >= {"open", "pending", "snoozed", "resolved", "closed"}
    assert body["first_response"]["median_seconds"] == 2100  # (600 + 3600) / 2
    assert body["first_response"]["p90_seconds"] == 3300  # 600 + 0.9 * 3000
    assert body["first_response"]["mean_seconds"] == 2100
    assert body["first_response"]["within_target_share"] == 1.0  # 30 and 60 minute targets
    assert set(body["resolution"]) >= {"median_seconds", "p90_seconds", "mean_seconds"}
    agent = {row["name"]: row for row in body["agents"]}["anna"]
    assert {"id", "name", "conversations", "replies", "median_response_seconds", "within_target_share"} <= set(agent)
    assert agent["median_response_seconds"] == 600 and agent["csat"] == 4
    assert body["business_hours"] == {
        "inside": 4,
        "outside": 0,
        "customer_messages": {"inside": 2, "outside": 0},
        "conversations": {"inside": 2, "outside": 0},
    }  # no schedule: always open
    assert body["csat"]["average"] == 4 and body["csat"]["responses"] == 1
    assert {k: body["nps"][k] for k in ("score", "promoters", "passives", "detractors")} == {
        "score": 100.0,
        "promoters": 1,
        "passives": 0,
        "detractors": 0,
    }
    assert body["sentiment"]["positive"] == 0.5 and body["sentiment"]["negative"] == 0.5
    assert body["tags"] == {"complaint": 1, "lead": 1}
    assert body["leads"] == {"messenger": 1, "whatsapp": 0}
    assert body["bots"] == {"handled": 0, "handed_over": 0}


def test_filters_narrow_every_figure(api_client, filled):
    client = authed(api_client, make_user("lea", role="lead"))
    by_tag = client.get(URL, {"from": "2026-03-31", "to": "2026-03-31", "tag": "complaint"}).json()
    assert by_tag["first_response"]["median_seconds"] == 600
    assert by_tag["volume"]["messenger"]["messages_in"] == 0
    by_channel = client.get(URL, {"from": "2026-03-31", "to": "2026-03-31", "channel": "messenger"}).json()
    assert set(by_channel["volume"]) == {"messenger"}
    assert by_channel["nps"]["promoters"] == 1 and by_channel["csat"]["responses"] == 0
    by_agent = client.get(URL, {"from": "2026-03-31", "to": "2026-03-31", "agent": filled["ben"].pk}).json()
    assert by_agent["first_response"]["median_seconds"] == 3600


def test_an_agent_sees_only_their_inboxes(api_client, filled):
    client = authed(api_client, filled["anna"])
    body = client.get(URL, {"from": "2026-03-31", "to": "2026-03-31"}).json()
    assert set(body["volume"]) == {"whatsapp"}
    assert body["first_response"]["median_seconds"] == 600
    assert body["nps"]["responses"] == 0
    hidden = client.get(URL, {"from": "2026-03-31", "to": "2026-03-31", "inbox": filled["messenger"].pk})
    assert hidden.status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"from": "2026-03-31"},
        {"from": "31-03-2026", "to": "2026-03-31"},
        {"from": "2026-04-01", "to": "2026-03-31"},
        {"from": "2024-01-01", "to": "2026-03-31"},
        {"from": "2026-03-31", "to": "2026-03-31", "inbox": "x"},
    ],
)
def test_bad_dates_are_400(api_client, params):
    response = authed(api_client, make_user("lea", role="lead")).get(URL, params)
    assert response.status_code == 400


def test_anonymous_is_refused(api_client):
    assert api_client.get(URL, {"from": "2026-03-31", "to": "2026-03-31"}).status_code in (401, 403)
