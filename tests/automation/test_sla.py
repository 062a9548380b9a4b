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
from tests.factories import make_conversation, make_message, make_user

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


def test_a_customer_writing_again_after_a_reply_starts_the_next_response_clock(
    django_capture_on_commit_callbacks, settings
):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    inbox = automated_inbox(sla_warning_percent=80)
    inbox.first_response_target_seconds = 3600
    inbox.next_response_target_seconds = 600
    inbox.save()
    agent = make_user(inboxes=[inbox])
    start = timezone.now() - timedelta(hours=3)
    conversation = make_conversation(inbox, assignee=agent, first_response_at=start + timedelta(minutes=1))
    make_message(conversation, sent_at=start)
    make_message(conversation, direction="out", author=agent, sent_at=start + timedelta(minutes=1))
    # given: the customer writes twice after the answer; the clock runs from the first of them
    asked = start + timedelta(hours=1)
    make_message(conversation, sent_at=asked)
    make_message(conversation, sent_at=asked + timedelta(minutes=5))
    conversation.last_customer_message_at = asked + timedelta(minutes=5)
    conversation.save()
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(realtime.agent_group(agent.pk), channel)

    with django_capture_on_commit_callbacks(execute=True):
        assert sla_alerts_check(now=asked + timedelta(minutes=7)) == {"sla_warning": 0, "sla_breached": 0}
        assert sla_alerts_check(now=asked + timedelta(minutes=9)) == {"sla_warning": 1, "sla_breached": 0}
        assert sla_alerts_check(now=asked + timedelta(minutes=11)) == {"sla_warning": 0, "sla_breached": 1}
        assert sla_alerts_check(now=asked + timedelta(minutes=30)) == {"sla_warning": 0, "sla_breached": 0}
    warning, breach = async_to_sync(layer.receive)(channel), async_to_sync(layer.receive)(channel)
    assert (warning["event"], warning["target"]) == ("sla_warning", "next_response")
    assert (breach["event"], breach["target"]) == ("sla_breached", "next_response")
    assert breach["due_at"] == (asked + timedelta(minutes=10)).isoformat()
    event = ConversationEvent.objects.get(conversation=conversation, kind="sla_breached")
    assert event.data == {"target": "next_response"}

    # when: the agent answers, and the customer writes again: a new wait, alerted again
    answered = asked + timedelta(minutes=31)
    make_message(conversation, direction="out", author=agent, sent_at=answered)
    assert sla_alerts_check(now=answered + timedelta(minutes=20)) == {"sla_warning": 0, "sla_breached": 0}
    make_message(conversation, sent_at=answered + timedelta(minutes=40))
    conversation.last_customer_message_at = answered + timedelta(minutes=40)
    conversation.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_alerts_check(now=answered + timedelta(minutes=51)) == {"sla_warning": 0, "sla_breached": 1}


def test_no_next_response_target_means_no_next_response_alerts():
    inbox = automated_inbox()
    inbox.next_response_target_seconds = None
    inbox.save()
    start = timezone.now() - timedelta(hours=5)
    conversation = make_conversation(inbox, first_response_at=start + timedelta(minutes=1))
    make_message(conversation, direction="out", sent_at=start + timedelta(minutes=1))
    make_message(conversation, sent_at=start + timedelta(hours=1))
    conversation.last_customer_message_at = start + timedelta(hours=1)
    conversation.save()
    assert sla_alerts_check(now=timezone.now()) == {"sla_warning": 0, "sla_breached": 0}
