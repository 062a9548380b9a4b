"""The CRM in the browser, through Django's test client: list search and filters, scoping
(404 outside the agent's inboxes), the inbox's contact panel, edit in place with typed
attributes, tags, notes, merge and undo, suggestions, escaping and CSRF."""

import pytest
from django.test import Client

from crm.models import AttributeDefinition, Contact, ContactTag, MergeSuggestion
from crm.services import contact_create, contact_phone_add, contact_tags_set, contact_update
from inbox.ingest import message_ingest
from tests.factories import inbound, make_inbox, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    website, whatsapp = make_inbox("livechat", name="Website"), make_inbox("whatsapp", name="Support")
    elsewhere = make_inbox("whatsapp", name="Another brand")
    anna = make_user("anna", inboxes=[website, whatsapp])
    sanne = message_ingest(
        inbox=website, inbound=inbound("lc-1", sender_id="v-1", name="José Pérez", phone="06-12345678")
    ).message.conversation
    # an agent confirmed the number José typed (typed, it links nothing); then he writes on WhatsApp
    contact_update(contact=sanne.contact, field="phone", value="06-12345678")
    message_ingest(
        inbox=whatsapp,
        inbound=inbound(
            "wa-1",
            sender_id="31612345678",
            phone="31612345678",
            name="José",
            text="Via WhatsApp",
            details_verified=True,
        ),
    )
    hidden = message_ingest(
        inbox=elsewhere, inbound=inbound("wa-2", sender_id="31699999999", name="Secret Sam")
    ).message.conversation
    client.force_login(anna)
    return {"anna": anna, "sanne": sanne.contact, "conversation": sanne, "hidden": hidden.contact}


