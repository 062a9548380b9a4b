"""The tag lists: leads keep them on /settings/tags/ (create, rename, colour, delete, merge,
each in the audit log); agents apply the tags that exist and cannot add new ones."""

import pytest

from audit.models import AuditEntry
from crm.models import ContactTag
from inbox import services
from inbox.models import Tag
from tests.factories import make_contact, make_conversation, make_inbox, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(client):
    user = make_user("lena", role="lead")
    client.force_login(user)
    return user


def test_the_settings_navigation_links_to_the_tag_lists(client, lead):
    page = client.get("/settings/people/teams/").content.decode()
    assert 'href="/settings/tags/"' in page
    tags_page = client.get("/settings/tags/").content.decode()
    assert 'data-testid="tag-list-conversation"' in tags_page and 'data-testid="tag-list-contact"' in tags_page


def test_a_lead_creates_renames_recolours_and_deletes_a_tag_with_audit_entries(client, lead):
    client.post("/settings/tags/conversation/new/", {"name": "  Refund ", "color": "#dc2626"})
    tag = Tag.objects.get()
    assert (tag.name, tag.color) == ("refund", "#dc2626")
    page = client.get("/settings/tags/").content.decode()
    assert '<span class="tag tag-color-red">refund</span>' in page
    client.post(f"/settings/tags/conversation/{tag.pk}/", {"name": "refunds", "color": "#16a34a"})
    tag.refresh_from_db()
    assert (tag.name, tag.color) == ("refunds", "#16a34a")
    client.post(f"/settings/tags/conversation/{tag.pk}/delete/")
    assert not Tag.objects.exists()
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "target_label"))
    assert actions == [("tag.created", "refund"), ("tag.updated", "refunds"), ("tag.deleted", "refunds")]
    assert AuditEntry.objects.get(action="tag.updated").data["changes"]["name"] == ["refund", "refunds"]
    log = client.get("/settings/audit/").content.decode()
    assert "Tag created" in log


def test_renaming_onto_an_existing_name_is_refused_and_merge_moves_every_conversation(client, lead):
    inbox = make_inbox()
    one, two = make_conversation(inbox), make_conversation(inbox)
    services.conversation_update(conversation=one, actor=lead, tags=["refund"])
    services.conversation_update(conversation=two, actor=lead, tags=["refunds", "refund"])
    old, into = Tag.objects.get(name="refunds"), Tag.objects.get(name="refund")
    response = client.post(
        f"/settings/tags/conversation/{old.pk}/", {"name": "refund", "color": old.color}, follow=True
    )
    assert "merge them instead" in response.content.decode()
    client.post(f"/settings/tags/conversation/{old.pk}/merge/", {"into": into.pk})
    assert list(Tag.objects.values_list("name", flat=True)) == ["refund"]
    assert list(one.tags.values_list("name", flat=True)) == ["refund"]
    assert list(two.tags.values_list("name", flat=True)) == ["refund"]
    assert AuditEntry.objects.filter(action="tag.merged", data__merged="refunds").exists()


def test_contact_tags_are_kept_on_the_same_page(client, lead):
    contact = make_contact()
    vip = ContactTag.objects.create(name="VIP")
    gold = ContactTag.objects.create(name="Gold")
    contact.tags.add(gold)
    client.post(f"/settings/tags/contact/{vip.pk}/", {"name": "VIP", "color": "#9333ea"})
    assert ContactTag.objects.get(pk=vip.pk).color == "#9333ea"
    client.post(f"/settings/tags/contact/{gold.pk}/merge/", {"into": vip.pk})
    assert list(contact.tags.values_list("name", flat=True)) == ["VIP"]
    client.post("/settings/tags/contact/new/", {"name": "Supplier", "color": "#2563eb"})
    assert ContactTag.objects.filter(name="Supplier", color="#2563eb").exists()
    assert AuditEntry.objects.filter(action="tag.created", data__kind="contact").exists()


def test_an_agent_applies_existing_tags_but_cannot_add_new_ones(client):
    inbox = make_inbox()
    agent = make_user("anna", inboxes=[inbox])
    conversation = make_conversation(inbox)
    Tag.objects.create(name="refund")
    client.force_login(agent)
    client.post(f"/inbox/conversations/{conversation.pk}/update/", {"tags": "refund"})
    assert list(conversation.tags.values_list("name", flat=True)) == ["refund"]
    response = client.post(f"/inbox/conversations/{conversation.pk}/update/", {"tags": "refund,made-up"})
    assert "is not one of the tags" in response.content.decode()
    assert list(conversation.tags.values_list("name", flat=True)) == ["refund"]
    assert not Tag.objects.filter(name="made-up").exists()


def test_an_agent_cannot_add_a_new_contact_tag_either(client):
    inbox = make_inbox()
    agent = make_user("anna", inboxes=[inbox])
    conversation = make_conversation(inbox)
    ContactTag.objects.create(name="VIP")
    client.force_login(agent)
    contact = conversation.contact
    client.post(f"/contacts/{contact.pk}/tags/", {"tags": "VIP"})
    assert list(contact.tags.values_list("name", flat=True)) == ["VIP"]
    panel = client.post(f"/contacts/{contact.pk}/tags/", {"tags": "VIP,Brand new", "panel": "1"}).content.decode()
    assert "is not one of the tags" in panel
    assert not ContactTag.objects.filter(name="Brand new").exists()


@pytest.mark.parametrize(
    "url", ["/settings/tags/", "/settings/tags/conversation/new/", "/settings/tags/contact/1/delete/"]
)
def test_agents_do_not_get_the_tag_settings(client, url):
    client.force_login(make_user("anna"))
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"name": "x", "color": "#dc2626"}).status_code in (404, 405)
    assert not Tag.objects.exists()


def test_the_api_refuses_an_agent_a_tag_that_is_not_on_the_list(api_client):
    from tests.factories import make_token

    inbox = make_inbox()
    agent = make_user("anna", inboxes=[inbox])
    conversation = make_conversation(inbox)
    Tag.objects.create(name="billing")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(agent)}")
    url = f"/api/v1/conversations/{conversation.pk}/"
    assert api_client.patch(url, {"tags": ["billing"]}, format="json").status_code == 200
    refused = api_client.patch(url, {"tags": ["billing", "invented"]}, format="json")
    assert refused.status_code == 400 and "invented" in str(refused.json())
    assert not Tag.objects.filter(name="invented").exists()


def test_rules_follow_a_renamed_or_merged_tag(client, lead):
    from automation.models import Rule

    rule = Rule.objects.create(
        name="VIP",
        conditions=[{"field": "tag", "value": "vip"}],
        actions=[{"type": "add_tag", "value": "vip"}, {"type": "set_priority", "value": "high"}],
    )
    vip = Tag.objects.create(name="vip")
    client.post(f"/settings/tags/conversation/{vip.pk}/", {"name": "gold", "color": vip.color})
    rule.refresh_from_db()
    assert rule.conditions == [{"field": "tag", "value": "gold"}]
    assert rule.actions == [{"type": "add_tag", "value": "gold"}, {"type": "set_priority", "value": "high"}]
    premium = Tag.objects.create(name="premium")
    client.post(f"/settings/tags/conversation/{Tag.objects.get(name='gold').pk}/merge/", {"into": premium.pk})
    rule.refresh_from_db()
    assert rule.conditions == [{"field": "tag", "value": "premium"}]
