"""Service-level alerts: a warning before the first-response target, an alert when it passes,
each once, live to the assignee and the team's leads."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from automation.sla import sla_alerts_check
from inbox.models import ConversationEvent, Team
from kernel import realtime
from tests.factories import make_conversation, make_user

from .conftest import automated_inbox

pytestmark = pytest.mark.django_db


def test_warning_then_breach_each_once_to_assignee_and_team_lead(django_capture_on_commit_callbacks, settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    team = Team.objects.create(name="NL")
    inbox = automated_inbox(sla_warning_percent=80)
    inbox.team = team
    inbox.first_response_target_seconds = 600
    inbox.save()
    agent = make_user(inboxes=[inbox])
    lead = make_user(role="lead")
    team.members.add(lead)
    make_user(role="lead")  # a lead of another team hears nothing
    conversation = make_conversation(inbox, assignee=agent)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(realtime.agent_group(lead.pk), channel)
    start = conversation.created_at

    with django_capture_on_commit_callbacks(execute=True):
        assert sla_alerts_check(now=start + timedelta(minutes=5)) == {"sla_warning": 0, "sla_breached": 0}
        assert sla_alerts_check(now=start + timedelta(minutes=9)) == {"sla_warning": 1, "sla_breached": 0}
        assert sla_alerts_check(now=start + timedelta(minutes=9, seconds=30)) == {"sla_warning": 0, "sla_breached": 0}
    event = async_to_sync(layer.receive)(channel)
    assert event["event"] == "sla_warning" and event["conversation_id"] == conversation.pk

    with django_capture_on_commit_callbacks(execute=True):
        assert sla_alerts_check(now=start + timedelta(minutes=11)) == {"sla_warning": 0, "sla_breached": 1}
        assert sla_alerts_check(now=start + timedelta(minutes=20)) == {"sla_warning": 0, "sla_breached": 0}
    assert async_to_sync(layer.receive)(channel)["event"] == "sla_breached"
    assert ConversationEvent.objects.filter(conversation=conversation, kind="sla_breached").count() == 1


def test_answered_conversations_raise_no_alerts():
    inbox = automated_inbox()
    make_conversation(inbox, first_response_at=timezone.now())
    assert sla_alerts_check(now=timezone.now() + timedelta(hours=2)) == {"sla_warning": 0, "sla_breached": 0}
