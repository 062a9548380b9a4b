"""The channel registry as the one extension point.

A channel defined only here ("pigeon", a carrier-pigeon service) plugs in the way
`docs/adding-a-channel.md` describes, with no edit under `inbox/`, and passes the same checks
as the channels we ship: an inbox of it is created with its defaults, customer messages arrive
through the one ingest path, agents see it by name, and replies leave through its Sender.
"""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from inbox import channel_registry
from inbox.ingest import message_ingest
from inbox.models import Conversation, Message
from inbox.outbox import message_deliver
from inbox.provisioning import inbox_create, inbox_summary
from inbox.replies import ReplyRefused, reaction_send, reply_send
from kernel.channel_kinds import kind_choices, kind_label
from tests.factories import inbound, make_user

pytestmark = pytest.mark.django_db

SHIPPED = ["whatsapp", "messenger", "email", "instagram", "livechat"]
LOFT_HOURS = 48


class Loft:
    """The pigeon service: what the Sender handed over, and whether the next flight fails."""

    def __init__(self) -> None:
        self.sent: list[dict] = []
        self.fail_next: channel_registry.SendError | None = None

    def send(self, message: Message) -> channel_registry.SendResult:
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        self.sent.append({"to": message.conversation.identity.external_id, "text": message.text})
        return channel_registry.SendResult(external_id=f"pigeon-{len(self.sent)}")


def pigeon_window(conversation: Conversation) -> channel_registry.WindowState:
    last = conversation.last_customer_message_at
    if last is None or timezone.now() - last > timedelta(hours=LOFT_HOURS):
        return channel_registry.WindowState(open=False, reason="The pigeon has flown home: wait for the customer.")
    return channel_registry.WINDOW_ALWAYS_OPEN


@pytest.fixture
def loft():
    loft = Loft()

    def cli_arguments(parser) -> None:
        parser.add_argument("--loft", required=True)

    channel_registry.register(
        channel_registry.Channel(
            kind="pigeon",
            label="Carrier pigeon",
            first_response_target_seconds=3 * 24 * 3600,
            send=loft.send,
            window=pigeon_window,
            setup_summary=lambda inbox: {"loft": inbox.external_id},
            cli_arguments=cli_arguments,
            cli_setup=lambda options: channel_registry.InboxSetup(external_id=options["loft"]),
        )
    )
    yield loft
    channel_registry.unregister("pigeon")


@pytest.fixture(params=[*SHIPPED, "pigeon"])
def kind(request):
    if request.param == "pigeon":
        request.getfixturevalue("loft")
    return request.param


# --- what every channel gets from the core ------------------------------------------------------


def test_an_inbox_of_the_channel_starts_with_its_own_defaults(kind):
    inbox = inbox_create(kind=kind, name="Support", external_id="acct-1")

    channel = channel_registry.get(kind)
    assert inbox.first_response_target_seconds == channel.first_response_target_seconds
    summary = inbox_summary(inbox)
    assert summary["id"] == inbox.pk and summary["kind"] == kind
    assert summary.items() >= channel.setup_summary(inbox).items()


def test_the_channel_is_a_kind_with_a_name(kind):
    assert (kind, channel_registry.get(kind).label) in kind_choices()
    assert kind_label(kind) == str(channel_registry.get(kind).label)


def test_create_inbox_offers_the_channel_as_a_subcommand(kind):
    options = {
        "whatsapp": ["--phone-number-id", "1065", "--access-token", "t", "--app-secret", "s", "--verify-token", "v"],
        "messenger": ["--page-id", "2001", "--access-token", "t", "--app-secret", "s", "--verify-token", "v"],
        "instagram": [
            "--account-id",
            "2002",
            "--page-id",
            "2001",
            "--access-token",
            "t",
            "--app-secret",
            "s",
            "--verify-token",
            "v",
        ],
        "livechat": ["--allowed-origin", "https://shop.example"],
        "email": "--address support@acme.test --imap-host imap.acme.test --imap-port 993 --imap-user support "
        "--imap-password p --smtp-host smtp.acme.test --smtp-port 587".split(),
        "pigeon": ["--loft", "Amsterdam"],
    }[kind]
    out = io.StringIO()

    call_command("create_inbox", kind, "--name", "Support", *options, stdout=out)

    printed = json.loads(out.getvalue().strip().splitlines()[-1])
    assert printed["kind"] == kind
    assert channel_registry.get(kind).cli_setup is not None


