"""Auto-assignment: round robin fairness, least busy, capacity (also under concurrent arrivals
on PostgreSQL) and waiting conversations assigned when an agent frees up."""

import threading
from collections import Counter

import pytest
from django.db import connections

from automation.assignment import conversation_auto_assign, waiting_conversations_assign
from inbox.ingest import message_ingest
from inbox.models import AgentProfile, Conversation, ConversationEvent
from inbox.services import conversation_update
from tests.factories import inbound, make_conversation, make_user

from .conftest import automated_inbox


def online_agents(inbox, count, capacity=10):
    agents = [make_user(inboxes=[inbox]) for _ in range(count)]
    AgentProfile.objects.filter(user__in=agents).update(availability="online", capacity=capacity)
    return agents


@pytest.mark.django_db
def test_round_robin_takes_turns_among_online_agents_only():
    inbox = automated_inbox(assignment_mode="round_robin")
    agents = online_agents(inbox, 3)
    make_user(inboxes=[inbox])  # offline: never chosen
    conversations = [make_conversation(inbox) for _ in range(6)]

    chosen = [conversation_auto_assign(conversation_id=c.pk) for c in conversations]

    assert chosen == agents + agents
    event = ConversationEvent.objects.filter(conversation=conversations[0], kind="assigned").get()
    assert event.data["to"] == agents[0].pk and event.actor is None


@pytest.mark.django_db
def test_least_busy_picks_the_agent_with_fewest_open_conversations():
    inbox = automated_inbox(assignment_mode="least_busy")
    busy, free = online_agents(inbox, 2)
    for _ in range(3):
        make_conversation(inbox, assignee=busy)
    make_conversation(inbox, assignee=free)
    assert conversation_auto_assign(conversation_id=make_conversation(inbox).pk) == free


@pytest.mark.django_db
def test_nobody_above_capacity_and_the_waiting_one_is_assigned_when_an_agent_frees_up(
    django_capture_on_commit_callbacks,
):
    inbox = automated_inbox(assignment_mode="round_robin")
    (agent,) = online_agents(inbox, 1, capacity=1)
    first, waiting = make_conversation(inbox), make_conversation(inbox)
    assert conversation_auto_assign(conversation_id=first.pk) == agent
    assert conversation_auto_assign(conversation_id=waiting.pk) is None

    with django_capture_on_commit_callbacks(execute=True):
        conversation_update(conversation=Conversation.objects.get(pk=first.pk), actor=agent, status="resolved")

    waiting.refresh_from_db()
    assert waiting.assignee == agent


@pytest.mark.django_db
def test_assignment_off_leaves_the_queue_alone():
    inbox = automated_inbox(assignment_mode="off")
    online_agents(inbox, 1)
    make_conversation(inbox)
    assert waiting_conversations_assign(inbox_id=inbox.pk) == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_arrivals_respect_capacity_and_share_fairly(on_postgres):
    # given three online agents with room for two conversations each
    inbox = automated_inbox(assignment_mode="round_robin")
    agents = online_agents(inbox, 3, capacity=2)
    barrier = threading.Barrier(10)
    errors = []

    def arrive(n):
        try:
            barrier.wait()
            message_ingest(inbox=inbox, inbound=inbound(f"race-{n}", sender_id=f"visitor-{n}", text="Hoi"))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    # when ten customers write at the same moment
    threads = [threading.Thread(target=arrive, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    # then six are assigned, two per agent, and four wait in the queue
    assert errors == []
    loads = Counter(Conversation.objects.filter(inbox=inbox).values_list("assignee", flat=True))
    assert loads == Counter({agents[0].pk: 2, agents[1].pk: 2, agents[2].pk: 2, None: 4})
