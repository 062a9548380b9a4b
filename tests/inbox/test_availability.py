"""Agents' availability: each transition (sign in, sign out, the top-bar pick, no inbox tab for
a while, back again), who hears of it, auto-assignment on coming online and the reports' time."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from automation.models import InboxAutomation
from inbox import availability
from inbox.models import AgentProfile, Availability, AvailabilityReason, Conversation
from reporting.kpis import ReportFilter, summary_compute
from tests.factories import make_conversation, make_inbox, make_user
from webcare.routing import websocket_urlpatterns

pytestmark = [pytest.mark.django_db]

application = URLRouter(websocket_urlpatterns)


def profile(user) -> AgentProfile:
    return AgentProfile.objects.get(user=user)


def set_state(user, state: str, *, changed_at=None, last_seen_at=None, reason: str = "") -> None:
    AgentProfile.objects.filter(user=user).update(
        availability=state, availability_changed_at=changed_at, last_seen_at=last_seen_at, availability_reason=reason
    )


# --- signing in and out -------------------------------------------------------------------


def test_signing_in_makes_an_agent_online_and_signing_out_offline(client):
    agent = make_user("anna")
    assert profile(agent).availability == Availability.OFFLINE

    answer = client.post("/accounts/login/", {"username": "anna", "password": "pw-secret-123"})
    assert answer.status_code == 302
    after_login = profile(agent)
    assert after_login.availability == Availability.ONLINE
    assert after_login.availability_reason == AvailabilityReason.SIGNED_IN
    assert after_login.availability_changed_at is not None

    client.post("/accounts/logout/")
    after_logout = profile(agent)
    assert after_logout.availability == Availability.OFFLINE
    assert after_logout.availability_reason == AvailabilityReason.SIGNED_OUT


def test_a_wrong_password_changes_nothing(client):
    agent = make_user("anna")
    client.post("/accounts/login/", {"username": "anna", "password": "wrong"})
    assert profile(agent).availability == Availability.OFFLINE


# --- the top-bar control ------------------------------------------------------------------


def test_the_top_bar_shows_the_control_with_the_agents_status(client):
    agent = make_user("anna")
    client.force_login(agent)  # signing in: Online
    page = client.get("/").content.decode()
    assert 'data-testid="availability"' in page
    assert '<option value="online" selected>' in page
    assert 'data-availability-dot data-value="online"' in page


def test_an_agent_picks_away_then_offline_and_a_nonsense_value_is_refused(client):
    agent = make_user("anna")
    client.force_login(agent)

    answer = client.post("/inbox/availability/", {"availability": "away"}, HTTP_ACCEPT="application/json")
    assert answer.json() == {"availability": "away"}
    assert profile(agent).availability == Availability.AWAY
    assert profile(agent).availability_reason == AvailabilityReason.CHOSEN

    # without script: a plain form post goes back where it came from
    answer = client.post("/inbox/availability/", {"availability": "offline", "next": "/contacts/"})
    assert answer.status_code == 302 and answer["Location"] == "/contacts/"
    assert profile(agent).availability == Availability.OFFLINE

    answer = client.post("/inbox/availability/", {"availability": "sleeping"}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "availability_refused"
    assert profile(agent).availability == Availability.OFFLINE


def test_the_control_needs_a_signed_in_user_and_a_post(client):
    assert client.post("/inbox/availability/", {"availability": "online"}).status_code == 302
    client.force_login(make_user("anna"))
    assert client.get("/inbox/availability/").status_code == 405


# --- away when no inbox tab is open ----------------------------------------------------------


def test_an_online_agent_with_no_inbox_tab_for_n_minutes_becomes_away(settings):
    settings.WEBCARE_AWAY_AFTER_MINUTES = 5
    now = timezone.now()
    gone = make_user("gone")
    set_state(gone, "online", changed_at=now - timedelta(hours=1), last_seen_at=now - timedelta(minutes=6))
    here = make_user("here")
    set_state(here, "online", changed_at=now - timedelta(hours=1), last_seen_at=now - timedelta(minutes=1))
    just_signed_in = make_user("new")  # no tab yet, but signed in a minute ago
    set_state(just_signed_in, "online", changed_at=now - timedelta(minutes=1))
    never_opened = make_user("never")
    set_state(never_opened, "online", changed_at=now - timedelta(minutes=10))
    offline = make_user("off")
    set_state(offline, "offline", changed_at=now - timedelta(hours=1))

    assert availability.agents_idle_away(now=now) == 2

    states = dict(AgentProfile.objects.values_list("user__username", "availability"))
    assert states == {"gone": "away", "here": "online", "new": "online", "never": "away", "off": "offline"}
    assert profile(gone).availability_reason == AvailabilityReason.IDLE
    # safe to run twice
    assert availability.agents_idle_away(now=now) == 0


def test_the_away_time_is_a_setting(settings):
    now = timezone.now()
    agent = make_user("anna")
    set_state(agent, "online", changed_at=now - timedelta(hours=1), last_seen_at=now - timedelta(minutes=6))
    settings.WEBCARE_AWAY_AFTER_MINUTES = 10
    assert availability.agents_idle_away(now=now) == 0
    settings.WEBCARE_AWAY_AFTER_MINUTES = 5
    assert availability.agents_idle_away(now=now) == 1


def test_the_away_sweep_is_in_the_beat_table(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "inbox.tasks.agents_idle_away_task" in tasks


async def _inbox_socket(user):
    communicator = WebsocketCommunicator(application, "/ws/inbox/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    await communicator.receive_json_from()  # hello
    return communicator


@pytest.mark.django_db(transaction=True)
def test_an_open_inbox_tab_keeps_an_agent_online_and_reopening_brings_an_idle_agent_back(settings):
    settings.WEBCARE_AWAY_AFTER_MINUTES = 5
    agent = make_user("anna")
    long_ago = timezone.now() - timedelta(hours=1)
    set_state(agent, "online", changed_at=long_ago, last_seen_at=long_ago)

    async def scenario():
        ws = await _inbox_socket(agent)
        seen_on_connect = (await database_sync_to_async(profile)(agent)).last_seen_at
        await ws.send_json_to({"action": "ping"})
        assert (await ws.receive_json_from())["event"] == "pong"
        swept = await database_sync_to_async(availability.agents_idle_away)()
        await ws.disconnect()
        return seen_on_connect, swept

    seen_on_connect, swept = asyncio.run(scenario())
    assert seen_on_connect > long_ago
    assert swept == 0 and profile(agent).availability == Availability.ONLINE

    # the tab closed 6 minutes ago (the process may have died and never said so: only the
    # heartbeat's age counts)
    set_state(agent, "online", changed_at=long_ago, last_seen_at=timezone.now() - timedelta(minutes=6))
    assert availability.agents_idle_away() == 1

    async def reopen():
        ws = await _inbox_socket(agent)
        await ws.disconnect()

    asyncio.run(reopen())
    assert profile(agent).availability == Availability.ONLINE
    assert profile(agent).availability_reason == AvailabilityReason.RETURNED


@pytest.mark.django_db(transaction=True)
def test_opening_the_inbox_does_not_undo_an_away_or_offline_the_agent_chose():
    agent = make_user("anna")
    for state in ("away", "offline"):
        set_state(agent, state, changed_at=timezone.now(), reason=AvailabilityReason.CHOSEN)

        async def scenario():
            ws = await _inbox_socket(agent)
            await ws.disconnect()

        asyncio.run(scenario())
        assert profile(agent).availability == state


# --- leads set someone away ------------------------------------------------------------------


def test_a_lead_sets_an_online_agent_away_and_it_is_audited(client):
    from audit.models import AuditEntry

    lead = make_user("lea", role="lead")
    agent = make_user("anna")
    set_state(agent, "online", changed_at=timezone.now())
    client.force_login(lead)

    page = client.get("/settings/availability/")
    assert page.status_code == 200
    assert b'data-testid="team-availability"' in page.content and b"anna" in page.content
    rows = client.get("/settings/availability/rows/").content.decode()  # re-fetched every 10 s
    assert f'data-user-id="{agent.pk}" data-availability="online"' in rows and 'data-testid="set-away"' in rows

    answer = client.post(f"/settings/availability/{agent.pk}/away/")
    assert answer.status_code == 302
    assert profile(agent).availability == Availability.AWAY
    assert profile(agent).availability_reason == AvailabilityReason.LEAD
    entry = AuditEntry.objects.get(action="agent.availability_changed")
    assert entry.actor == lead and entry.target_id == str(agent.pk)
    assert entry.data == {"before": "online", "after": "away"}
    rows = client.get("/settings/availability/rows/").content.decode()
    assert f'data-user-id="{agent.pk}" data-availability="away"' in rows and "Set by a lead" in rows

    # again: nothing changes, nothing more recorded
    client.post(f"/settings/availability/{agent.pk}/away/")
    assert AuditEntry.objects.filter(action="agent.availability_changed").count() == 1


def test_a_lead_cannot_set_an_offline_agent_away_nor_anyone_online(client):
    from audit.models import AuditEntry

    lead = make_user("lea", role="lead")
    agent = make_user("anna")
    client.force_login(lead)

    answer = client.post(f"/settings/availability/{agent.pk}/away/")
    assert answer.status_code == 400 and b'data-testid="availability-error"' in answer.content
    assert profile(agent).availability == Availability.OFFLINE
    assert not AuditEntry.objects.exists()
    # there is no route to set someone else Online; the top-bar control changes only your own
    client.post("/inbox/availability/", {"availability": "online", "user": agent.pk})
    assert profile(agent).availability == Availability.OFFLINE


def test_agents_get_404_on_the_team_page(client):
    agent = make_user("anna")
    other = make_user("bert")
    set_state(other, "online", changed_at=timezone.now())
    client.force_login(agent)
    assert client.get("/settings/availability/").status_code == 404
    assert client.get("/settings/availability/rows/").status_code == 404
    assert client.post(f"/settings/availability/{other.pk}/away/").status_code == 404
    assert profile(other).availability == Availability.ONLINE


# --- who hears of a change -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_colleagues_who_share_an_inbox_hear_of_a_change_and_others_do_not():
    shared, elsewhere = make_inbox("whatsapp"), make_inbox("whatsapp")
    anna = make_user("anna", inboxes=[shared])
    bert = make_user("bert", inboxes=[shared])
    carl = make_user("carl", inboxes=[elsewhere])

    async def scenario():
        bert_ws, carl_ws, anna_ws = await _inbox_socket(bert), await _inbox_socket(carl), await _inbox_socket(anna)
        await database_sync_to_async(availability.agent_availability_choose)(user=anna, availability="online")
        bert_event = await bert_ws.receive_json_from(timeout=3)
        anna_event = await anna_ws.receive_json_from(timeout=3)
        carl_heard = not await carl_ws.receive_nothing(timeout=0.3)
        for ws in (bert_ws, carl_ws, anna_ws):
            await ws.disconnect()
        return bert_event, anna_event, carl_heard

    bert_event, anna_event, carl_heard = asyncio.run(scenario())
    assert bert_event["event"] == "availability_changed"
    assert bert_event["user_id"] == anna.pk and bert_event["availability"] == "online" and bert_event["version"]
    assert anna_event["event"] == "availability_changed"  # her other tabs follow
    assert not carl_heard


@pytest.mark.django_db(transaction=True)
def test_an_open_widget_switches_between_online_and_offline_live():
    from tests.livechat.conftest import ORIGIN, next_frame, visitor_session

    inbox = make_inbox("livechat", config={"allowed_origins": [ORIGIN]})
    anna = make_user("anna", inboxes=[inbox])
    anna.first_name = "Anna"
    anna.save()

    async def scenario():
        ws, session = await visitor_session(inbox)
        choose = database_sync_to_async(availability.agent_availability_choose)
        await choose(user=anna, availability="online")
        online = await next_frame(ws, "availability")
        await choose(user=anna, availability="away")
        away = await next_frame(ws, "availability")
        # the widget may also ask (it does every minute, in case a push was lost)
        await ws.send_json_to({"type": "availability"})
        asked = await next_frame(ws, "availability")
        await ws.disconnect()
        return session, online, away, asked

    session, online, away, asked = asyncio.run(scenario())
    assert session["online"] is False
    assert online["online"] is True and online["agents"] == ["Anna"]
    assert away["online"] is False and away["agents"] == []
    assert asked == away


# --- auto-assignment and reports -------------------------------------------------------------


def test_an_agent_coming_online_gets_the_conversations_that_wait(django_capture_on_commit_callbacks):
    inbox = make_inbox("livechat")
    InboxAutomation.objects.create(inbox=inbox, assignment_mode="round_robin")
    agent = make_user("anna", inboxes=[inbox])
    waiting = make_conversation(inbox)

    with django_capture_on_commit_callbacks(execute=True):
        availability.agent_availability_choose(user=agent, availability="online")

    assert Conversation.objects.get(pk=waiting.pk).assignee == agent


def test_away_time_is_recorded_and_reported():
    inbox = make_inbox("whatsapp", time_zone="UTC")
    agent = make_user("anna", inboxes=[inbox])
    day = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)
    availability.agent_availability_set(
        user_id=agent.pk, availability="online", reason=AvailabilityReason.SIGNED_IN, now=day
    )
    set_state(agent, "online", changed_at=day, last_seen_at=day)
    assert availability.agents_idle_away(now=day + timedelta(minutes=6)) == 1

    period = ReportFilter(start=day.date(), end=day.date())
    summary = summary_compute(report_filter=period, now=day + timedelta(hours=1))
    row = next(a for a in summary["agents"] if a["id"] == agent.pk)
    # online 10:00-10:06, away from 10:06 until the moment of asking (11:00)
    assert row["online_seconds"] == 360 and row["away_seconds"] == 54 * 60
