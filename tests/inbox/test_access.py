"""The permission module (`inbox.access`): one answer to "may this user see this inbox,
conversation or contact", used by the pages, the API and the sockets. Agents see their
inboxes; leads and admins see everything; inactive and anonymous users see nothing; what a
user may not see does not exist for them (404)."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.http import Http404

from crm.merging import contact_merge
from crm.models import Contact
from inbox import access
from inbox.ingest import message_ingest
from inbox.models import Attachment, Message
from tests.factories import inbound, make_inbox, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    a, b = make_inbox("livechat", name="Website"), make_inbox("whatsapp", name="Support number")
    mine = message_ingest(inbox=a, inbound=inbound(sender_id="visitor-1", name="Sanne")).message.conversation
    theirs = message_ingest(inbox=b, inbound=inbound(sender_id="31699999999", name="Sam")).message.conversation
    return SimpleNamespace(a=a, b=b, mine=mine, theirs=theirs, anna=make_user("anna", inboxes=[a]))


def sees(user) -> dict:
    return {
        "inboxes": set(access.visible_inboxes(user)),
        "conversations": set(access.visible_conversations(user)),
        "contacts": set(access.visible_contacts(user)),
    }


@pytest.mark.smoke
def test_an_agent_sees_only_the_inboxes_they_are_a_member_of(world):
    assert sees(world.anna) == {
        "inboxes": {world.a},
        "conversations": {world.mine},
        "contacts": {world.mine.contact},
    }
    assert access.may_see_inbox(world.anna, world.a.pk) and not access.may_see_inbox(world.anna, world.b.pk)
    assert access.may_see_conversation(world.anna, world.mine.pk)
    assert not access.may_see_conversation(world.anna, world.theirs.pk)


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_leads_and_admins_see_everything_without_being_members(world, role):
    boss = make_user(f"{role}-user", role=role)

    assert sees(boss) == {
        "inboxes": {world.a, world.b},
        "conversations": {world.mine, world.theirs},
        "contacts": {world.mine.contact, world.theirs.contact},
    }


def test_a_superuser_without_an_agent_profile_is_an_admin(world):
    root = get_user_model().objects.create_superuser("root", password="pw-secret-123")

    assert access.user_role(root) == "admin"
    assert access.may_see_conversation(root, world.theirs.pk)


def test_a_user_without_an_agent_profile_is_only_an_agent(world):
    # given: a plain Django user (e.g. made in the admin), member of inbox B
    plain = get_user_model().objects.create_user("plain", password="pw-secret-123")
    world.b.members.add(plain)

    # when / then
    assert access.user_role(plain) == "agent"
    assert set(access.visible_conversations(plain)) == {world.theirs}


@pytest.mark.parametrize("role", ["agent", "lead", "admin"])
def test_an_inactive_user_sees_nothing_whatever_their_role(world, role):
    user = make_user(f"gone-{role}", role=role, inboxes=[world.a])
    user.is_active = False
    user.save()

    assert sees(user) == {"inboxes": set(), "conversations": set(), "contacts": set()}
    with pytest.raises(Http404):
        access.access_conversation(user, world.mine.pk)


def test_an_anonymous_user_sees_nothing(world):
    anonymous = AnonymousUser()

    assert sees(anonymous) == {"inboxes": set(), "conversations": set(), "contacts": set()}
    with pytest.raises(Http404):
        access.access_contact(anonymous, world.mine.contact_id)


@pytest.mark.smoke
@pytest.mark.parametrize("fetch", ["access_inbox", "access_conversation", "access_contact"])
def test_access_helpers_answer_404_for_another_inbox(world, fetch):
    own = {"access_inbox": world.a.pk, "access_conversation": world.mine.pk, "access_contact": world.mine.contact_id}
    foreign = {
        "access_inbox": world.b.pk,
        "access_conversation": world.theirs.pk,
        "access_contact": world.theirs.contact_id,
    }

    assert getattr(access, fetch)(world.anna, own[fetch]).pk == own[fetch]
    with pytest.raises(Http404):
        getattr(access, fetch)(world.anna, foreign[fetch])


@pytest.mark.parametrize("pk", [999999, "abc", None, ""])
def test_access_helpers_answer_404_for_what_does_not_exist_or_is_no_id(world, pk):
    lead = make_user("lea", role="lead")

    with pytest.raises(Http404):
        access.access_conversation(lead, pk)


def test_a_contact_who_wrote_to_two_inboxes_is_visible_through_either(world):
    # given: Sam also writes to the live chat and gives the same number; an agent merges the two
    message_ingest(
        inbox=world.b, inbound=inbound("x1", sender_id="31611111111", phone="+31611111111", details_verified=True)
    )
    visitor = message_ingest(
        inbox=world.a, inbound=inbound("x2", sender_id="visitor-9", phone="06-11111111")
    ).message.conversation
    sams = Contact.objects.get(identities__external_id="31611111111")
    contact_merge(survivor=sams, other=visitor.contact)

    # when / then
    assert access.access_contact(world.anna, sams.pk) == sams
    assert sams.conversations.count() == 2


def test_a_number_typed_in_the_live_chat_does_not_open_the_contact_who_has_it(world):
    # given: Sam writes on WhatsApp (inbox B only)
    sams = message_ingest(
        inbox=world.b, inbound=inbound("x1", sender_id="31611111111", phone="+31611111111", details_verified=True)
    ).message.conversation.contact
    # when: a visitor of Anna's live chat types Sam's number
    visitor = message_ingest(
        inbox=world.a, inbound=inbound("x2", sender_id="visitor-9", phone="06-11111111")
    ).message.conversation
    # then: the visitor is a contact of their own, and Sam's stays out of Anna's sight
    assert visitor.contact_id != sams.pk
    with pytest.raises(Http404):
        access.access_contact(world.anna, sams.pk)


# --- the same rules on the HTML pages ---------------------------------------------------------


@pytest.fixture
def picture(world):
    """A stored attachment on each side."""
    attachments = {}
    for name, conversation in (("mine", world.mine), ("theirs", world.theirs)):
        attachment = Attachment(
            message=Message.objects.filter(conversation=conversation).first(), kind="image", mime_type="image/png"
        )
        attachment.file.save(f"{name}.png", ContentFile(b"png-bytes"), save=True)
        attachments[name] = attachment
    return attachments


@pytest.mark.smoke
@pytest.mark.parametrize("page", ["/", "/attachments/{id}/"])
def test_anonymous_browsers_are_sent_to_the_login_page(client, picture, page):
    url = page.format(id=picture["mine"].pk)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_an_attachment_is_downloadable_only_by_who_may_see_its_conversation(client, world, picture):
    # given
    client.force_login(world.anna)

    # when
    own = client.get(f"/attachments/{picture['mine'].pk}/")
    foreign = client.get(f"/attachments/{picture['theirs'].pk}/")

    # then
    assert own.status_code == 200 and b"".join(own.streaming_content) == b"png-bytes"
    assert foreign.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/settings/tags/",
        "/settings/tags/conversation/new/",
        "/settings/tags/contact/new/",
        "/settings/tags/conversation/1/",
        "/settings/tags/contact/1/merge/",
        "/settings/tags/conversation/1/delete/",
    ],
)
def test_agents_get_404_on_the_tag_settings_and_leads_get_them(client, world, url):
    from inbox.models import Tag

    Tag.objects.create(pk=1, name="refund")
    client.force_login(world.anna)
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"name": "x", "color": "#dc2626", "into": "1"}).status_code in (404, 405)
    assert list(Tag.objects.values_list("name", flat=True)) == ["refund"]
    client.force_login(make_user("lena", role="lead"))
    assert client.get("/settings/tags/").status_code == 200


def test_the_contact_lookup_finds_only_contacts_the_agent_may_see(client, world):
    client.force_login(world.anna)
    assert [r["label"] for r in client.get("/contacts/lookup/", {"q": "Sanne"}).json()["results"]] == ["Sanne"]
    assert client.get("/contacts/lookup/", {"q": "Sam"}).json()["results"] == []
    assert client.get("/contacts/lookup/", {"q": "+31699999999"}).json()["results"] == []
    client.logout()
    assert client.get("/contacts/lookup/", {"q": "Sanne"}).status_code == 302
