"""REST API for contacts (docs/api.md): search by phone in any format and by name or email,
the contract's item shape, the detail with conversations on every channel the user may see,
merging, and inbox scoping (a contact outside an agent's inboxes is 404)."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import Contact, ContactIdentity, ContactMerge
from crm.services import contact_update
from inbox.ingest import message_ingest
from inbox.models import Conversation
from tests.factories import inbound, make_conversation, make_inbox, make_token, make_user

pytestmark = pytest.mark.django_db

CONTACT_KEYS = {"id", "name", "phone", "email", "identities"}


def conversation_from(inbox, *, sender_id: str, **profile) -> Conversation:
    return message_ingest(inbox=inbox, inbound=inbound(sender_id=sender_id, **profile)).message.conversation


def use_token(api_client, user) -> None:
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")


def contact_ids(api_client, **query) -> list[int]:
    response = api_client.get("/api/v1/contacts/", query)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def world(api_client):
    """Sanne writes on live chat (inbox A), an agent confirms the number she typed (typed, it
    links nothing), and she writes on WhatsApp (inbox B) from that number, so she is one
    contact; Sam writes on WhatsApp only. The client speaks as Anna, agent of A."""
    a, b = make_inbox("livechat", name="Website"), make_inbox("whatsapp", name="Support number")
    anna = make_user("anna", inboxes=[a])
    sanne_chat = conversation_from(
        a, sender_id="visitor-1", name="Sanne", phone="06-12345678", email="sanne@example.nl"
    )
    contact_update(contact=sanne_chat.contact, field="phone", value="06-12345678")
    sanne_whatsapp = conversation_from(
        b, sender_id="31612345678", name="Sanne WA", phone="31612345678", details_verified=True
    )
    sam = conversation_from(b, sender_id="31699999999", name="Secret Sam", phone="31699999999", details_verified=True)
    use_token(api_client, anna)
    return SimpleNamespace(
        a=a,
        b=b,
        anna=anna,
        sanne=sanne_chat.contact,
        sanne_chat=sanne_chat,
        sanne_whatsapp=sanne_whatsapp,
        sam=sam.contact,
        sam_conversation=sam,
    )


@pytest.mark.smoke
@pytest.mark.parametrize("typed", ["06-12345678", "+31 6 12345678", "0031612345678", "+31612345678"])
def test_a_contact_is_found_by_phone_in_any_format(api_client, world, typed):
    # given
    assert world.sanne.phone == "+31612345678"

    # when / then
    assert contact_ids(api_client, phone=typed) == [world.sanne.pk]


@pytest.mark.parametrize("typed", ["0612", "not a number", "+31 6 00000000"])
def test_a_phone_that_is_not_a_known_valid_number_finds_nobody(api_client, world, typed):
    assert contact_ids(api_client, phone=typed) == []


@pytest.mark.smoke
def test_contact_items_have_the_contract_shape_with_identities(api_client, world):
    # when
    body = api_client.get("/api/v1/contacts/", {"phone": "0612345678"}).json()

    # then
    assert {"results", "next"} <= set(body)
    [item] = body["results"]
    assert CONTACT_KEYS <= set(item)
    assert (item["name"], item["phone"], item["email"]) == ("Sanne", "+31612345678", "sanne@example.nl")
    assert sorted(item["identities"], key=lambda i: i["channel"]) == [
        {"channel": "livechat", "external_id": "visitor-1", "display_name": "Sanne"},
        {"channel": "whatsapp", "external_id": "31612345678", "display_name": "Sanne WA"},
    ]


@pytest.mark.parametrize("query", ["sann", "SANNE", "sanne@example", "EXAMPLE.NL"])
def test_contacts_are_searched_by_name_or_email(api_client, world, query):
    # given: a lead, who sees both contacts
    use_token(api_client, make_user("lea", role="lead"))

    # when / then
    assert contact_ids(api_client, q=query) == [world.sanne.pk]


def test_a_search_that_matches_nobody_is_an_empty_page(api_client, world):
    assert contact_ids(api_client, q="nobody-by-this-name") == []


def test_the_contact_list_runs_the_same_number_of_queries_for_3_or_30_contacts(api_client, world):
    def add_contacts(count: int, start: int) -> None:
        for n in range(start, start + count):
            conversation_from(world.a, sender_id=f"visitor-q{n}", name=f"Customer {n}", email=f"c{n}@example.nl")

    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get("/api/v1/contacts/").status_code == 200
        return len(captured)

    add_contacts(2, 0)
    with_3 = queries_for_the_list()
    add_contacts(27, 2)
    with_30 = queries_for_the_list()

    assert len(contact_ids(api_client)) == 30
    assert with_30 == with_3


@pytest.mark.smoke
def test_the_detail_lists_the_contacts_conversations_on_every_channel(api_client, world):
    # given: a lead sees every inbox
    use_token(api_client, make_user("lea", role="lead"))

    # when
    response = api_client.get(f"/api/v1/contacts/{world.sanne.pk}/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert CONTACT_KEYS <= set(body)
    channels = {c["id"]: c["channel"] for c in body["conversations"]}
    assert channels == {world.sanne_chat.pk: "livechat", world.sanne_whatsapp.pk: "whatsapp"}


def test_the_detail_runs_the_same_number_of_queries_for_1_or_6_conversations(api_client, world):
    def queries_for_the_detail() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = api_client.get(f"/api/v1/contacts/{world.sanne.pk}/")
        assert response.status_code == 200
        return len(response.json()["conversations"]), len(captured)

    # given: Sanne's live-chat conversations, each tagged and assigned
    one = queries_for_the_detail()
    for n in range(5):
        conversation = make_conversation(world.a, contact=world.sanne)
        api_client.patch(
            f"/api/v1/conversations/{conversation.pk}/", {"assignee": world.anna.pk, "tags": [f"t{n}"]}, format="json"
        )

    # when
    six = queries_for_the_detail()

    # then
    assert (one[0], six[0]) == (1, 6)
    assert six[1] == one[1]


def test_the_detail_shows_an_agent_only_the_conversations_of_their_inboxes(api_client, world):
    # when: Anna works in the live-chat inbox only
    body = api_client.get(f"/api/v1/contacts/{world.sanne.pk}/").json()

    # then
    assert [c["id"] for c in body["conversations"]] == [world.sanne_chat.pk]


@pytest.mark.smoke
def test_merging_moves_identities_and_conversations_and_records_the_merge(api_client, world):
    # given: the same person came in on live chat as a second, unrecognised visitor
    duplicate = conversation_from(world.a, sender_id="visitor-2", name="S. de Vries", email="s@work.example")
    other = duplicate.contact

    # when
    response = api_client.post(f"/api/v1/contacts/{world.sanne.pk}/merge/", {"other": other.pk}, format="json")

    # then
    assert response.status_code == 200, response.content
    assert response.json()["id"] == world.sanne.pk
    assert {c["id"] for c in response.json()["conversations"]} == {world.sanne_chat.pk, duplicate.pk}
    assert set(ContactIdentity.objects.filter(contact=other)) == set()
    assert ContactIdentity.objects.filter(contact=world.sanne, external_id="visitor-2").exists()
    assert Conversation.objects.get(pk=duplicate.pk).contact_id == world.sanne.pk
    merge = ContactMerge.objects.get()
    assert (merge.survivor_id, merge.merged_id, merge.merged_by) == (world.sanne.pk, other.pk, world.anna)
    assert merge.snapshot["email"] == "s@work.example"
    other.refresh_from_db()
    assert other.merged_into_id == world.sanne.pk
    assert other.pk not in contact_ids(api_client)


def test_merging_a_contact_into_itself_is_refused(api_client, world):
    response = api_client.post(f"/api/v1/contacts/{world.sanne.pk}/merge/", {"other": world.sanne.pk}, format="json")

    assert response.status_code == 400
    assert not ContactMerge.objects.exists()
    assert Contact.objects.get(pk=world.sanne.pk).merged_into_id is None


@pytest.mark.parametrize("body", [{}, {"other": "abc"}, {"other": None}])
def test_a_merge_without_a_contact_id_is_a_bad_request(api_client, world, body):
    response = api_client.post(f"/api/v1/contacts/{world.sanne.pk}/merge/", body, format="json")

    assert response.status_code == 400
    assert not ContactMerge.objects.exists()


def test_merging_an_already_merged_contact_again_is_refused(api_client, world):
    # given: a lead merged Sam into Sanne
    use_token(api_client, make_user("lea", role="lead"))
    url = f"/api/v1/contacts/{world.sanne.pk}/merge/"
    assert api_client.post(url, {"other": world.sam.pk}, format="json").status_code == 200

    # when
    response = api_client.post(url, {"other": world.sam.pk}, format="json")

    # then
    assert response.status_code == 400
    assert ContactMerge.objects.count() == 1


# --- scoping -------------------------------------------------------------------------------------


@pytest.mark.smoke
@pytest.mark.parametrize(
    "method, path, other",
    [
        ("get", "/api/v1/contacts/{sam}/", None),
        ("post", "/api/v1/contacts/{sam}/merge/", "{sanne}"),
        ("post", "/api/v1/contacts/{sanne}/merge/", "{sam}"),
    ],
)
def test_a_contact_outside_the_agents_inboxes_is_not_found(api_client, world, method, path, other):
    # given: Sam only ever wrote to inbox B
    ids = {"sam": world.sam.pk, "sanne": world.sanne.pk}
    body = {"other": int(other.format(**ids))} if other else None

    # when
    response = getattr(api_client, method)(path.format(**ids), body, format="json")

    # then
    assert response.status_code == 404
    assert not ContactMerge.objects.exists()
    assert world.sam_conversation.contact_id == world.sam.pk
    assert Conversation.objects.get(pk=world.sam_conversation.pk).contact_id == world.sam.pk


def test_the_contact_list_never_shows_another_inboxs_contacts(api_client, world):
    assert contact_ids(api_client) == [world.sanne.pk]
    assert contact_ids(api_client, phone="+31699999999") == []
    assert contact_ids(api_client, q="Secret") == []


def test_an_agent_sees_a_contact_that_also_wrote_to_another_inbox(api_client, world):
    # given: Sanne wrote to both inboxes; Anna works in inbox A only
    assert world.sanne_whatsapp.contact_id == world.sanne.pk

    # when
    response = api_client.get(f"/api/v1/contacts/{world.sanne.pk}/")

    # then: Anna sees Sanne, with the conversation of her own inbox and not the WhatsApp one
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == world.sanne.pk and body["name"] == "Sanne"
    assert [c["id"] for c in body["conversations"]] == [world.sanne_chat.pk]


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_leads_and_admins_see_every_contact(api_client, world, role):
    use_token(api_client, make_user(f"{role}-user", role=role))

    assert set(contact_ids(api_client)) == {world.sanne.pk, world.sam.pk}
    assert api_client.get(f"/api/v1/contacts/{world.sam.pk}/").status_code == 200


def test_an_inactive_user_gets_no_contacts(api_client, world):
    world.anna.is_active = False
    world.anna.save()

    assert api_client.get("/api/v1/contacts/").status_code == 401
    assert api_client.get(f"/api/v1/contacts/{world.sanne.pk}/").status_code == 401
