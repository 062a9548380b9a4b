"""Working a conversation in the agent inbox: unread counts, navigation, bulk actions, teams,
snooze, retry, canned responses, templates and the agent's language. Every action is also tried
on a conversation of an inbox the agent is not a member of."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox import services
from inbox.ingest import message_ingest
from inbox.models import CannedResponse, Conversation, ConversationEvent, Message, Tag, Team
from tests.factories import inbound, make_inbox, make_message, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    own, foreign = make_inbox("livechat", name="Website"), make_inbox("livechat", name="Other brand")
    anna = make_user("anna", inboxes=[own])
    ben = make_user("ben", inboxes=[own])
    mine = message_ingest(inbox=own, inbound=inbound("m1", sender_id="v1", name="Sanne")).message.conversation
    second = message_ingest(inbox=own, inbound=inbound("m2", sender_id="v2", name="Max")).message.conversation
    theirs = message_ingest(inbox=foreign, inbound=inbound("m3", sender_id="v3", name="Sam")).message.conversation
    client.force_login(anna)
    return {"anna": anna, "ben": ben, "own": own, "foreign": foreign, "mine": mine, "second": second, "theirs": theirs}


# --- unread -----------------------------------------------------------------------------------
@pytest.mark.smoke
def test_customer_messages_are_unread_until_an_agent_opens_the_conversation(client, setup):
    message_ingest(inbox=setup["own"], inbound=inbound("m4", sender_id="v1", text="Nog een vraag"))
    setup["mine"].refresh_from_db()
    assert setup["mine"].unread_count == 2

    page = client.get("/inbox/list/").content.decode()
    assert 'data-unread-total="2"' in page  # the tab title's number: two conversations
    assert page.count('data-testid="unread-count"') == 2

    assert client.post(f"/inbox/conversations/{setup['mine'].pk}/seen/", {"opened": "1"}).json() == {"cleared": True}
    setup["mine"].refresh_from_db()
    assert setup["mine"].unread_count == 0 and setup["mine"].agent_last_seen_at is not None
    assert 'data-unread-total="1"' in client.get("/inbox/list/").content.decode()


def test_an_agents_reply_or_note_does_not_count_as_unread(client, setup):
    client.post(f"/inbox/conversations/{setup['mine'].pk}/seen/", {"opened": "1"})
    client.post(f"/inbox/conversations/{setup['mine'].pk}/reply/", {"text": "Hallo!"})
    client.post(f"/inbox/conversations/{setup['mine'].pk}/reply/", {"text": "intern", "private": "1"})
    setup["mine"].refresh_from_db()
    assert setup["mine"].unread_count == 0


def test_opening_another_inboxs_conversation_does_not_mark_it_read(client, setup):
    assert client.get(f"/inbox/conversations/{setup['theirs'].pk}/").status_code == 404
    assert client.post(f"/inbox/conversations/{setup['theirs'].pk}/seen/", {"opened": "1"}).status_code == 404
    setup["theirs"].refresh_from_db()
    assert setup["theirs"].unread_count == 1


# --- navigation ---------------------------------------------------------------------------------
def test_navigation_links_keep_the_other_filters_and_count_the_views(client, setup):
    services.conversation_update(conversation=setup["mine"], actor=setup["anna"], assignee=setup["anna"])
    page = client.get("/?channel=livechat&status=open").content.decode()
    # "Mine" inside the live chat channel stays in it
    assert 'href="?view=mine&amp;status=open&amp;channel=livechat"' in page
    assert "Other brand" not in page  # an inbox the agent is not in is not listed
    mine_only = client.get("/inbox/list/?view=mine").content.decode()
    assert f'data-conversation-id="{setup["mine"].pk}"' in mine_only
    assert f'data-conversation-id="{setup["second"].pk}"' not in mine_only


def test_the_team_filter_and_team_assignment(client, setup):
    billing = Team.objects.create(name="Billing")
    response = client.post(f"/inbox/conversations/{setup['second'].pk}/update/", {"team": billing.pk})
    assert response.status_code == 200
    setup["second"].refresh_from_db()
    assert setup["second"].team == billing
    assert ConversationEvent.objects.filter(conversation=setup["second"], kind="team_changed").exists()
    assert "Team: Billing" in client.get(f"/inbox/conversations/{setup['second'].pk}/messages/").content.decode()
    listed = client.get(f"/inbox/list/?team={billing.pk}").content.decode()
    assert f'data-conversation-id="{setup["second"].pk}"' in listed
    assert f'data-conversation-id="{setup["mine"].pk}"' not in listed


def test_the_pager_keeps_the_filters(client, setup):
    for n in range(31):
        message_ingest(inbox=setup["own"], inbound=inbound(f"p{n}", sender_id=f"pv{n}"))
    page = client.get("/inbox/list/?channel=livechat&sort=waiting").content.decode()
    assert "channel=livechat&amp;sort=waiting&amp;page=2" in page
    second = client.get("/inbox/list/?channel=livechat&sort=waiting&page=2").content.decode()
    assert second.count('data-testid="conversation-item"') == 3


# --- bulk -------------------------------------------------------------------------------------------
def test_bulk_assign_tag_and_resolve(client, setup):
    ids = [setup["mine"].pk, setup["second"].pk]
    assert client.post("/inbox/bulk/", {"ids": ids, "action": "assign_me"}).status_code == 200
    Tag.objects.bulk_create([Tag(name="complaint"), Tag(name="vip")])  # agents apply the tags leads keep
    assert client.post("/inbox/bulk/", {"ids": ids, "action": "tag", "tags": "complaint, VIP"}).status_code == 200
    assert client.post("/inbox/bulk/", {"ids": ids, "action": "resolve"}).status_code == 200
    for conversation in Conversation.objects.filter(pk__in=ids):
        assert conversation.assignee == setup["anna"]
        assert sorted(conversation.tags.values_list("name", flat=True)) == ["complaint", "vip"]
        assert conversation.status == "resolved"


def test_bulk_assign_to_a_colleague(client, setup):
    response = client.post("/inbox/bulk/", {"ids": [setup["mine"].pk], "action": "assign", "assignee": setup["ben"].pk})
    assert response.status_code == 200
    setup["mine"].refresh_from_db()
    assert setup["mine"].assignee == setup["ben"]


def test_bulk_with_a_conversation_of_another_inbox_changes_nothing(client, setup):
    response = client.post("/inbox/bulk/", {"ids": [setup["mine"].pk, setup["theirs"].pk], "action": "resolve"})
    assert response.status_code == 404
    assert set(Conversation.objects.values_list("status", flat=True)) == {"open"}


def test_bulk_without_an_action_or_selection_is_a_clear_error(client, setup):
    assert client.post("/inbox/bulk/", {"ids": [setup["mine"].pk], "action": "explode"}).status_code == 400
    assert client.post("/inbox/bulk/", {"action": "resolve"}).status_code == 400
    response = client.post("/inbox/bulk/", {"ids": [setup["mine"].pk], "action": "tag", "tags": " "})
    assert response.status_code == 400 and b"tags" in response.content


# --- snooze -----------------------------------------------------------------------------------------
def test_snooze_needs_a_future_time_and_wakes_up(client, setup):
    url = f"/inbox/conversations/{setup['mine'].pk}/update/"
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, {"status": "snoozed", "snoozed_until": past}).status_code == 400
    soon = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, {"status": "snoozed", "snoozed_until": soon}).status_code == 200
    setup["mine"].refresh_from_db()
    assert setup["mine"].status == "snoozed"
    assert abs((setup["mine"].snoozed_until - (timezone.now() + timedelta(hours=2))).total_seconds()) < 120

    assert services.snoozed_conversations_wake() == 0  # not yet
    assert services.snoozed_conversations_wake(now=timezone.now() + timedelta(hours=3)) == 1
    setup["mine"].refresh_from_db()
    assert setup["mine"].status == "open" and setup["mine"].snoozed_until is None
    timeline = client.get(f"/inbox/conversations/{setup['mine'].pk}/messages/").content.decode()
    assert "Snooze ended" in timeline


def test_snoozed_without_a_time_snoozes_until_tomorrow_morning_on_the_agents_clock(client, setup):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from inbox.models import AgentProfile

    # given an agent in New York
    AgentProfile.objects.filter(user=setup["anna"]).update(time_zone="America/New_York")
    # when they choose "Snoozed" and give no time
    url = f"/inbox/conversations/{setup['mine'].pk}/update/"
    response = client.post(url, {"status": "snoozed", "snoozed_until": ""})
    # then the conversation is snoozed until 09:00 tomorrow New York time, and the header says so
    assert response.status_code == 200
    setup["mine"].refresh_from_db()
    zone = ZoneInfo("America/New_York")
    tomorrow = timezone.now().astimezone(zone).date() + timedelta(days=1)
    assert setup["mine"].status == "snoozed"
    assert setup["mine"].snoozed_until == datetime.combine(tomorrow, time(9, 0), tzinfo=zone)
    assert f'value="{tomorrow.isoformat()}T09:00"' in response.content.decode()


# --- retry --------------------------------------------------------------------------------------------
def test_a_failed_reply_can_be_sent_again(client, setup, django_capture_on_commit_callbacks):
    failed = make_message(setup["mine"], direction="out", text="Hallo", status="failed", error="Timeout", attempts=5)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/inbox/messages/{failed.pk}/retry/")
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.status == "sent" and failed.error == ""  # live chat delivers at once


def test_only_failed_replies_are_retried_and_only_in_own_inboxes(client, setup):
    sent = make_message(setup["mine"], direction="out", text="ok", status="sent")
    response = client.post(f"/inbox/messages/{sent.pk}/retry/")
    assert "Only a failed reply can be sent again." in response.content.decode()
    foreign = make_message(setup["theirs"], direction="out", text="x", status="failed")
    assert client.post(f"/inbox/messages/{foreign.pk}/retry/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "failed"


def test_a_failed_reply_shows_its_reason_and_a_retry_button(client, setup):
    make_message(setup["mine"], direction="out", text="Hallo", status="failed", error="Customer unreachable")
    page = client.get(f"/inbox/conversations/{setup['mine'].pk}/").content.decode()
    assert 'title="Customer unreachable"' in page and 'data-testid="message-retry"' in page


# --- reply to a message --------------------------------------------------------------------------------
def test_a_reply_to_a_customer_message_links_to_it(client, setup):
    question = Message.objects.get(conversation=setup["mine"], direction="in")
    client.post(f"/inbox/conversations/{setup['mine'].pk}/reply/", {"text": "Ja!", "reply_to": question.pk})
    reply = Message.objects.get(conversation=setup["mine"], direction="out")
    assert reply.reply_to == question
    other = Message.objects.get(conversation=setup["theirs"])
    response = client.post(f"/inbox/conversations/{setup['mine'].pk}/reply/", {"text": "x", "reply_to": other.pk})
    assert response.status_code == 422
    assert Message.objects.filter(conversation=setup["mine"], direction="out").count() == 1


# --- canned responses ------------------------------------------------------------------------------------
def test_only_leads_manage_canned_responses(client, setup):
    assert client.get("/inbox/canned/manage/").status_code == 404
    assert client.post("/inbox/canned/manage/", {"shortcut": "x", "title": "x", "text": "x"}).status_code == 404
    lead = make_user("lea", role="lead")
    client.force_login(lead)
    response = client.post(
        "/inbox/canned/manage/",
        {"shortcut": "levertijd", "title": "Levertijd", "category": "question", "text": "Binnen 2 werkdagen."},
    )
    assert response.status_code == 302
    canned = CannedResponse.objects.get(shortcut="levertijd")
    assert canned.created_by == lead
    assert "/levertijd" in client.get("/inbox/canned/manage/").content.decode()
    client.post(f"/inbox/canned/manage/{canned.pk}/delete/")
    assert not CannedResponse.objects.exists()


def test_the_composer_finds_canned_responses_for_the_inbox(client, setup):
    everywhere = CannedResponse.objects.create(shortcut="bedankt", title="Bedankt", text="Dank je wel!")
    only_other = CannedResponse.objects.create(shortcut="beleid", title="Beleid", text="Ons beleid", category="crisis")
    only_other.inboxes.add(setup["foreign"])
    found = client.get(f"/inbox/canned/?q=be&inbox={setup['own'].pk}").json()["results"]
    assert [c["shortcut"] for c in found] == [everywhere.shortcut]
    assert client.get(f"/inbox/canned/?q=be&inbox={setup['foreign'].pk}").status_code == 404
    assert [c["shortcut"] for c in client.get("/inbox/canned/?q=be").json()["results"]] == ["bedankt"]


# --- templates outside the window ----------------------------------------------------------------------------
def test_outside_the_whatsapp_window_the_composer_offers_templates(client, django_capture_on_commit_callbacks):
    from channels_whatsapp.models import MessageTemplate

    inbox = make_inbox("whatsapp", credentials={"access_token": "t", "app_secret": "s"})
    agent = make_user("wendy", inboxes=[inbox])
    long_ago = timezone.now() - timedelta(days=2)
    conversation = message_ingest(inbox=inbox, inbound=inbound("wamid.old", sender_id="31612345678", at=long_ago))
    conversation = conversation.message.conversation
    MessageTemplate.objects.create(
        inbox=inbox,
        name="order_update",
        language="nl",
        status="APPROVED",
        parameter_count=1,
        parameter_names=["body.1"],
        components=[{"type": "BODY", "text": "Je bestelling {{1}} is onderweg."}],
    )
    MessageTemplate.objects.create(inbox=inbox, name="draft", language="nl", status="PENDING")
    client.force_login(agent)
    page = client.get(f"/inbox/conversations/{conversation.pk}/").content.decode()
    assert 'data-testid="window-closed"' in page and 'data-testid="template-picker"' in page
    assert "order_update (nl)" in page and "draft" not in page

    refused = client.post(f"/inbox/conversations/{conversation.pk}/reply/", {"text": "Hoi"})
    assert refused.status_code == 422
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            f"/inbox/conversations/{conversation.pk}/template/", {"template": "order_update|nl", "parameter": "10234"}
        )
    assert response.status_code == 200
    sent = Message.objects.get(conversation=conversation, direction="out")
    assert sent.kind == "template" and "10234" in sent.text


# --- language ----------------------------------------------------------------------------------------------
@pytest.mark.smoke
def test_an_agents_chosen_language_wins_over_the_browser(client, setup):
    response = client.post("/inbox/preferences/", {"language": "de", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'lang="de"' in page
    client.post("/inbox/preferences/", {"language": "", "next": "https://evil.example/"})
    assert 'lang="nl"' in client.get("/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()


def test_the_whole_page_runs_a_fixed_number_of_queries_whatever_the_data(client, setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    path = f"/?c={setup['mine'].pk}"
    before = count(path)
    billing = Team.objects.create(name="Billing")
    for n in range(15):
        conversation = message_ingest(
            inbox=setup["own"], inbound=inbound(f"q{n}", sender_id=f"qv{n}", name=f"Q{n}")
        ).message.conversation
        Tag.objects.create(name=f"tag{n}")  # agents apply the tags leads keep
        services.conversation_update(
            conversation=conversation, actor=setup["anna"], tags=[f"tag{n}"], assignee=setup["ben"], team=billing
        )
        message_ingest(inbox=setup["own"], inbound=inbound(f"r{n}", sender_id="v1", text=f"more {n}"))
        make_message(setup["mine"], direction="out", text=f"answer {n}", status="failed", error="x")
    assert count(path) == before


def test_the_contact_panel_shows_an_ad_as_the_source_and_only_web_links(client, setup):
    ad = {"headline": "Wintersale -20%", "source_url": "https://fb.me/ad1", "ctwa_clid": "abc"}
    from_ad = message_ingest(
        inbox=setup["own"], inbound=inbound("ad1", sender_id="ad-visitor", source=ad)
    ).message.conversation
    page = client.get(f"/inbox/conversations/{from_ad.pk}/").content.decode()
    assert "Ad: Wintersale -20%" in page and 'href="https://fb.me/ad1"' in page
    hostile = {"headline": "x", "source_url": "javascript:alert(1)"}
    other = message_ingest(
        inbox=setup["own"], inbound=inbound("ad2", sender_id="ad-visitor-2", source=hostile)
    ).message.conversation
    assert "javascript:" not in client.get(f"/inbox/conversations/{other.pk}/").content.decode()


def test_messages_arriving_while_the_agent_looks_are_read_and_the_channel_is_told_once(client, setup, monkeypatch):
    from inbox import channel_registry

    told = []
    livechat = channel_registry.get("livechat")
    monkeypatch.setattr(
        channel_registry,
        "_registry",
        {
            **channel_registry._registry,
            "livechat": livechat.__class__(
                **{**livechat.__dict__, "conversation_opened": lambda conversation: told.append(conversation.pk)}
            ),
        },
    )
    seen = f"/inbox/conversations/{setup['mine'].pk}/seen/"
    client.post(seen, {"opened": "1"})  # the page shows the conversation
    assert told == [setup["mine"].pk]
    client.post(seen)  # the timeline refreshed with nothing new
    assert told == [setup["mine"].pk]
    message_ingest(inbox=setup["own"], inbound=inbound("m9", sender_id="v1", text="En nog iets"))
    client.post(seen)  # the live refresh showed the new message
    setup["mine"].refresh_from_db()
    assert setup["mine"].unread_count == 0
    assert told == [setup["mine"].pk, setup["mine"].pk]
