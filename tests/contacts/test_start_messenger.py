# ruff: noqa: F811 - the fake Graph API fixtures are imported by name
"""Starting a conversation from a contact's page on Messenger: only inside the window (24
hours, or 7 days with the HUMAN_AGENT tag when the inbox has it), never to someone who did not
write to the Page; the Send API request carries the right messaging type."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.models import ContactIdentity
from crm.services import contact_create
from inbox.models import Conversation
from tests.channels_messenger.fakes import MESSAGES, graph, page_inbox, send_body  # noqa: F401 - fixtures
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(client, page_inbox):  # noqa: F811
    user = make_user("lena", role="lead", inboxes=[page_inbox])
    client.force_login(user)
    return user


def wrote(inbox, hours_ago: float, *, status="closed"):
    contact = contact_create(name="Sanne")
    identity = ContactIdentity.objects.create(contact=contact, channel="messenger", external_id="7001")
    at = timezone.now() - timedelta(hours=hours_ago)
    Conversation.objects.create(
        inbox=inbox, contact=contact, identity=identity, status=status, last_message_at=at, last_customer_message_at=at
    )
    return contact


def start(client, contact, inbox, capture, text="Kunnen we u nog helpen?"):
    with capture(execute=True):
        return client.post(f"/contacts/{contact.pk}/start/", {"inbox": inbox.pk, "text": text}, follow=True)


def test_within_24_hours_a_new_conversation_goes_out_as_a_response(
    client,
    lead,
    graph,
    page_inbox,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    sanne = wrote(page_inbox, 3)
    assert 'data-testid="start-text-form"' in client.get(f"/contacts/{sanne.pk}/").content.decode()
    start(client, sanne, page_inbox, django_capture_on_commit_callbacks)
    assert Conversation.objects.filter(contact=sanne).count() == 2  # the closed one stays closed
    body = send_body([r for r in graph.requests if r.path == MESSAGES][-1])
    assert body["recipient"] == {"id": "7001"} and body["messaging_type"] == "RESPONSE"
    assert body["message"]["text"] == "Kunnen we u nog helpen?"


def test_after_24_hours_only_with_the_human_agent_tag(
    client,
    lead,
    graph,
    page_inbox,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    sanne = wrote(page_inbox, 30)
    page = client.get(f"/contacts/{sanne.pk}/").content.decode()
    assert "HUMAN_AGENT tag, which this inbox does not have enabled" in page
    assert 'data-testid="start-text-form"' not in page
    response = start(client, sanne, page_inbox, django_capture_on_commit_callbacks)
    assert "does not have enabled" in response.content.decode()
    assert [r for r in graph.requests if r.path == MESSAGES] == []

    page_inbox.config = {"human_agent": True}
    page_inbox.save()
    assert "HUMAN_AGENT tag" in client.get(f"/contacts/{sanne.pk}/").content.decode()
    start(client, sanne, page_inbox, django_capture_on_commit_callbacks)
    body = send_body([r for r in graph.requests if r.path == MESSAGES][-1])
    assert (body["messaging_type"], body["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")


def test_after_7_days_or_without_a_message_to_the_page_it_is_explained(
    client,
    lead,
    graph,
    page_inbox,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    page_inbox.config = {"human_agent": True}
    page_inbox.save()
    old = wrote(page_inbox, 24 * 8)
    assert 'data-testid="start-text-form"' not in client.get(f"/contacts/{old.pk}/").content.decode()
    stranger = contact_create(name="Nooit geschreven", phone="+31612345678")
    page = client.get(f"/contacts/{stranger.pk}/").content.decode()
    assert "has never written to this Facebook Page" in page
    start(client, stranger, page_inbox, django_capture_on_commit_callbacks)
    assert [r for r in graph.requests if r.path == MESSAGES] == []
    assert not Conversation.objects.filter(contact=stranger).exists()