def test_a_customer_message_arrives_through_the_one_ingest_path_and_agents_see_the_channel_by_name(kind, client):
    inbox = inbox_create(kind=kind, name="Support", external_id="acct-1")
    agent = make_user("anna", inboxes=[inbox])

    result = message_ingest(inbox=inbox, inbound=inbound("m-1", sender_id="customer-1", text="Is my order on its way?"))

    assert result.created and result.message.conversation.inbox == inbox
    assert result.message.conversation.identity.channel == kind
    client.force_login(agent)
    page = client.get("/").content.decode()
    assert str(channel_registry.get(kind).label) in page
    assert "Is my order on its way?" in client.get(f"/?c={result.message.conversation_id}").content.decode()
    listed = client.get(f"/api/v1/conversations/?channel={kind}").json()["results"]
    assert [item["id"] for item in listed] == [result.message.conversation_id]


# --- what the pigeon channel shows of the core's contract -------------------------------------


@pytest.fixture
def pigeon_conversation(loft):
    inbox = inbox_create(kind="pigeon", name="Pigeon post", external_id="Amsterdam")
    agent = make_user("anna", inboxes=[inbox])
    message = message_ingest(inbox=inbox, inbound=inbound("m-1", sender_id="dovecote-7", text="Coo?")).message
    return message.conversation, agent


def test_a_reply_leaves_through_the_channels_sender(loft, pigeon_conversation, django_capture_on_commit_callbacks):
    conversation, agent = pigeon_conversation

    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_send(conversation=conversation, author=agent, text="On its way!")

    reply.refresh_from_db()
    assert loft.sent == [{"to": "dovecote-7", "text": "On its way!"}]
    assert (reply.status, reply.external_id) == ("sent", "pigeon-1")


def test_a_retryable_failure_is_retried_and_a_permanent_one_is_shown_to_the_agent(
    loft, pigeon_conversation, django_capture_on_commit_callbacks
):
    conversation, agent = pigeon_conversation
    loft.fail_next = channel_registry.RetryableSendError("Headwind.")
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_send(conversation=conversation, author=agent, text="Try one")

    assert Message.objects.get(pk=reply.pk).status == "pending" and loft.sent == []
    Message.objects.filter(pk=reply.pk).update(next_attempt_at=timezone.now())
    assert message_deliver(reply.pk) == "sent"
    assert loft.sent == [{"to": "dovecote-7", "text": "Try one"}]
    loft.fail_next = channel_registry.PermanentSendError("The pigeon was eaten.")
    with django_capture_on_commit_callbacks(execute=True):
        doomed = reply_send(conversation=conversation, author=agent, text="Try two")

    doomed.refresh_from_db()
    assert (doomed.status, doomed.error) == ("failed", "The pigeon was eaten.")


def test_the_channels_window_refuses_a_reply_before_any_send(loft, pigeon_conversation):
    conversation, agent = pigeon_conversation
    Conversation.objects.filter(pk=conversation.pk).update(
        last_customer_message_at=timezone.now() - timedelta(hours=LOFT_HOURS + 1)
    )
    conversation.refresh_from_db()

    with pytest.raises(ReplyRefused) as refused:
        reply_send(conversation=conversation, author=agent, text="Too late?")

    assert refused.value.reason == "The pigeon has flown home: wait for the customer."
    assert loft.sent == [] and not Message.objects.filter(direction="out").exists()


def test_a_channel_that_declares_no_reactions_refuses_them(loft, pigeon_conversation):
    conversation, agent = pigeon_conversation
    target = conversation.messages.get()

    with pytest.raises(ReplyRefused) as refused:
        reaction_send(conversation=conversation, author=agent, target=target, emoji="👍")

    assert refused.value.code == "reactions_unsupported"
