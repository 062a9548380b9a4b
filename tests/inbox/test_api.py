"""REST API for conversations and messages (docs/api.md): shapes, filters, paging,
ordering, a fixed number of queries, changes recorded as events, replies through the outbox,
and inbox scoping (whatever lies outside an agent's inboxes is 404)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.merging import contact_merge
from inbox.ingest import message_ingest
from inbox.models import Attachment, ConversationEvent, Message, Tag
from tests.factories import inbound, make_inbox, make_message, make_token, make_user

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
ATTACHMENT_KEYS = {"kind", "url", "mime_type", "filename", "size"}


def conversation_from(inbox, *, sender_id: str, at=None, **profile):
    """A conversation made the way customers make them: through the one ingest path."""
    return message_ingest(inbox=inbox, inbound=inbound(sender_id=sender_id, at=at, **profile)).message.conversation


def use_token(api_client, user) -> None:
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")


def listed_ids(api_client, query: str = "") -> list[int]:
    response = api_client.get(f"/api/v1/conversations/?{query}")
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def world(api_client):
    """Inbox A (live chat) with agent Anna; inbox B (WhatsApp) with agent Bert; one
    conversation in each. The client speaks as Anna."""
    a, b = make_inbox("livechat", name="Website"), make_inbox("whatsapp", name="Support number")
    anna = make_user("anna", inboxes=[a])
    bert = make_user("bert", inboxes=[b])
    mine = conversation_from(a, sender_id="visitor-1", name="Sanne", phone="06-12345678")
    theirs = conversation_from(b, sender_id="31699999999", name="Secret Sam", phone="31699999999")
    use_token(api_client, anna)
    return SimpleNamespace(a=a, b=b, anna=anna, bert=bert, mine=mine, theirs=theirs)


# --- the conversation list --------------------------------------------------------------------


@pytest.mark.smoke
def test_conversation_items_have_the_contract_shape(api_client, world):
    # when
    body = api_client.get("/api/v1/conversations/").json()

    # then
    assert {"results", "next"} <= set(body)
    [item] = body["results"]
    assert CONVERSATION_KEYS <= set(item)
    assert item["id"] == world.mine.pk
    assert item["inbox"] == world.a.pk
    assert item["channel"] == "livechat"
    assert item["status"] == "open"
    assert item["contact"] == {"id": world.mine.contact_id, "name": "Sanne", "phone": "+31612345678", "email": ""}
    assert item["assignee"] is None
    assert item["tags"] == []
    assert item["last_message_at"] and item["created_at"]


def test_the_list_is_paginated_with_results_and_next(api_client, world):
    # given: 51 conversations in Anna's inbox (the page size is 50)
    for n in range(50):
        conversation_from(world.a, sender_id=f"visitor-page-{n}")

    # when
    first = api_client.get("/api/v1/conversations/").json()
    second = api_client.get(first["next"]).json()

    # then
    assert len(first["results"]) == 50
    assert first["next"]
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert len({c["id"] for c in first["results"] + second["results"]}) == 51


def test_the_list_is_ordered_by_last_activity_newest_first(api_client, world, django_capture_on_commit_callbacks):
    # given: conversations whose last activity is not in the order they were created
    now = timezone.now()
    three_hours = conversation_from(world.a, sender_id="v-3h", at=now - timedelta(hours=3))
    one_hour = conversation_from(world.a, sender_id="v-1h", at=now - timedelta(hours=1))
    two_hours = conversation_from(world.a, sender_id="v-2h", at=now - timedelta(hours=2))
    assert listed_ids(api_client) == [world.mine.pk, one_hour.pk, two_hours.pk, three_hours.pk]

    # when: an agent replies in the quietest one
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(f"/api/v1/conversations/{three_hours.pk}/messages/", {"text": "Sorry!"}, format="json")

    # then: it moves to the top
    assert listed_ids(api_client) == [three_hours.pk, world.mine.pk, one_hour.pk, two_hours.pk]


@pytest.fixture
def filtered(api_client, world):
    """Three more conversations that differ in one filterable property each; the client is a lead."""
    both_channels = {"name": "Joris", "phone": "+31687654321"}
    assigned = conversation_from(world.a, sender_id="visitor-assigned")
    on_whatsapp = conversation_from(world.b, sender_id="31687654321", details_verified=True, **both_channels)
    on_livechat = conversation_from(world.a, sender_id="visitor-joris", **both_channels)
    # one contact on two channels: an agent merged the visitor who typed his number
    contact_merge(survivor=on_whatsapp.contact, other=on_livechat.contact)
    on_livechat.refresh_from_db()
    lead = make_user("lea", role="lead")
    api_client.patch(f"/api/v1/conversations/{assigned.pk}/", {"assignee": world.anna.pk}, format="json")
    api_client.patch(f"/api/v1/conversations/{on_livechat.pk}/", {"status": "pending"}, format="json")
    use_token(api_client, lead)
    return SimpleNamespace(
        assigned=assigned, on_whatsapp=on_whatsapp, on_livechat=on_livechat, joris=on_whatsapp.contact
    )


def test_the_list_filters_by_inbox_status_assignee_channel_and_contact(api_client, world, filtered):
    # given
    everything = {
        world.mine.pk,
        world.theirs.pk,
        filtered.assigned.pk,
        filtered.on_whatsapp.pk,
        filtered.on_livechat.pk,
    }
    assert filtered.on_livechat.contact_id == filtered.joris.pk

    # when / then
    assert set(listed_ids(api_client)) == everything
    assert set(listed_ids(api_client, f"inbox={world.b.pk}")) == {world.theirs.pk, filtered.on_whatsapp.pk}
    assert set(listed_ids(api_client, "status=pending")) == {filtered.on_livechat.pk}
    assert set(listed_ids(api_client, "status=resolved")) == set()
    assert set(listed_ids(api_client, f"assignee={world.anna.pk}")) == {filtered.assigned.pk}
    assert set(listed_ids(api_client, "assignee=none")) == everything - {filtered.assigned.pk}
    assert set(listed_ids(api_client, "channel=whatsapp")) == {world.theirs.pk, filtered.on_whatsapp.pk}
    assert set(listed_ids(api_client, f"contact={filtered.joris.pk}")) == {
        filtered.on_whatsapp.pk,
        filtered.on_livechat.pk,
    }
    assert set(listed_ids(api_client, f"inbox={world.a.pk}&status=open&assignee=none")) == {world.mine.pk}


@pytest.mark.parametrize("query", ["inbox=abc", "contact=x1", "assignee=anna"])
def test_a_filter_that_is_not_an_id_is_a_bad_request(api_client, world, query):
    assert api_client.get(f"/api/v1/conversations/?{query}").status_code == 400


def test_the_list_runs_the_same_number_of_queries_for_3_or_30_conversations(api_client, world):
    # given: conversations with what the items show (contact, assignee, tags)
    def grow_to(total: int) -> None:
        for n in range(len(listed_ids(api_client)), total):
            conversation = conversation_from(world.a, sender_id=f"visitor-q{n}", name=f"Customer {n}")
            api_client.patch(
                f"/api/v1/conversations/{conversation.pk}/",
                {"assignee": world.anna.pk, "tags": ["billing", f"tag-{n}"]},
                format="json",
            )

    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get("/api/v1/conversations/").status_code == 200
        return len(captured)

    # when
    grow_to(3)
    with_3 = queries_for_the_list()
    grow_to(30)
    with_30 = queries_for_the_list()

    # then
    assert len(listed_ids(api_client)) == 30
    assert with_30 == with_3


# --- one conversation: read and change ----------------------------------------------------------


def test_conversation_detail_has_the_list_shape(api_client, world):
    body = api_client.get(f"/api/v1/conversations/{world.mine.pk}/").json()
    assert CONVERSATION_KEYS <= set(body)
    assert body["id"] == world.mine.pk and body["channel"] == "livechat"


@pytest.mark.smoke
def test_changing_the_status_records_a_status_changed_event(api_client, world):
    # when
    response = api_client.patch(f"/api/v1/conversations/{world.mine.pk}/", {"status": "resolved"}, format="json")

    # then
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resolved"
    world.mine.refresh_from_db()
    assert world.mine.status == "resolved" and world.mine.resolved_at is not None
    event = ConversationEvent.objects.get(conversation=world.mine, kind="status_changed")
    assert event.actor == world.anna
    assert event.data == {"from": "open", "to": "resolved"}


def test_setting_the_same_status_again_records_nothing(api_client, world):
    url = f"/api/v1/conversations/{world.mine.pk}/"
    api_client.patch(url, {"status": "pending"}, format="json")

    response = api_client.patch(url, {"status": "pending"}, format="json")

    assert response.status_code == 200
    assert ConversationEvent.objects.filter(conversation=world.mine, kind="status_changed").count() == 1


def test_assigning_a_member_of_the_inbox_records_an_assigned_event(api_client, world):
    # given
    colleague = make_user("carla", inboxes=[world.a])

    # when
    response = api_client.patch(f"/api/v1/conversations/{world.mine.pk}/", {"assignee": colleague.pk}, format="json")

    # then
    assert response.status_code == 200, response.content
    assert response.json()["assignee"]["id"] == colleague.pk
    world.mine.refresh_from_db()
    assert world.mine.assignee == colleague
    event = ConversationEvent.objects.get(conversation=world.mine, kind="assigned")
    assert event.actor == world.anna and event.data == {"from": None, "to": colleague.pk}


def test_assignee_null_unassigns(api_client, world):
    url = f"/api/v1/conversations/{world.mine.pk}/"
    api_client.patch(url, {"assignee": world.anna.pk}, format="json")

    response = api_client.patch(url, {"assignee": None}, format="json")

    assert response.status_code == 200 and response.json()["assignee"] is None
    world.mine.refresh_from_db()
    assert world.mine.assignee is None
    assert ConversationEvent.objects.filter(conversation=world.mine, kind="assigned").count() == 2


def test_assigning_an_agent_who_is_not_a_member_of_the_inbox_is_refused(api_client, world):
    # when: Bert works in inbox B only
    response = api_client.patch(f"/api/v1/conversations/{world.mine.pk}/", {"assignee": world.bert.pk}, format="json")

    # then: the reason in words and a code a program can test
    assert response.status_code == 400
    assert response.json() == {
        "detail": "That agent is not a member of this conversation's inbox.",
        "code": "assignee_not_member",
    }
    world.mine.refresh_from_db()
    assert world.mine.assignee is None
    assert not ConversationEvent.objects.filter(conversation=world.mine, kind="assigned").exists()


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("nl", "Deze medewerker is geen lid van de inbox van dit gesprek."),
        ("de", "Diese Person ist kein Mitglied des Posteingangs dieses Gesprächs."),
    ],
)
def test_a_refusal_reads_in_the_token_owners_language(api_client, world, language, reason):
    # given: Anna works in Dutch or German; her API client sends no Accept-Language
    world.anna.agent_profile.language = language
    world.anna.agent_profile.save()

    # when
    response = api_client.patch(f"/api/v1/conversations/{world.mine.pk}/", {"assignee": world.bert.pk}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"detail": reason, "code": "assignee_not_member"}


@pytest.mark.parametrize("who", ["nobody", "inactive member"])
def test_assigning_an_unknown_or_inactive_user_is_refused(api_client, world, who):
    # given
    if who == "nobody":
        user_id = 987654
    else:
        gone = make_user("gone", inboxes=[world.a])
        gone.is_active = False
        gone.save()
        user_id = gone.pk

    # when
    response = api_client.patch(f"/api/v1/conversations/{world.mine.pk}/", {"assignee": user_id}, format="json")

    # then
    assert response.status_code == 400
    world.mine.refresh_from_db()
    assert world.mine.assignee is None


def test_tags_are_set_and_removed_with_events(api_client, world):
    url = f"/api/v1/conversations/{world.mine.pk}/"
    Tag.objects.bulk_create([Tag(name="complaint"), Tag(name="billing")])  # agents apply the tags leads keep

    # when
    added = api_client.patch(url, {"tags": ["complaint", "billing"]}, format="json")
    removed = api_client.patch(url, {"tags": ["billing"]}, format="json")

    # then
    assert added.status_code == 200 and added.json()["tags"] == ["billing", "complaint"]
    assert removed.status_code == 200 and removed.json()["tags"] == ["billing"]
    assert sorted(world.mine.tags.values_list("name", flat=True)) == ["billing"]
    events = ConversationEvent.objects.filter(conversation=world.mine, kind__in=["tag_added", "tag_removed"])
    assert sorted((e.kind, e.data["tag"]) for e in events) == [
        ("tag_added", "billing"),
        ("tag_added", "complaint"),
        ("tag_removed", "complaint"),
    ]


@pytest.mark.parametrize("body", [{"status": "exploded"}, {"status": ""}, {"tags": "billing"}])
def test_an_invalid_change_is_a_bad_request_and_changes_nothing(api_client, world, body):
    response = api_client.patch(f"/api/v1/conversations/{world.mine.pk}/", body, format="json")

    assert response.status_code == 400
    world.mine.refresh_from_db()
    assert world.mine.status == "open"
    assert not world.mine.tags.exists()
    assert not ConversationEvent.objects.filter(
        conversation=world.mine, kind__in=["status_changed", "tag_added"]
    ).exists()


# --- messages ----------------------------------------------------------------------------------


@pytest.mark.smoke
def test_messages_are_listed_oldest_first(api_client, world):
    # given: a late delivery of an older message, then a reply
    now = timezone.now()
    message_ingest(inbox=world.a, inbound=inbound(sender_id="visitor-1", text="later", at=now + timedelta(minutes=5)))
    message_ingest(inbox=world.a, inbound=inbound(sender_id="visitor-1", text="earlier", at=now - timedelta(hours=1)))
    make_message(world.mine, direction="out", text="reply", sent_at=now + timedelta(minutes=10), author=world.anna)

    # when
    response = api_client.get(f"/api/v1/conversations/{world.mine.pk}/messages/")

    # then
    texts = [m["text"] for m in response.json()["results"]]
    assert texts == ["earlier", "Hallo, waar blijft mijn bestelling?", "later", "reply"]


def test_message_items_have_the_contract_keys_and_a_working_attachment_url(api_client, client, world):
    # given: a customer message with a stored picture
    message = Message.objects.get(conversation=world.mine)
    attachment = Attachment(message=message, kind="image", mime_type="image/png", filename="receipt.png", size=8)
    attachment.file.save("receipt.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)

    # when
    [item] = api_client.get(f"/api/v1/conversations/{world.mine.pk}/messages/").json()["results"]

    # then
    assert MESSAGE_KEYS <= set(item)
    assert item["direction"] == "in" and item["sender_type"] == "contact" and item["kind"] == "text"
    assert item["status"] == "delivered" and item["error"] == "" and item["private"] is False
    [picture] = item["attachments"]
    assert ATTACHMENT_KEYS <= set(picture)
    assert (picture["kind"], picture["mime_type"], picture["filename"], picture["size"]) == (
        "image",
        "image/png",
        "receipt.png",
        8,
    )
    client.force_login(world.anna)  # attachment downloads are for the agent's browser session
    download = client.get(picture["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"\x89PNG\r\n\x1a\n"


def test_an_attachment_url_from_the_api_can_be_fetched_with_the_api_token(api_client, world):
    # given
    message = Message.objects.get(conversation=world.mine)
    attachment = Attachment(message=message, kind="document", mime_type="application/pdf", filename="invoice.pdf")
    attachment.file.save("invoice.pdf", ContentFile(b"%PDF-1.4"), save=True)
    [item] = api_client.get(f"/api/v1/conversations/{world.mine.pk}/messages/").json()["results"]

    # when: the same client that listed the messages follows the URL it was given
    download = api_client.get(item["attachments"][0]["url"])

    # then: the file itself, and only with the token: without it the URL gives nothing away
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4"
    api_client.credentials()
    assert api_client.get(item["attachments"][0]["url"]).status_code in (302, 401, 403, 404)


def test_the_message_list_runs_the_same_number_of_queries_for_3_or_30_messages(api_client, world):
    def add_messages(count: int) -> None:
        for n in range(count):
            message = make_message(world.mine, direction="out", text=f"m{n}", author=world.anna)
            Attachment.objects.create(message=message, kind="document", filename=f"{n}.pdf")

    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api_client.get(f"/api/v1/conversations/{world.mine.pk}/messages/")
        assert response.status_code == 200
        return len(captured)

    add_messages(2)
    with_3 = queries_for_the_list()
    add_messages(27)
    with_30 = queries_for_the_list()

    assert Message.objects.filter(conversation=world.mine).count() == 30
    assert with_30 == with_3


@pytest.mark.smoke
def test_a_reply_is_stored_as_the_token_users_and_sent_on_live_chat(
    api_client, world, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            f"/api/v1/conversations/{world.mine.pk}/messages/", {"text": "Hoi Sanne!", "private": False}, format="json"
        )

    # then
    assert response.status_code == 201, response.content
    assert MESSAGE_KEYS <= set(response.json())
    reply = Message.objects.get(pk=response.json()["id"])
    assert (reply.direction, reply.sender_type, reply.author, reply.private) == ("out", "agent", world.anna, False)
    assert reply.text == "Hoi Sanne!"
    assert reply.status == "sent" and reply.attempts == 1 and reply.error == ""
    assert reply.external_id  # the live-chat Sender's id for it


def test_a_reply_on_a_whatsapp_inbox_without_credentials_fails_as_not_configured(
    api_client, world, django_capture_on_commit_callbacks
):
    # given: inbox B has no access token (and until the WhatsApp app registers its Sender,
    # the placeholder refuses every send the same way)
    assert not world.b.credentials.get("access_token")
    use_token(api_client, world.bert)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/api/v1/conversations/{world.theirs.pk}/messages/", {"text": "Hi"}, format="json")

    # then
    assert response.status_code == 201, response.content
    reply = Message.objects.get(pk=response.json()["id"])
    assert reply.status == "failed" and reply.attempts == 1
    assert "not configured" in reply.error
    follow_up = api_client.get(f"/api/v1/conversations/{world.theirs.pk}/messages/").json()["results"][-1]
    assert follow_up["status"] == "failed" and "not configured" in follow_up["error"]


def test_a_private_note_is_stored_and_never_sent(api_client, world, django_capture_on_commit_callbacks):
    # given: on WhatsApp any send attempt would fail the message ("not configured")
    use_token(api_client, world.bert)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            f"/api/v1/conversations/{world.theirs.pk}/messages/",
            {"text": "VIP customer", "private": True},
            format="json",
        )

    # then
    assert response.status_code == 201, response.content
    assert response.json()["private"] is True
    note = Message.objects.get(pk=response.json()["id"])
    assert note.private and note.author == world.bert
    assert note.attempts == 0
    assert note.status == response.json()["status"] != "failed"
    assert note.error == ""


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "   "}, {}, {"private": True}])
def test_a_reply_without_text_is_refused(api_client, world, body):
    response = api_client.post(f"/api/v1/conversations/{world.mine.pk}/messages/", body, format="json")

    assert response.status_code == 400
    assert not Message.objects.filter(conversation=world.mine, direction="out").exists()


def test_a_reply_to_a_message_of_another_conversation_is_refused(api_client, world):
    # given
    elsewhere = conversation_from(world.a, sender_id="visitor-else")
    other_message = Message.objects.get(conversation=elsewhere)

    # when
    response = api_client.post(
        f"/api/v1/conversations/{world.mine.pk}/messages/", {"text": "hi", "reply_to": other_message.pk}, format="json"
    )

    # then
    assert response.status_code == 400
    assert not Message.objects.filter(direction="out").exists()


# --- scoping -------------------------------------------------------------------------------------


@pytest.mark.smoke
@pytest.mark.parametrize(
    "method, path, body",
    [
        ("get", "/api/v1/conversations/{id}/", None),
        ("patch", "/api/v1/conversations/{id}/", {"status": "resolved", "tags": ["x"], "assignee": None}),
        ("get", "/api/v1/conversations/{id}/messages/", None),
        ("post", "/api/v1/conversations/{id}/messages/", {"text": "hi"}),
        ("post", "/api/v1/conversations/{id}/messages/", {"text": "note", "private": True}),
    ],
)
def test_another_inboxs_conversation_is_not_found(api_client, world, method, path, body):
    # given
    events_before = ConversationEvent.objects.filter(conversation=world.theirs).count()

    # when
    response = getattr(api_client, method)(path.format(id=world.theirs.pk), body, format="json")

    # then
    assert response.status_code == 404
    world.theirs.refresh_from_db()
    assert world.theirs.status == "open" and not world.theirs.tags.exists()
    assert not Message.objects.filter(conversation=world.theirs, direction="out").exists()
    assert ConversationEvent.objects.filter(conversation=world.theirs).count() == events_before


def test_a_conversation_that_does_not_exist_is_not_found(api_client, world):
    assert api_client.get("/api/v1/conversations/999999/").status_code == 404
    assert api_client.get("/api/v1/conversations/999999/messages/").status_code == 404


def test_the_list_never_shows_another_inboxs_conversations(api_client, world):
    # given
    for n in range(3):
        conversation_from(world.b, sender_id=f"3169000000{n}")

    # when / then: not even when asked for by filter
    assert listed_ids(api_client) == [world.mine.pk]
    assert listed_ids(api_client, f"inbox={world.b.pk}") == []
    assert listed_ids(api_client, "channel=whatsapp") == []
    assert listed_ids(api_client, f"contact={world.theirs.contact_id}") == []


def test_an_agent_of_two_inboxes_sees_both(api_client, world):
    world.b.members.add(world.anna)

    assert set(listed_ids(api_client)) == {world.mine.pk, world.theirs.pk}


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_leads_and_admins_see_every_inbox(api_client, world, role):
    # given: not a member of any inbox
    use_token(api_client, make_user(f"{role}-user", role=role))

    # when / then
    assert set(listed_ids(api_client)) == {world.mine.pk, world.theirs.pk}
    assert api_client.get(f"/api/v1/conversations/{world.theirs.pk}/messages/").status_code == 200
    response = api_client.patch(f"/api/v1/conversations/{world.theirs.pk}/", {"status": "pending"}, format="json")
    assert response.status_code == 200


def test_an_agent_without_inboxes_sees_nothing(api_client, world):
    use_token(api_client, make_user("newbie"))

    assert listed_ids(api_client) == []
    assert api_client.get(f"/api/v1/conversations/{world.mine.pk}/").status_code == 404


def test_an_inactive_user_gets_nothing(api_client, world):
    # given: Anna's token still exists but her account was switched off
    world.anna.is_active = False
    world.anna.save()

    # when / then
    assert api_client.get("/api/v1/conversations/").status_code == 401
    assert api_client.get(f"/api/v1/conversations/{world.mine.pk}/messages/").status_code == 401
    response = api_client.post(f"/api/v1/conversations/{world.mine.pk}/messages/", {"text": "hi"}, format="json")
    assert response.status_code == 401
    assert not Message.objects.filter(direction="out").exists()


@pytest.mark.smoke
@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/conversations/"),
        ("get", "/api/v1/conversations/{id}/"),
        ("patch", "/api/v1/conversations/{id}/"),
        ("get", "/api/v1/conversations/{id}/messages/"),
        ("post", "/api/v1/conversations/{id}/messages/"),
        ("get", "/api/v1/contacts/"),
        ("get", "/api/v1/contacts/{contact}/"),
        ("post", "/api/v1/contacts/{contact}/merge/"),
    ],
)
def test_anonymous_api_requests_are_unauthorized(api_client, world, method, path):
    # given
    api_client.credentials()

    # when
    url = path.format(id=world.mine.pk, contact=world.mine.contact_id)
    response = getattr(api_client, method)(url, {"text": "hi", "status": "resolved", "other": 1}, format="json")

    # then
    assert response.status_code == 401
    world.mine.refresh_from_db()
    assert world.mine.status == "open"


# --- the OpenAPI schema ----------------------------------------------------------------------------


@pytest.mark.smoke
def test_the_openapi_schema_lists_the_conversation_message_and_contact_paths(api_client):
    # given: an integrator's API token (the schema is not public)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(make_user())}")

    # when
    response = api_client.get("/api/schema/?format=json")

    # then
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert {
        "/api/v1/conversations/",
        "/api/v1/conversations/{id}/",
        "/api/v1/conversations/{id}/messages/",
        "/api/v1/contacts/",
        "/api/v1/contacts/{id}/",
        "/api/v1/contacts/{id}/merge/",
    } <= set(paths)
    assert {"get", "patch"} <= set(paths["/api/v1/conversations/{id}/"])
    assert {"get", "post"} <= set(paths["/api/v1/conversations/{id}/messages/"])
    list_filters = {p["name"] for p in paths["/api/v1/conversations/"]["get"]["parameters"]}
    assert {"inbox", "status", "assignee", "channel", "contact"} <= list_filters
