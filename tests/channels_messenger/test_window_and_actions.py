"""The window in the agent's composer, sender actions (mark_seen, typing_on) and provisioning."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import escape

from channels_messenger import errors
from inbox.models import Conversation, Inbox
from tests.channels_messenger.fakes import MESSAGES, PSID
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(deliver):
    deliver("text")
    conversation = Conversation.objects.select_related("inbox", "identity").get()
    Conversation.objects.filter(pk=conversation.pk).update(last_customer_message_at=timezone.now())
    return conversation


@pytest.fixture
def agent_client(client, conversation):
    client.force_login(make_user(inboxes=[conversation.inbox]))
    return client


def _pane(client, conversation) -> str:
    return client.get(f"/inbox/conversations/{conversation.pk}/").content.decode()


def _customer_wrote(conversation, ago: timedelta) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(last_customer_message_at=timezone.now() - ago)


def test_the_composer_shows_the_window_state(agent_client, conversation):
    page = _pane(agent_client, conversation)
    assert 'data-testid="window-closed"' not in page and 'data-testid="window-note"' not in page
    assert "channel-messenger" in page

    _customer_wrote(conversation, timedelta(days=2))
    assert escape(str(errors.HUMAN_AGENT_DISABLED_REASON)) in _pane(agent_client, conversation)

    Inbox.objects.filter(pk=conversation.inbox_id).update(config={"human_agent": True})
    page = _pane(agent_client, conversation)
    assert 'data-testid="window-note"' in page and "HUMAN_AGENT" in page
    assert 'data-testid="window-closed"' not in page

    _customer_wrote(conversation, timedelta(days=8))
    assert escape(str(errors.HUMAN_AGENT_CLOSED_REASON)) in _pane(agent_client, conversation)


def test_opening_a_conversation_marks_it_seen_on_messenger(
    graph, agent_client, conversation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _pane(agent_client, conversation)
    assert [r.json for r in graph.sent() if "sender_action" in r.json] == []  # showing it is not reading it
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(f"/inbox/conversations/{conversation.pk}/seen/", {"opened": "1"})
    actions = [r.json for r in graph.sent() if "sender_action" in r.json]
    assert actions == [{"recipient": {"id": PSID}, "sender_action": "mark_seen"}]


def test_a_cross_site_get_marks_nothing_read_only_the_pages_post_does(
    graph, conversation, django_capture_on_commit_callbacks
):
    # given: an unread conversation and an agent whose browser follows links from anywhere
    from django.test import Client

    assert conversation.unread_count == 1
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_user(inboxes=[conversation.inbox]))

    def receipts():
        return [r.json for r in graph.sent() if r.json.get("sender_action") == "mark_seen"]

    # when: a top-level GET of the inbox with ?c=, the pane fragment and the timeline fragment
    with django_capture_on_commit_callbacks(execute=True):
        for url in ("/", "/inbox/conversations/{}/", "/inbox/conversations/{}/messages/"):
            path = url.format(conversation.pk) if "{}" in url else f"/?c={conversation.pk}"
            assert browser.get(path, HTTP_SEC_FETCH_SITE="cross-site").status_code == 200
        # ... and a forged POST without the CSRF token
        assert browser.post(f"/inbox/conversations/{conversation.pk}/seen/", {"opened": "1"}).status_code == 403

    # then: still unread for the team, and the customer was told nothing
    conversation.refresh_from_db()
    assert conversation.unread_count == 1 and receipts() == []

    # when: the page's script posts with the token
    browser.get(f"/?c={conversation.pk}")
    token = browser.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        answer = browser.post(f"/inbox/conversations/{conversation.pk}/seen/", {"opened": "1"}, HTTP_X_CSRFTOKEN=token)

    # then: read, and one read receipt
    assert answer.json() == {"cleared": True}
    conversation.refresh_from_db()
    assert conversation.unread_count == 0 and len(receipts()) == 1


def test_mark_seen_is_a_per_inbox_setting(graph, agent_client, conversation):
    Inbox.objects.filter(pk=conversation.inbox_id).update(config={"mark_seen": False})
    from channels_messenger.sender_actions import sender_action_send

    conversation.inbox.refresh_from_db()
    assert sender_action_send(conversation, "mark_seen") is False
    assert graph.sent() == []


def test_typing_shows_a_typing_indicator_at_most_once_per_throttle_period(
    graph, agent_client, conversation, django_capture_on_commit_callbacks
):
    cache.delete(f"messenger:typing:{conversation.pk}")
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = agent_client.post(f"/inbox/conversations/{conversation.pk}/typing/")
        assert response.status_code == 204
    typing = [r.json for r in graph.sent() if r.json.get("sender_action") == "typing_on"]
    assert typing == [{"recipient": {"id": PSID}, "sender_action": "typing_on"}]


def test_no_sender_action_outside_the_window(graph, conversation):
    from channels_messenger.sender_actions import sender_action_send

    _customer_wrote(conversation, timedelta(days=2))
    conversation.refresh_from_db()
    assert sender_action_send(conversation, "typing_on") is False
    assert [r for r in graph.requests if r.path == MESSAGES] == []


def test_typing_in_someone_elses_conversation_is_404(client, conversation):
    client.force_login(make_user())
    assert client.post(f"/inbox/conversations/{conversation.pk}/typing/").status_code == 404


def test_create_inbox_messenger_prints_the_webhook_url(db, capsys):
    call_command(
        "create_inbox",
        "messenger",
        "--name",
        "Pagina",
        "--page-id",
        "108123456789012",
        "--access-token",
        "t",
        "--app-secret",
        "s",
        "--verify-token",
        "v",
    )
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    inbox = Inbox.objects.get(pk=summary["id"])
    assert summary == {"id": inbox.pk, "kind": "messenger", "webhook_url": f"/webhooks/messenger/{inbox.public_key}/"}
    assert inbox.external_id == "108123456789012" and inbox.credentials["app_secret"] == "s"
