"""Fuzzing the websockets: the agents' `/ws/inbox/` and the visitors' `/ws/livechat/<key>/` get
frames drawn from raw text, bytes, any JSON value and frames shaped like ours with every field
of the wrong type, hostile or out of range.

Whatever arrives, the socket survives (it answers a `ping` after it, no crash in the consumer),
an agent never joins a conversation they may not see, and a visitor's frames only ever store
messages in that visitor's own conversation.
"""

import asyncio
import itertools
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.models import Message
from tests.factories import make_conversation, make_inbox, make_user
from tests.livechat.conftest import ORIGIN, agent_connect, visitor_session

pytestmark = pytest.mark.django_db(transaction=True)

FUZZ = settings(
    # 25 sequences per socket in the suite; FUZZ_EXAMPLES=1000 digs deeper.
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize="FUZZ_EXAMPLES" not in os.environ,
)

hostile_text = st.sampled_from(
    ["", "<script>alert(1)</script>", "\u202e\u0000\x1b[31m", "😀" * 50, "x" * 5000, "١٢٣", "1e309", "-1"]
)
leaf = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63 - 2, max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | hostile_text
)
any_json = st.recursive(
    leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip


def frames_shaped_like(key: str, kinds: list[str], fields: list[str]):
    """Our own frame shapes, with a known or unknown kind and any value in every field."""
    return st.fixed_dictionaries({key: st.sampled_from(kinds) | leaf}, optional=dict.fromkeys(fields, any_json)).map(
        json.dumps
    )


def raw_frames(shaped):
    # (the test harness cannot send an empty frame, so none is drawn)
    text = (st.text(max_size=300) | hostile_text | any_json.map(json.dumps) | shaped).filter(bool)
    binary = st.binary(min_size=1, max_size=64)
    return st.lists(st.tuples(st.just("text"), text) | st.tuples(st.just("bytes"), binary), min_size=1, max_size=6)


agent_frames = raw_frames(
    frames_shaped_like(
        "action",
        ["subscribe_conversation", "unsubscribe_conversation", "presence", "ping"],
        ["conversation_id", "state", "ask"],
    )
)
visitor_frames = raw_frames(
    frames_shaped_like(
        "type", ["hello", "ping", "message", "typing"], ["token", "client_id", "text", "choice", "profile", "typing"]
    )
)


async def send_all(communicator, frames) -> None:
    for kind, data in frames:
        if kind == "bytes":
            await communicator.send_to(bytes_data=data)
        else:
            await communicator.send_to(text_data=data)


async def frames_until(communicator, done) -> list[dict]:
    """Every frame up to and including the first for which `done(frame)` holds. A consumer that
    crashed raises its exception here."""
    seen = []
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        seen.append(frame)
        if done(frame):
            return seen


@pytest.fixture
def agent_world(db):
    inbox, foreign_inbox = make_inbox("whatsapp"), make_inbox("whatsapp")
    agent = make_user("fuzz-agent", inboxes=[inbox])
    foreign = make_conversation(foreign_inbox)
    return agent, foreign


@FUZZ
@given(frames=agent_frames)
def test_the_agent_socket_survives_any_frame_and_never_joins_a_foreign_conversation(agent_world, frames):
    agent, foreign = agent_world

    async def scenario():
        communicator = await agent_connect(agent)
        await send_all(communicator, frames)
        await communicator.send_json_to({"action": "subscribe_conversation", "conversation_id": foreign.pk})
        refused = {"event": "error", "error": "not_found", "conversation_id": foreign.pk}
        seen = await frames_until(communicator, lambda frame: frame == refused)
        await communicator.disconnect()
        return seen

    seen = asyncio.run(scenario())  # the refusal came after every fuzzed frame: the socket is up
    assert not [f for f in seen if f.get("event") == "subscribed" and f.get("conversation_id") == foreign.pk]


visitors = itertools.count(1)


@pytest.fixture
def livechat(db):
    return make_inbox("livechat", name="Shop", config={"allowed_origins": [ORIGIN]})


@FUZZ
@given(frames=visitor_frames)
def test_the_visitor_socket_survives_any_frame_and_stores_only_in_the_visitors_conversation(livechat, frames):
    async def scenario():
        n = next(visitors)  # a network of its own each: the new-chat limit per address is not under test
        communicator, session = await visitor_session(livechat, ip=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")
        await send_all(communicator, frames)
        await communicator.send_json_to({"type": "ping"})
        seen = await frames_until(communicator, lambda frame: frame.get("type") == "pong")
        await communicator.disconnect()
        return session, seen

    session, seen = asyncio.run(scenario())
    assert session["type"] == "session"
    stored = Message.objects.filter(inbox=livechat)
    # one visitor, so at most one conversation, and nothing but text or a choice was stored
    assert stored.values("conversation_id").distinct().count() <= 1
    assert all(isinstance(text, str) for text in stored.values_list("text", flat=True))
    # every frame the visitor got back is one the widget knows
    assert {frame.get("type") for frame in seen} <= {"ack", "error", "pong", "message", "seen", "typing"}
