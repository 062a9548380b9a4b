"""REST API of the contract: shapes, filters, replies through the outbox and inbox scoping."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import ContactMerge
from inbox.ingest import message_ingest
from inbox.models import ConversationEvent, Message
from tests.factories import inbound, make_inbox, make_token, make_user

pytestmark = pytest.mark.django_db

CONVERSATION_KEYS = {"id", "inbox", "channel", "status", "contact", "assignee", "tags", "last_message_at", "created_at"}
MESSAGE_KEYS = {
    "id",
    "direction",
    "sender_type",
    "kind",
    "text",
    "attachments",
    "status",
    "error",
    "external_id",
    "private",
    "created_at",
}


@pytest.fixture
def world(api_client):
    inbox_a, inbox_b = make_inbox("livechat", name="A"), make_inbox("whatsapp", name="B")
    anna = make_user("anna", inboxes=[inbox_a])
    mine = message_ingest(inbox=inbox_a, inbound=inbound("a1", sender_id="v1", name="Sanne", phone="0612345678"))
    theirs = message_ingest(inbox=inbox_b, inbound=inbound("b1", sender_id="31699999999", phone="31699999999"))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(anna)}")
    return {
        "anna": anna,
        "a": inbox_a,
        "b": inbox_b,
        "mine": mine.message.conversation,
        "theirs": theirs.message.conversation,
    }


@pytest.mark.smoke
def test_requests_without_a_valid_token_are_unauthorized(api_client):
    assert api_client.get("/api/v1/conversations/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert api_client.get("/api/v1/conversations/").status_code == 401


@pytest.mark.smoke
def test_conversation_list_has_the_contract_shape_and_only_my_inboxes(api_client, world):
    body = api_client.get("/api/v1/conversations/").json()
    assert set(body) >= {"results", "next"}
    assert [c["id"] for c in body["results"]] == [world["mine"].pk]
    item = body["results"][0]
    assert set(item) >= CONVERSATION_KEYS
    assert item["channel"] == "livechat"
    assert item["contact"] == {"id": world["mine"].contact_id, "name": "Sanne", "phone": "+31612345678", "email": ""}


def test_conversation_filters(api_client, world):
    lead = make_user("lea", role="lead")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(lead)}")
    ids = lambda query: [c["id"] for c in api_client.get(f"/api/v1/conversations/?{query}").json()["results"]]  # noqa: E731
    assert ids(f"inbox={world['b'].pk}") == [world["theirs"].pk]
    assert ids("channel=livechat") == [world["mine"].pk]
    assert ids("status=resolved") == []
    assert ids(f"contact={world['theirs'].contact_id}") == [world["theirs"].pk]
    assert set(ids("assignee=none")) == {world["mine"].pk, world["theirs"].pk}
    assert api_client.get("/api/v1/conversations/?inbox=abc").status_code == 400


def test_the_list_runs_a_fixed_number_of_queries(api_client, world):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            api_client.get("/api/v1/conversations/")
        return len(captured)

    before = queries()
    for n in range(10):
        message_ingest(inbox=world["a"], inbound=inbound(f"n{n}", sender_id=f"visitor{n}"))
    assert queries() == before


@pytest.mark.smoke
def test_patch_changes_status_assignee_and_tags_and_records_events(api_client, world):
    url = f"/api/v1/conversations/{world['mine'].pk}/"
    response = api_client.patch(
        url, {"status": "resolved", "assignee": world["anna"].pk, "tags": ["complaint"]}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "resolved" and body["assignee"]["id"] == world["anna"].pk and body["tags"] == ["complaint"]
    kinds = set(ConversationEvent.objects.filter(conversation=world["mine"]).values_list("kind", flat=True))
    assert {"status_changed", "assigned", "tag_added"} <= kinds


def test_patch_refuses_bad_values(api_client, world):
    outsider = make_user("olaf", inboxes=[world["b"]])
    url = f"/api/v1/conversations/{world['mine'].pk}/"
    assert api_client.patch(url, {"status": "exploded"}, format="json").status_code == 400
    assert api_client.patch(url, {"assignee": outsider.pk}, format="json").status_code == 400


@pytest.mark.smoke
def test_messages_oldest_first_with_the_contract_keys(api_client, world):
    message_ingest(inbox=world["a"], inbound=inbound("a2", sender_id="v1", text="second"))
    results = api_client.get(f"/api/v1/conversations/{world['mine'].pk}/messages/").json()["results"]
    assert [m["text"] for m in results][-1] == "second"
    assert set(results[0]) >= MESSAGE_KEYS
    assert results[0]["direction"] == "in" and results[0]["sender_type"] == "contact"


@pytest.mark.smoke
def test_posting_a_reply_sends_it_through_the_channel(api_client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            f"/api/v1/conversations/{world['mine'].pk}/messages/", {"text": "Hoi!"}, format="json"
        )
    assert response.status_code == 201
    reply = Message.objects.get(pk=response.json()["id"])
    assert reply.direction == "out" and reply.author == world["anna"] and reply.status == "sent"


def test_a_private_note_via_the_api_is_never_sent(api_client, world):
    response = api_client.post(
        f"/api/v1/conversations/{world['mine'].pk}/messages/", {"text": "VIP", "private": True}, format="json"
    )
    assert response.status_code == 201 and response.json()["private"] is True
    assert Message.objects.get(pk=response.json()["id"]).attempts == 0


def test_an_empty_reply_is_refused(api_client, world):
    url = f"/api/v1/conversations/{world['mine'].pk}/messages/"
    assert api_client.post(url, {"text": "  "}, format="json").status_code == 400


@pytest.mark.smoke
@pytest.mark.parametrize(
    "method, path, body",
    [
        ("get", "/api/v1/conversations/{theirs}/", None),
        ("patch", "/api/v1/conversations/{theirs}/", {"status": "resolved"}),
        ("get", "/api/v1/conversations/{theirs}/messages/", None),
        ("post", "/api/v1/conversations/{theirs}/messages/", {"text": "hi"}),
        ("get", "/api/v1/contacts/{their_contact}/", None),
        ("post", "/api/v1/contacts/{my_contact}/merge/", {"other": "{their_contact}"}),
    ],
)
def test_another_inbox_is_not_found(api_client, world, method, path, body):
    ids = {
        "theirs": world["theirs"].pk,
        "their_contact": world["theirs"].contact_id,
        "my_contact": world["mine"].contact_id,
    }
    if body and "other" in body:
        body = {"other": ids["their_contact"]}
    response = getattr(api_client, method)(path.format(**ids), body, format="json")
    assert response.status_code == 404
    assert not Message.objects.filter(conversation=world["theirs"], direction="out").exists()
    assert not ContactMerge.objects.exists()


def test_leads_and_admins_see_everything_and_inactive_users_nothing(api_client, world):
    for role in ("lead", "admin"):
        user = make_user(f"{role}-user", role=role)
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
        assert len(api_client.get("/api/v1/conversations/").json()["results"]) == 2
    world["anna"].is_active = False
    world["anna"].save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {world['anna'].auth_token.key}")
    assert api_client.get("/api/v1/conversations/").status_code == 401


@pytest.mark.smoke
@pytest.mark.parametrize("typed", ["06-12345678", "+31 6 12345678", "0031612345678"])
def test_contacts_are_found_by_phone_in_any_format(api_client, world, typed):
    results = api_client.get("/api/v1/contacts/", {"phone": typed}).json()["results"]
    assert [c["id"] for c in results] == [world["mine"].contact_id]
    assert results[0]["identities"] == [{"channel": "livechat", "external_id": "v1", "display_name": "Sanne"}]


def test_contact_detail_lists_conversations_and_merge_moves_them(api_client, world):
    other = message_ingest(inbox=world["a"], inbound=inbound("a9", sender_id="v9", name="Sanne dV")).message
    survivor_id = world["mine"].contact_id
    response = api_client.post(
        f"/api/v1/contacts/{survivor_id}/merge/", {"other": other.conversation.contact_id}, format="json"
    )
    assert response.status_code == 200
    detail = api_client.get(f"/api/v1/contacts/{survivor_id}/").json()
    assert {c["id"] for c in detail["conversations"]} == {world["mine"].pk, other.conversation_id}
    assert ContactMerge.objects.filter(survivor_id=survivor_id).exists()
    assert (
        api_client.post(f"/api/v1/contacts/{survivor_id}/merge/", {"other": survivor_id}, format="json").status_code
        == 400
    )


def test_contacts_search_by_name(api_client, world):
    results = api_client.get("/api/v1/contacts/", {"q": "sann"}).json()["results"]
    assert [c["name"] for c in results] == ["Sanne"]


def test_the_openapi_schema_lists_the_api(api_client, world):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/conversations/", "/api/v1/conversations/{id}/messages/", "/api/v1/contacts/{id}/merge/"} <= set(
        paths
    )
