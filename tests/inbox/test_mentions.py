"""@mentions in private notes: who may be named, what is stored, the live hint to the named
agent, the Mentions view with its unread marks, and the API."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from inbox import replies
from inbox.models import Mention
from tests.factories import make_conversation, make_inbox, make_message, make_token, make_user
from tests.inbox.test_realtime import _connect, _next_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    inbox, other_inbox = make_inbox("livechat", name="Website"), make_inbox("whatsapp", name="Elsewhere")
    anna = make_user("anna", inboxes=[inbox])
    ben = make_user("ben", inboxes=[inbox])
    ben.first_name, ben.last_name = "Ben", "de Boer"
    ben.save()
    carl = make_user("carl", inboxes=[other_inbox])  # cannot see the conversation
    lea = make_user("lea", role="lead")  # sees every inbox
    conversation = make_conversation(inbox, contact=None)
    make_message(conversation, text="Waar blijft mijn pakket?")
    return inbox, conversation, anna, ben, carl, lea


def _note(conversation, author, text):
    return replies.reply_send(conversation=conversation, author=author, text=text, private=True)


def test_a_note_that_names_a_colleague_stores_who_mentioned_whom_in_which_note(team):
    inbox, conversation, anna, ben, carl, lea = team

    note = _note(conversation, anna, "@Ben de Boer kun jij dit oppakken? En @lea ter info.")

    found = {(m.author_id, m.mentioned_id, m.message_id, m.conversation_id) for m in Mention.objects.all()}
    assert found == {
        (anna.pk, ben.pk, note.pk, conversation.pk),
        (anna.pk, lea.pk, note.pk, conversation.pk),
    }


def test_only_agents_who_may_see_the_conversation_are_mentioned(team):
    inbox, conversation, anna, ben, carl, lea = team

    _note(conversation, anna, "@carl weet jij dit? @anna ik zelf")

    assert not Mention.objects.exists()  # carl is not in the inbox, anna is the author


def test_a_reply_to_the_customer_mentions_no_one(team):
    inbox, conversation, anna, ben, carl, lea = team

    replies.reply_send(conversation=conversation, author=anna, text="@ben hallo", private=False)

    assert not Mention.objects.exists()


def test_a_name_inside_a_longer_word_or_address_is_no_mention(team):
    inbox, conversation, anna, ben, carl, lea = team

    _note(conversation, anna, "mail ben@example.com of @benjamin")

    assert not Mention.objects.exists()


def test_the_picker_offers_only_colleagues_who_may_see_the_conversation(client, team):
    inbox, conversation, anna, ben, carl, lea = team
    client.force_login(anna)

    everyone = client.get(f"/inbox/conversations/{conversation.pk}/mentionable/").json()["results"]
    filtered = client.get(f"/inbox/conversations/{conversation.pk}/mentionable/?q=be").json()["results"]

    assert {person["username"] for person in everyone} == {"ben", "lea"}
    assert [(p["name"], p["username"]) for p in filtered] == [("Ben de Boer", "ben")]


def test_the_picker_of_a_conversation_the_agent_may_not_see_is_not_there(client, team):
    inbox, conversation, anna, ben, carl, lea = team
    client.force_login(carl)

    assert client.get(f"/inbox/conversations/{conversation.pk}/mentionable/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_mentioned_agent_hears_of_it_live_and_nobody_else_does(team):
    inbox, conversation, anna, ben, carl, lea = team

    async def scenario():
        ben_ws, _, _ = await _connect(ben)
        carl_ws, _, _ = await _connect(carl)
        await ben_ws.receive_json_from()
        await carl_ws.receive_json_from()
        note = await database_sync_to_async(lambda: _note(conversation, anna, "@ben kijk even"))()
        event = await _next_event(ben_ws, "mention_created")
        carl_heard_nothing = await carl_ws.receive_nothing(timeout=0.5)
        await ben_ws.disconnect()
        await carl_ws.disconnect()
        return note, event, carl_heard_nothing

    note, event, carl_heard_nothing = asyncio.run(scenario())
    assert event == {"event": "mention_created", "conversation_id": conversation.pk, "message_id": note.pk}
    assert carl_heard_nothing


def test_the_mentions_view_lists_where_i_was_mentioned_with_unread_marked_until_opened(client, team):
    inbox, conversation, anna, ben, carl, lea = team
    quiet = make_conversation(inbox)
    make_message(quiet, text="Nog een vraag")
    _note(conversation, anna, "@ben kijk even")
    client.force_login(ben)

    page = client.get("/").content.decode()
    listed = client.get("/inbox/list/?view=mentions&status=any").content.decode()

    assert 'data-testid="mentions-link"' in page and "view=mentions" in page
    assert f'data-conversation-id="{conversation.pk}"' in listed
    assert f'data-conversation-id="{quiet.pk}"' not in listed
    assert 'data-testid="mention-unread"' in listed

    # when Ben opens the conversation, the mention is read
    assert client.post(f"/inbox/conversations/{conversation.pk}/seen/", {"opened": "1"}).json()["cleared"]
    listed = client.get("/inbox/list/?view=mentions&status=any").content.decode()
    assert f'data-conversation-id="{conversation.pk}"' in listed
    assert 'data-testid="mention-unread"' not in listed
    assert Mention.objects.get().read_at is not None


def test_the_mentions_count_in_the_navigation_counts_unread_ones(client, team):
    from inbox import selectors

    inbox, conversation, anna, ben, carl, lea = team
    _note(conversation, anna, "@ben kijk even")

    nav = selectors.navigation(user=ben, filters=selectors.ListFilters())
    mentions_link = next(link for link in nav["nav_views"] if link.kind == "mentions")

    assert mentions_link.count == 1 and "view=mentions" in mentions_link.href


def test_the_api_shows_mentions_on_notes_and_lists_my_mentions(team):
    inbox, conversation, anna, ben, carl, lea = team
    note = _note(conversation, anna, "@Ben de Boer kijk even")
    api = Client(HTTP_AUTHORIZATION=f"Token {make_token(ben)}")

    messages = api.get(f"/api/v1/conversations/{conversation.pk}/messages/").json()["results"]
    mine = api.get("/api/v1/mentions/").json()["results"]
    unread = api.get("/api/v1/mentions/?unread=1").json()["results"]
    carls = Client(HTTP_AUTHORIZATION=f"Token {make_token(carl)}").get("/api/v1/mentions/").json()["results"]

    assert [m["mentions"] for m in messages if m["id"] == note.pk] == [[{"id": ben.pk, "name": "Ben de Boer"}]]
    assert [(m["conversation"], m["message"], m["author"]["id"], m["read"]) for m in mine] == [
        (conversation.pk, note.pk, anna.pk, False)
    ]
    assert len(unread) == 1 and carls == []
