"""The agent inbox pages: what an agent sees and may do, and nothing of other inboxes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox.ingest import message_ingest
from inbox.models import ConversationEvent, Message
from tests.factories import inbound, make_inbox, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    own, foreign = make_inbox("livechat", name="Website"), make_inbox("livechat", name="Other brand")
    anna = make_user("anna", inboxes=[own])
    mine = message_ingest(inbox=own, inbound=inbound("m1", sender_id="v1", name="Sanne")).message.conversation
    theirs = message_ingest(
        inbox=foreign, inbound=inbound("m2", sender_id="v2", name="Secret Sam")
    ).message.conversation
    client.force_login(anna)
    return {"anna": anna, "mine": mine, "theirs": theirs, "own": own}


@pytest.mark.smoke
def test_the_inbox_lists_only_conversations_of_the_agents_inboxes(client, setup):
    page = client.get("/").content.decode()
    assert f'data-conversation-id="{setup["mine"].pk}"' in page
    assert "Secret Sam" not in page


@pytest.mark.smoke
def test_message_text_is_escaped_in_the_inbox(client, setup):
    message_ingest(inbox=setup["own"], inbound=inbound("m3", sender_id="v1", text="<script>alert(1)</script>"))
    page = client.get(f"/?c={setup['mine'].pk}").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/?c={id}"),
        ("get", "/inbox/conversations/{id}/"),
        ("get", "/inbox/conversations/{id}/messages/"),
        ("get", "/inbox/conversations/{id}/version/"),
        ("post", "/inbox/conversations/{id}/reply/"),
        ("post", "/inbox/conversations/{id}/update/"),
    ],
)
def test_another_inboxs_conversation_is_not_found_for_every_action(client, setup, method, path):
    url = path.format(id=setup["theirs"].pk)
    response = client.get(url) if method == "get" else client.post(url, {"text": "hi", "status": "resolved"})
    assert response.status_code == 404
    assert not Message.objects.filter(conversation=setup["theirs"], direction="out").exists()
    setup["theirs"].refresh_from_db()
    assert setup["theirs"].status == "open"


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    client.logout()
    response = client.get("/inbox/list/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.smoke
def test_a_reply_from_the_composer_goes_through_the_outbox(client, setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/inbox/conversations/{setup['mine'].pk}/reply/", {"text": "Hoi Sanne!"})
    assert response.status_code == 200
    reply = Message.objects.get(conversation=setup["mine"], direction="out")
    assert reply.author == setup["anna"] and reply.status == "sent"  # the livechat sender published it
    assert 'data-direction="out"' in response.content.decode()


def test_a_private_note_is_marked_and_never_sent(client, setup):
    client.post(f"/inbox/conversations/{setup['mine'].pk}/reply/", {"text": "VIP", "private": "1"})
    note = Message.objects.get(conversation=setup["mine"], direction="out")
    assert note.private and note.attempts == 0
    assert "private-note" in client.get(f"/inbox/conversations/{setup['mine'].pk}/messages/").content.decode()


def test_a_live_refresh_of_a_conversation_opened_at_a_message_keeps_it_marked(client, setup):
    message = setup["mine"].messages.get()
    pane = client.get(f"/inbox/conversations/{setup['mine'].pk}/?m={message.pk}").content.decode()
    refresh_url = f"/inbox/conversations/{setup['mine'].pk}/messages/?m={message.pk}"
    assert refresh_url in pane  # the timeline refreshes itself with the same message marked
    refreshed = client.get(refresh_url).content.decode()
    assert "highlighted" in refreshed and "highlighted" not in client.get(refresh_url.split("?")[0]).content.decode()


def test_a_page_that_missed_an_event_learns_the_conversations_version(client, setup):
    # given: the page shows the conversation at its current version
    url = f"/inbox/conversations/{setup['mine'].pk}/version/"
    shown = client.get(url).json()["version"]

    # when: a colleague assigns it (and the page's hint about it is lost)
    client.post(f"/inbox/conversations/{setup['mine'].pk}/update/", {"assignee": "me"})

    # then: the page's next check sees a newer version, so it fetches the header again
    assert client.get(url).json()["version"] == shown + 1


def test_status_and_assignment_change_from_the_header(client, setup):
    url = f"/inbox/conversations/{setup['mine'].pk}/update/"
    assert client.post(url, {"assignee": "me"}).status_code == 200
    assert client.post(url, {"status": "resolved"}).status_code == 200
    setup["mine"].refresh_from_db()
    assert setup["mine"].assignee == setup["anna"] and setup["mine"].status == "resolved"
    kinds = set(ConversationEvent.objects.filter(conversation=setup["mine"]).values_list("kind", flat=True))
    assert {"assigned", "status_changed"} <= kinds


def test_assigning_someone_outside_the_inbox_is_refused(client, setup):
    outsider = make_user("olaf")
    response = client.post(f"/inbox/conversations/{setup['mine'].pk}/update/", {"assignee": outsider.pk})
    assert response.status_code == 400
    setup["mine"].refresh_from_db()
    assert setup["mine"].assignee is None


def test_list_and_conversation_run_a_fixed_number_of_queries(client, setup):
    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    few_list, few_conversation = count("/inbox/list/"), count(f"/inbox/conversations/{setup['mine'].pk}/")
    for n in range(12):
        message_ingest(inbox=setup["own"], inbound=inbound(f"x{n}", sender_id=f"visitor-{n}", name=f"V{n}"))
        message_ingest(inbox=setup["own"], inbound=inbound(f"y{n}", sender_id="v1"))
    assert count("/inbox/list/") == few_list
    assert count(f"/inbox/conversations/{setup['mine'].pk}/") == few_conversation


def test_bot_questions_show_as_bot_messages_not_as_the_customers_choice(client, setup):
    from tests.factories import make_message

    # given a survey question the bot sent with its choices, and the customer's tapped answer
    conversation = setup["mine"]
    make_message(
        conversation,
        direction="out",
        sender_type="bot",
        kind="interactive",
        text="How satisfied are you?",
        content={"choices": [{"id": "survey:csat:5", "title": "5 😀"}, {"id": "survey:csat:1", "title": "1 😞"}]},
    )
    make_message(conversation, direction="in", kind="interactive", text="5 😀", content={"id": "survey:csat:5"})
    # when the agent opens the conversation
    page = client.get(f"/inbox/conversations/{conversation.pk}/messages/").content.decode()
    # then the question is labelled as the bot's, with the choices it offered, and only the
    # customer's answer reads "Chose"
    question = page.split("How satisfied are you?")[0].rsplit('<li class="message', 1)[1]
    assert "sender-bot" in question and 'data-testid="bot-label"' in question
    assert page.count("Chose") == 1 and "Chose:</span> <strong>5 😀" in page
    assert '<ul class="offered-choices"' in page
