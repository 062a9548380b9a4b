# ruff: noqa: F811 - the fake Graph API fixtures are imported by name
"""Starting a conversation from a contact's page on WhatsApp: an approved template any time
(sent to the fake Graph API as a template to the customer's number), free text only inside
the 24-hour window; live chat explains why it cannot start one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from channels_whatsapp.models import MessageTemplate
from crm.services import contact_create
from inbox.models import Conversation, Message
from tests.channels_whatsapp.fakes import PHONE_NUMBER_ID, graph, wa_inbox  # noqa: F401 - fixtures
from tests.factories import make_conversation, make_inbox, make_user

pytestmark = pytest.mark.django_db

ORDER_UPDATE = [
    {"type": "HEADER", "format": "TEXT", "text": "Bestelling {{1}}"},
    {"type": "BODY", "text": "Hallo {{1}}, uw bestelling wordt {{2}} bezorgd."},
]


@pytest.fixture
def template(wa_inbox):  # noqa: F811
    return MessageTemplate.objects.create(
        inbox=wa_inbox,
        name="order_update",
        language="nl",
        status="APPROVED",
        components=ORDER_UPDATE,
        parameter_names=["header.1", "body.1", "body.2"],
        parameter_count=3,
    )


@pytest.fixture
def lead(client, wa_inbox):  # noqa: F811
    user = make_user("lena", role="lead", inboxes=[wa_inbox])
    client.force_login(user)
    return user


def test_a_lead_starts_a_whatsapp_conversation_with_a_template_to_a_new_number(
    client,
    lead,
    graph,
    wa_inbox,
    template,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    sanne = contact_create(name="Sanne", phone="06 12345678")
    page = client.get(f"/contacts/{sanne.pk}/").content.decode()
    assert 'data-testid="start-template-form"' in page and "order_update (nl)" in page
    assert 'data-testid="start-text-form"' not in page  # she never wrote: templates only

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/contacts/{sanne.pk}/start/",
            {"inbox": wa_inbox.pk, "template": "order_update|nl", "parameter": ["NL-1234", "Sanne", "morgen"]},
        )

    conversation = Conversation.objects.get(contact=sanne)
    assert response.status_code == 302 and response.url == f"/?c={conversation.pk}"
    assert conversation.inbox == wa_inbox and conversation.assignee == lead and conversation.status == "open"
    assert conversation.identity.external_id == "31612345678"
    sent = graph.sent()[-1]
    assert sent.path == f"/{PHONE_NUMBER_ID}/messages"
    assert sent.json["type"] == "template" and sent.json["to"] == "31612345678"
    assert sent.json["template"]["name"] == "order_update"
    assert sent.json["template"]["components"][1]["parameters"][1] == {"type": "text", "text": "morgen"}
    message = Message.objects.get(conversation=conversation)
    assert message.text == "Hallo Sanne, uw bestelling wordt morgen bezorgd." and message.status == "sent"


def test_free_text_outside_the_window_is_refused_and_leaves_nothing_behind(
    client,
    lead,
    graph,
    wa_inbox,
    template,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    sanne = contact_create(name="Sanne", phone="+31612345678")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/contacts/{sanne.pk}/start/", {"inbox": wa_inbox.pk, "text": "Hallo!"}, follow=True)
    assert "approved template" in response.content.decode()
    assert not Conversation.objects.exists() and graph.sent() == []


def test_inside_the_window_free_text_continues_the_open_conversation(
    client,
    lead,
    graph,
    wa_inbox,
    template,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    open_one = make_conversation(wa_inbox, last_customer_message_at=timezone.now() - timedelta(hours=2))
    page = client.get(f"/contacts/{open_one.contact_id}/").content.decode()
    assert 'data-testid="start-text-form"' in page and "continues the open conversation" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/contacts/{open_one.contact_id}/start/", {"inbox": wa_inbox.pk, "text": "Nog een vraag?"})
    assert Conversation.objects.count() == 1
    assert graph.sent()[-1].json["text"]["body"] == "Nog een vraag?"
    assert graph.sent()[-1].json.get("recipient") == open_one.identity.external_id


def test_a_contact_without_a_number_cannot_be_written_on_whatsapp(client, lead, wa_inbox, template):  # noqa: F811
    nameless = contact_create(name="Alleen e-mail", email="a@example.nl")
    page = client.get(f"/contacts/{nameless.pk}/").content.decode()
    assert "has no phone number yet" in page
    response = client.post(
        f"/contacts/{nameless.pk}/start/", {"inbox": wa_inbox.pk, "template": "order_update|nl"}, follow=True
    )
    assert "has no phone number yet" in response.content.decode()
    assert not Conversation.objects.exists()


def test_live_chat_explains_why_it_cannot_start_a_conversation(client, wa_inbox):  # noqa: F811
    website = make_inbox("livechat", name="Website")
    client.force_login(make_user("lena", role="lead", inboxes=[website]))
    visitor = make_conversation(website)
    page = client.get(f"/contacts/{visitor.contact_id}/").content.decode()
    assert "Live chat cannot start a conversation" in page
    response = client.post(f"/contacts/{visitor.contact_id}/start/", {"inbox": website.pk, "text": "Hoi"}, follow=True)
    assert "Live chat cannot start a conversation" in response.content.decode()
    assert Message.objects.count() == 0


def test_an_agent_starts_only_in_an_inbox_they_work_in(client, wa_inbox, template):  # noqa: F811
    website = make_inbox("livechat", name="Website")
    agent = make_user("anna", inboxes=[website])
    visitor = make_conversation(website)
    client.force_login(agent)
    response = client.post(
        f"/contacts/{visitor.contact_id}/start/", {"inbox": wa_inbox.pk, "template": "order_update|nl"}
    )
    assert response.status_code == 404
    assert Conversation.objects.count() == 1