def rows(client, **query) -> list[int]:
    page = client.get("/contacts/", query, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    return [int(part.split('"')[0]) for part in page.content.decode().split('data-contact-id="')[1:]]


@pytest.mark.smoke
@pytest.mark.parametrize("typed", ["0612345678", "+31 6 12345678", "0031612345678", "jose", "PÉREZ"])
def test_the_list_finds_a_contact_by_phone_in_any_form_or_by_name(client, world, typed):
    assert rows(client, q=typed) == [world["sanne"].pk]


def test_an_agent_never_sees_contacts_outside_their_inboxes(client, world):
    assert world["hidden"].pk not in rows(client)
    assert rows(client, q="Secret") == []
    for url in ("/contacts/{}/", "/contacts/{}/panel/"):
        assert client.get(url.format(world["hidden"].pk)).status_code == 404
    assert client.post(f"/contacts/{world['hidden'].pk}/field/", {"field": "name", "value": "x"}).status_code == 404


def test_filters_by_channel_tag_and_open_conversation(client, world):
    contact_tags_set(contact=world["sanne"], names=["vip"])
    assert rows(client, channel="whatsapp") == [world["sanne"].pk]  # her WhatsApp identity counts too
    assert rows(client, tag="VIP") == [world["sanne"].pk]
    assert rows(client, tag="other") == []
    assert rows(client, open="1") == [world["sanne"].pk]


def test_the_panel_shows_the_customer_across_channels(client, world):
    panel = client.get(
        f"/contacts/{world['sanne'].pk}/panel/", HTTP_HX_CURRENT_URL=f"http://x/?c={world['conversation'].pk}"
    ).content.decode()
    assert "José Pérez" in panel and "+31612345678" in panel
    assert "WhatsApp" in panel and "Live chat" in panel
    assert "Via WhatsApp" in panel  # the other channel's conversation, linked
    assert "This conversation" in panel


def test_edit_in_place_saves_and_validates_typed_attributes(client, world):
    AttributeDefinition.objects.create(key="birthday", label="Birthday", kind="date")
    AttributeDefinition.objects.create(key="plan", label="Plan", kind="choice", choices=["basic", "pro"])
    url = f"/contacts/{world['sanne'].pk}/field/"

    form = client.get(url, {"field": "attr:birthday"}).content.decode()
    assert 'name="value"' in form and 'type="date"' in form
    bad = client.post(url, {"field": "attr:birthday", "value": "tomorrow"}).content.decode()
    assert "Enter a date" in bad
    client.post(url, {"field": "attr:birthday", "value": "1990-05-17"})
    client.post(url, {"field": "attr:plan", "value": "pro"})
    assert "Choose one" in client.post(url, {"field": "attr:plan", "value": "gold"}).content.decode()
    shown = client.post(url, {"field": "email", "value": "jose@example.nl"}).content.decode()
    assert "jose@example.nl" in shown and "field-edit" in shown

    sanne = Contact.objects.get(pk=world["sanne"].pk)
    assert sanne.attributes == {"birthday": "1990-05-17", "plan": "pro"}
    assert list(sanne.emails.values_list("email", flat=True)) == ["jose@example.nl"]


def test_edit_in_place_of_the_phone_keeps_both_numbers_as_keys(client, world):
    client.post(f"/contacts/{world['sanne'].pk}/field/", {"field": "phone", "value": "+49 151 23456789"})
    sanne = Contact.objects.get(pk=world["sanne"].pk)
    assert sanne.phone == "+4915123456789"
    assert set(sanne.phones.values_list("e164", flat=True)) == {"+31612345678", "+4915123456789"}


def test_hostile_text_is_escaped_everywhere(client, world):
    evil = '<script>alert(1)</script><img src=x onerror="x()">'
    client.post(f"/contacts/{world['sanne'].pk}/field/", {"field": "name", "value": evil})
    client.post(f"/contacts/{world['sanne'].pk}/notes/", {"text": evil})
    client.post(f"/contacts/{world['sanne'].pk}/tags/", {"tags": evil})
    for url in ("/contacts/", f"/contacts/{world['sanne'].pk}/", f"/contacts/{world['sanne'].pk}/panel/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_writes_need_the_csrf_token(world):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["anna"])
    url = f"/contacts/{world['sanne'].pk}/field/"
    assert strict.post(url, {"field": "name", "value": "x"}).status_code == 403
    page = strict.get(f"/contacts/{world['sanne'].pk}/")
    token = page.cookies["csrftoken"].value
    assert strict.post(url, {"field": "name", "value": "x"}, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_bulk_tag_tags_only_visible_contacts(client, world):
    ContactTag.objects.create(name="newsletter")  # agents apply the tags leads keep
    client.post("/contacts/bulk-tag/", {"contact": [world["sanne"].pk, world["hidden"].pk], "tag": "newsletter"})
    assert list(world["sanne"].tags.values_list("name", flat=True)) == ["newsletter"]
    assert world["hidden"].tags.count() == 0


def test_the_bulk_tag_box_suggests_the_contact_tags_on_the_list(client, world):
    ContactTag.objects.create(name="newsletter")
    page = client.get("/contacts/").content.decode()
    assert 'list="bulk-tag-names"' in page
    assert '<datalist id="bulk-tag-names"><option value="newsletter"></datalist>' in page


def test_merge_and_undo_from_the_contact_page(client, world):
    website = world["conversation"].inbox
    other = message_ingest(
        inbox=website, inbound=inbound("lc-9", sender_id="v-9", name="J. Perez", phone="0049 151 23456789")
    ).message.conversation.contact
    response = client.post(f"/contacts/{world['sanne'].pk}/merge/", {"other": other.pk})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.merged_into_id == world["sanne"].pk
    # the merged contact's page leads to the survivor; its number is on the survivor
    assert client.get(f"/contacts/{other.pk}/").url == f"/contacts/{world['sanne'].pk}/"
    page = client.get(f"/contacts/{world['sanne'].pk}/").content.decode()
    assert "+4915123456789" in page and "merge-undo" in page
    merge_id = world["sanne"].merges_received.get().pk
    client.post(f"/contacts/merges/{merge_id}/undo/")
    other.refresh_from_db()
    assert other.merged_into_id is None
    assert list(other.phones.values_list("e164", flat=True)) == ["+4915123456789"]


def test_merging_a_contact_the_agent_cannot_see_is_404(client, world):
    response = client.post(f"/contacts/{world['sanne'].pk}/merge/", {"other": world["hidden"].pk})
    assert response.status_code == 404
    world["hidden"].refresh_from_db()
    assert world["hidden"].merged_into_id is None


def test_suggestions_are_listed_and_can_be_dismissed_or_accepted(client, world, django_capture_on_commit_callbacks):
    website = world["conversation"].inbox
    with django_capture_on_commit_callbacks(execute=True):  # suggestions are made after the commit
        twin = message_ingest(inbox=website, inbound=inbound("lc-2", sender_id="v-2", name="jose  perez")).message
    twin = twin.conversation.contact
    suggestion = MergeSuggestion.objects.get(second=twin)
    assert f'data-suggestion-id="{suggestion.pk}"' in client.get("/contacts/suggestions/").content.decode()
    assert "suggestion-accept" in client.get(f"/contacts/{twin.pk}/panel/").content.decode()

    client.post(f"/contacts/suggestions/{suggestion.pk}/accept/", {"survivor": world["sanne"].pk})
    twin.refresh_from_db()
    assert twin.merged_into_id == world["sanne"].pk


def test_import_export_and_privacy_pages_are_for_leads_only(client, world):
    for url in ("/contacts/import/", "/contacts/export.csv", f"/contacts/{world['sanne'].pk}/gdpr-export/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/contacts/{world['sanne'].pk}/erase/", {"confirm": "ERASE"}).status_code == 404


def test_a_second_phone_shows_on_the_contact_page(client, world):
    contact_phone_add(contact=world["sanne"], raw="not a number")
    page = client.get(f"/contacts/{world['sanne'].pk}/").content.decode()
    assert "not a number" in page and "not a valid number" in page


def test_the_timeline_lists_conversations_and_messages_newest_first_with_links(client, world):
    page = client.get(f"/contacts/{world['sanne'].pk}/").content.decode()
    assert page.index("Via WhatsApp") < page.index("Hallo, waar blijft")  # the newer message first
    assert f'href="/?c={world["conversation"].pk}' in page


def test_contacts_created_without_conversations_are_for_leads(client, world):
    imported = contact_create(name="Imported Ida")
    assert client.get(f"/contacts/{imported.pk}/").status_code == 404
    lead = make_user("lena", role="lead")
    client.force_login(lead)
    assert client.get(f"/contacts/{imported.pk}/").status_code == 200


def test_a_conversation_starts_in_the_timeline_at_its_first_message_not_when_it_was_stored(client):
    from datetime import timedelta

    from django.utils import timezone

    from inbox.models import Conversation

    # given a message written at 7:07 that reached us (and made the conversation) 35 minutes later
    inbox = make_inbox("whatsapp", name="Shop")
    client.force_login(make_user("anna", inboxes=[inbox]))
    written = timezone.now() - timedelta(hours=2)
    message = message_ingest(inbox=inbox, inbound=inbound("late1", text="Vroeg bericht", at=written)).message
    Conversation.objects.filter(pk=message.conversation_id).update(created_at=written + timedelta(minutes=35))
    # when the agent reads the contact's timeline (newest first)
    page = client.get(f"/contacts/{message.conversation.contact_id}/").content.decode()
    # then the conversation's start sits below its first message, at the message's time
    assert page.index("Vroeg bericht") < page.index("Conversation started in Shop")
    start = page.split("Conversation started in Shop", 1)[1]
    assert timezone.localtime(written).strftime("%H:%M") in start.split("</li>", 1)[0]
