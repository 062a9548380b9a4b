"""Starting an email conversation from a contact's page: a new thread with a subject of the
agent's own, sent through the outbox to a real SMTP server (aiosmtpd); the customer's answer
threads back into it, and later replies go out as "Re: <subject>"."""

import pytest

from channels_email.addresses import conversation_address, identity_address
from crm.models import ContactIdentity
from crm.services import contact_create
from inbox import outreach
from inbox.models import Conversation, Message
from inbox.replies import reply_send
from tests.factories import make_user

from .helpers import deliver, mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(email_inbox):
    # A lead: contacts who never wrote in are theirs to see.
    agent = make_user("anna", role="lead", inboxes=[email_inbox])
    agent.first_name = "Anna"
    agent.save()
    return agent


@pytest.fixture
def sanne():
    return contact_create(name="Sanne de Vries", email="sanne@example.org")


def start(capture, **kwargs):
    with capture(execute=True):
        return outreach.conversation_start(**kwargs)


def test_an_agent_starts_an_email_with_a_subject_and_the_answer_threads_back(
    email_inbox, anna, sanne, smtp_server, django_capture_on_commit_callbacks
):
    [option] = outreach.start_options(user=anna, contact=sanne)
    assert option.possible and option.free_text and option.conversation is None
    assert [(f.name, f.required, f.value) for f in option.fields] == [("subject", True, ""), ("cc", False, "")]

    conversation = start(
        django_capture_on_commit_callbacks,
        agent=anna,
        contact=sanne,
        inbox=email_inbox,
        text="Your order is ready to be picked up.",
        fields={"subject": "Your order 1042", "cc": ""},
    )

    [received] = smtp_server.received
    sent = received["message"]
    assert received["to"] == ["sanne@example.org"]
    assert sent["Subject"] == "Your order 1042"
    assert sent["From"] == "Anna from Acme <support@acme.test>"
    assert sent["Reply-To"] == conversation_address(email_inbox, conversation.pk)
    assert sent["In-Reply-To"] is None
    first = Message.objects.get(conversation=conversation)
    assert first.status == "sent" and first.external_id == sent["Message-ID"]
    assert conversation.assignee == anna and conversation.contact == sanne
    assert identity_address(conversation.identity.external_id) == "sanne@example.org"

    # The customer answers with only the threading headers: the same conversation, and the
    # next reply keeps the subject.
    _row, outcome = deliver(
        email_inbox,
        mail(
            sender="Sanne <sanne@example.org>",
            subject="Re: Your order 1042",
            text="Thanks, I'll come by tomorrow.",
            in_reply_to=sent["Message-ID"],
            references=sent["Message-ID"],
        ),
    )
    assert outcome == "message"
    answer = Message.objects.get(direction="in")
    assert answer.conversation_id == conversation.pk
    assert Conversation.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        reply_send(conversation=conversation, author=anna, text="See you then.")
    second = smtp_server.received[1]["message"]
    assert second["Subject"] == "Re: Your order 1042"
    assert second["In-Reply-To"] == answer.external_id
    assert sent["Message-ID"] in second["References"]


def test_every_start_is_a_thread_of_its_own(email_inbox, anna, sanne, smtp_server, django_capture_on_commit_callbacks):
    for subject in ("Your order", "Your invoice"):
        start(
            django_capture_on_commit_callbacks,
            agent=anna,
            contact=sanne,
            inbox=email_inbox,
            text="Hello",
            fields={"subject": subject},
        )
    assert [r["message"]["Subject"] for r in smtp_server.received] == ["Your order", "Your invoice"]
    assert Conversation.objects.filter(contact=sanne).count() == 2
    assert ContactIdentity.objects.filter(contact=sanne, channel="email").count() == 2


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [({"subject": "  "}, "needs a subject"), ({"subject": "Hi", "cc": "tom@"}, "'tom@' is not an email address")],
)
def test_without_a_subject_or_with_a_bad_cc_nothing_is_started(
    email_inbox, anna, sanne, smtp_server, django_capture_on_commit_callbacks, fields, refusal
):
    with pytest.raises(outreach.ConversationStartRefused, match=refusal):
        start(
            django_capture_on_commit_callbacks, agent=anna, contact=sanne, inbox=email_inbox, text="Hi", fields=fields
        )
    assert not Conversation.objects.exists() and smtp_server.received == []


def test_the_address_the_customer_wrote_from_comes_first(email_inbox, anna, smtp_server):
    deliver(email_inbox, mail(sender="Emily <emily@work.example>", subject="Hello"))
    emily = Conversation.objects.get().contact
    emily.email = "emily@home.example"
    emily.save()
    assert identity_address(outreach.channel_registry.get("email").start_address(email_inbox, emily)) == (
        "emily@work.example"
    )


def test_a_contact_without_an_email_address_cannot_be_written_to(email_inbox, anna):
    nobody = contact_create(name="Piet", phone="+31612345678")
    [option] = outreach.start_options(user=anna, contact=nobody)
    assert not option.possible and "no email address" in option.reason


def test_the_contact_page_form_asks_for_the_subject_and_refuses_without_it(
    client, email_inbox, anna, sanne, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(anna)
    page = client.get(f"/contacts/{sanne.pk}/").content.decode()
    assert 'name="channel_subject"' in page and 'data-testid="start-field-subject"' in page
    refused = client.post(f"/contacts/{sanne.pk}/start/", {"inbox": email_inbox.pk, "text": "Hi"}, follow=True)
    assert "A new email needs a subject." in refused.content.decode()
    assert not Conversation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/contacts/{sanne.pk}/start/",
            {"inbox": email_inbox.pk, "text": "Hi", "channel_subject": "About your visit", "channel_cc": ""},
        )
    conversation = Conversation.objects.get()
    assert response["Location"] == f"/?c={conversation.pk}"
    assert smtp_server.received[0]["message"]["Subject"] == "About your visit"
