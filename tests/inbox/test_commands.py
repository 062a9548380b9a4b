"""Management commands of the contract: each prints one JSON object on its last line."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from crm.models import ContactIdentity
from inbox import channel_registry
from inbox.models import Conversation, ConversationEvent, Inbox, Message, WebhookEvent
from inbox.webhooks import webhook_event_store

pytestmark = pytest.mark.django_db


def run(*args) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


@pytest.mark.smoke
def test_create_whatsapp_inbox_prints_its_webhook_url_and_keeps_secrets_out_of_the_output():
    out = StringIO()
    call_command(
        "create_inbox",
        "whatsapp",
        "--name",
        "Service",
        "--phone-number-id",
        "1065",
        "--access-token",
        "tok-SECRET",
        "--app-secret",
        "app-SECRET",
        "--verify-token",
        "verify-SECRET",
        "--waba-id",
        "777",
        stdout=out,
    )
    result = json.loads(out.getvalue().splitlines()[-1])
    inbox = Inbox.objects.get(pk=result["id"])
    assert result == {"id": inbox.pk, "kind": "whatsapp", "webhook_url": f"/webhooks/whatsapp/{inbox.public_key}/"}
    assert inbox.external_id == "1065" and inbox.config["waba_id"] == "777"
    assert inbox.credentials == {
        "access_token": "tok-SECRET",
        "app_secret": "app-SECRET",
        "verify_token": "verify-SECRET",
    }
    assert "SECRET" not in out.getvalue()
    assert inbox.first_response_target_seconds == 1800


def test_create_messenger_inbox():
    result = run(
        "create_inbox",
        "messenger",
        "--name",
        "Page",
        "--page-id",
        "42",
        "--access-token",
        "t",
        "--app-secret",
        "s",
        "--verify-token",
        "v",
    )
    inbox = Inbox.objects.get(pk=result["id"])
    assert result["kind"] == "messenger" and result["webhook_url"] == f"/webhooks/messenger/{inbox.public_key}/"
    assert inbox.external_id == "42"


@pytest.mark.smoke
def test_create_livechat_inbox_prints_widget_key_and_snippet(settings):
    settings.PUBLIC_URL = "https://chat.example.nl"
    result = run("create_inbox", "livechat", "--name", "Site", "--allowed-origin", "https://shop.example.nl")
    inbox = Inbox.objects.get(pk=result["id"])
    assert result["kind"] == "livechat" and result["widget_key"] == inbox.public_key
    assert result["snippet"].startswith('<script async src="https://chat.example.nl/widget/')
    assert inbox.config["allowed_origins"] == ["https://shop.example.nl"]


def test_create_inbox_without_required_credentials_fails():
    with pytest.raises(CommandError):
        call_command("create_inbox", "whatsapp", "--name", "x", stdout=StringIO(), stderr=StringIO())


@pytest.mark.smoke
def test_create_agent_with_role_and_inboxes_and_its_api_token():
    inbox = Inbox.objects.create(kind="livechat", name="Site")
    result = run(
        "create_agent",
        "--username",
        "anna",
        "--password",
        "s3cret-pass",
        "--role",
        "lead",
        "--inbox",
        str(inbox.pk),
        "--name",
        "Anna de Vries",
    )
    user = get_user_model().objects.get(pk=result["id"])
    assert user.agent_profile.role == "lead" and user.is_staff and not user.is_superuser
    assert user.check_password("s3cret-pass") and user.last_name == "de Vries"
    assert list(user.inboxes.all()) == [inbox]

    token = run("create_api_token", "--username", "anna")["token"]
    assert run("create_api_token", "--username", "anna")["token"] == token  # stable


@pytest.mark.parametrize(
    "args, message",
    [
        (["--role", "agent", "--inbox", "999"], "No inbox with id 999"),
        (["--role", "boss"], "invalid choice"),
    ],
)
def test_create_agent_refuses_bad_input_clearly(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_agent", "--username", "x", "--password", "p-123456", *args, stdout=StringIO())


def test_create_agent_refuses_an_existing_username():
    run("create_agent", "--username", "x", "--password", "p-123456", "--role", "admin")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_agent", "--username", "x", "--password", "p", "--role", "agent", stdout=StringIO())


def test_api_token_for_unknown_user_fails():
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "--username", "ghost", stdout=StringIO())


@pytest.mark.smoke
def test_seed_demo_creates_consistent_data_and_can_run_twice():
    first = run("seed_demo", "--conversations", "30", "--messages-per-conversation", "4")
    second = run("seed_demo", "--conversations", "30", "--messages-per-conversation", "4")

    assert first["conversations"] == 30 and first["messages"] == 120 and first["run"] != second["run"]
    assert Conversation.objects.count() == 60 and Message.objects.count() == 240
    assert ContactIdentity.objects.count() == 60
    # one inbox per channel and run
    assert sorted(Inbox.objects.values_list("kind", flat=True)) == sorted(
        2 * [c.kind for c in channel_registry.channels()]
    )
    conversation = Conversation.objects.order_by("id").first()
    last = conversation.messages.order_by("-sent_at").first()
    assert conversation.last_message_at == last.sent_at and conversation.last_message_preview == last.text[:160]
    assert ConversationEvent.objects.filter(kind="created").count() == 60


@pytest.mark.smoke
def test_load_demo_runs_once_and_prints_logins():
    first = run("load_demo")
    second = run("load_demo")
    assert first["created"] and not second["created"]
    assert {login["role"] for login in first["logins"]} == {"agent", "lead", "admin"}
    # an inbox of every channel that declares a demo, each with a customer waiting now
    demo_kinds = {channel.kind for channel in channel_registry.channels() if channel.demo is not None}
    assert set(Inbox.objects.values_list("kind", flat=True)) == demo_kinds and Inbox.objects.count() == len(demo_kinds)
    waiting = Conversation.objects.filter(status="open", messages__direction="in").values_list("inbox__kind", flat=True)
    assert set(waiting) == demo_kinds
    # the demo's customers came through the real ingest path: a live-chat visitor who typed
    # the Dutch number of a WhatsApp customer is that same contact
    shared = ContactIdentity.objects.filter(contact__phone="+31612345678")
    assert set(shared.values_list("channel", flat=True)) == {"whatsapp", "livechat"}
    assert Conversation.objects.count() >= 6
    assert Message.objects.filter(direction="in").count() >= 8


def test_reprocess_webhook_events_processes_what_failed():
    seen = []
    original = channel_registry.get("messenger")
    channel_registry.register(
        channel_registry.Channel(
            kind="messenger", send=original.send, process_webhook_event=lambda e: seen.append(e.pk)
        )
    )
    try:
        event = webhook_event_store(inbox=None, channel="messenger", body=b"{}", headers={})
        WebhookEvent.objects.filter(pk=event.pk).update(status="failed", error="boom")
        assert run("reprocess_webhook_events", "--include-recent") == {"events": 1, "processed": 1}
    finally:
        channel_registry.register(original)
    assert seen == [event.pk]
    assert WebhookEvent.objects.get(pk=event.pk).status == "processed"
