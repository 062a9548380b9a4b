"""Dates read the same on every page: one format per language (day first in English too), in
the agent's own time zone, chosen on their profile."""

from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

import pytest
from django.utils import timezone

from inbox.ingest import message_ingest
from inbox.models import AgentProfile
from kernel.time_zones import COMMON_TIME_ZONES
from tests.factories import inbound, make_inbox, make_user

pytestmark = pytest.mark.django_db

# 3 December 2026, 07:43 in Amsterdam (the site's zone): an older message shows its date.
SENT = datetime(2026, 12, 3, 7, 43, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def agent_with_message(client):
    inbox = make_inbox("livechat", name="Website")
    agent = make_user("anna", inboxes=[inbox])
    message = message_ingest(
        inbox=inbox, inbound=inbound("m1", sender_id="v1", name="Sanne", text="Hallo daar", at=SENT)
    )
    client.force_login(agent)
    return agent, message.message


@pytest.mark.parametrize(
    "language, shown",
    [("en", "3 Dec 2026, 07:43"), ("nl", "3 dec 2026 07:43"), ("de", "3. Dez. 2026, 07:43")],
)
def test_search_and_the_message_tooltip_show_one_format_per_language(client, agent_with_message, language, shown):
    _agent, message = agent_with_message
    search = client.get("/inbox/search/?q=Hallo", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    timeline = client.get(
        f"/inbox/conversations/{message.conversation_id}/messages/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert f">{shown}</time>" in search
    assert f'title="{shown}"' in timeline
    assert "12/03/2026" not in search + timeline and "a.m." not in search + timeline


def test_an_agent_in_another_time_zone_sees_their_own_clock(client, agent_with_message):
    agent, message = agent_with_message
    # when the agent picks New York on their profile
    page = client.get("/profile/").content.decode()
    assert 'value="America/New_York"' in page
    response = client.post("/profile/", {"name": "Anna", "language": "en", "time_zone": "America/New_York"})
    assert response.status_code == 302
    assert AgentProfile.objects.get(user=agent).time_zone == "America/New_York"
    # then times are shown in New York time (01:43, six hours behind Amsterdam)
    timeline = client.get(f"/inbox/conversations/{message.conversation_id}/messages/").content.decode()
    assert 'title="3 Dec 2026, 01:43"' in timeline and ">01:43</time>" in timeline
    # and a colleague without a zone of their own keeps the site's
    client.force_login(make_user("ben", inboxes=[message.inbox]))
    timeline = client.get(f"/inbox/conversations/{message.conversation_id}/messages/").content.decode()
    assert ">07:43</time>" in timeline
    assert timezone.get_current_timezone_name() == "Europe/Amsterdam"  # nothing carried over


def test_a_zone_outside_the_list_is_refused():
    from inbox.people import profile_update

    agent = make_user("anna")
    profile_update(user=agent, name="Anna", language="", time_zone="Mars/Olympus")
    assert AgentProfile.objects.get(user=agent).time_zone == ""


def test_the_time_zone_list_is_short_and_holds_only_current_zones():
    assert 20 <= len(COMMON_TIME_ZONES) <= 60
    assert set(COMMON_TIME_ZONES) <= available_timezones()
    deprecated = [z for z in COMMON_TIME_ZONES if z != "UTC" and ("/" not in z or z.split("/")[0] in ("US", "Etc"))]
    assert deprecated == []
    assert "Europe/Amsterdam" in COMMON_TIME_ZONES and "US/Eastern" not in COMMON_TIME_ZONES
