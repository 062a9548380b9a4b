"""Snooze presets: 1 hour, tonight 18:00, tomorrow 09:00 and next week (Monday 09:00), in the
agent's time zone, offered in the conversation's header and saved with one press."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from inbox import snooze
from tests.factories import make_conversation, make_inbox, make_message, make_user

NEW_YORK = ZoneInfo("America/New_York")
# Wednesday 3 December 2025, 14:30 in New York (20:30 in Amsterdam: "tonight" is over there)
WEDNESDAY_AFTERNOON = datetime(2025, 12, 3, 14, 30, 12, tzinfo=NEW_YORK)


def _local(moment):
    return timezone.localtime(moment, NEW_YORK).replace(tzinfo=None)


def test_presets_are_computed_in_the_agents_time_zone():
    with timezone.override(NEW_YORK):
        presets = {p.key: p.until for p in snooze.snooze_presets(now=WEDNESDAY_AFTERNOON)}

    assert list(presets) == ["hour", "tonight", "tomorrow", "next_week"]
    assert _local(presets["hour"]) == datetime(2025, 12, 3, 15, 30)
    assert _local(presets["tonight"]) == datetime(2025, 12, 3, 18, 0)
    assert _local(presets["tomorrow"]) == datetime(2025, 12, 4, 9, 0)
    assert _local(presets["next_week"]) == datetime(2025, 12, 8, 9, 0)  # Monday


def test_tonight_is_not_offered_once_the_evening_has_begun_where_the_agent_is():
    with timezone.override(ZoneInfo("Europe/Amsterdam")):
        keys = [p.key for p in snooze.snooze_presets(now=WEDNESDAY_AFTERNOON)]

    assert keys == ["hour", "tomorrow", "next_week"]


def test_next_week_on_a_monday_is_the_monday_after():
    monday = datetime(2025, 12, 8, 8, 0, tzinfo=NEW_YORK)
    with timezone.override(NEW_YORK):
        until = snooze.snooze_preset_time("next_week", now=monday)

    assert _local(until) == datetime(2025, 12, 15, 9, 0)


def test_tomorrow_morning_across_a_daylight_saving_change_is_still_nine_oclock():
    before_change = datetime(2025, 10, 25, 22, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    with timezone.override(ZoneInfo("Europe/Amsterdam")):
        until = snooze.snooze_preset_time("tomorrow", now=before_change)

    assert timezone.localtime(until, ZoneInfo("Europe/Amsterdam")).hour == 9
    # the night is an hour longer (wall clocks go back at 03:00)
    assert until.astimezone(UTC) - before_change.astimezone(UTC) == timedelta(hours=12)


@pytest.mark.django_db
def test_a_preset_snoozes_the_conversation_from_the_header(client):
    inbox = make_inbox("livechat")
    anna = make_user("anna", inboxes=[inbox])
    conversation = make_conversation(inbox)
    make_message(conversation)
    client.force_login(anna)

    pane = client.get(f"/inbox/conversations/{conversation.pk}/").content.decode()
    response = client.post(f"/inbox/conversations/{conversation.pk}/update/", {"snooze": "tomorrow"})

    assert 'data-preset="tomorrow"' in pane and 'data-testid="snooze-menu"' in pane
    assert response.status_code == 200
    conversation.refresh_from_db()
    local = timezone.localtime(conversation.snoozed_until)
    assert conversation.status == "snoozed"
    assert (local.date(), local.hour, local.minute) == (timezone.localdate() + timedelta(days=1), 9, 0)


@pytest.mark.django_db
def test_an_unknown_preset_is_refused_and_changes_nothing(client):
    inbox = make_inbox("livechat")
    anna = make_user("anna", inboxes=[inbox])
    conversation = make_conversation(inbox)
    client.force_login(anna)

    response = client.post(f"/inbox/conversations/{conversation.pk}/update/", {"snooze": "someday"})

    assert response.status_code == 400
    conversation.refresh_from_db()
    assert conversation.status == "open" and conversation.snoozed_until is None
