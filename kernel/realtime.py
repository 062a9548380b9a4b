"""The only module that talks to the channel layer, and the one that decides who hears what.

Events are hints, never the record: they are small (type, ids, version), sent only after the
database commit, and a browser that misses one re-fetches from the database. Groups:
`inbox.<id>`, `conversation.<id>`, `agent.<user id>`, `visitor.<identity id>`.

Who hears an event is decided here, by what it is about:
- a conversation or one of its messages (`conversation_publish`): the conversation's inbox,
  whose members' lists and counts follow, and the conversation's own group, where it is open.
  Its assignee is reached through the inbox: an agent sees a conversation only as a member of
  its inbox (leads join every inbox's group);
- a contact (`contact_publish`): every inbox the contact has a conversation in, so its open
  panes and contact pages re-fetch;
- particular agents (`agents_publish`): their personal groups (service-level alerts);
- a live-chat visitor (`visitor_publish`): every open tab of that visitor.
- an agent's availability (`agent_availability_publish`): the agent's own tabs, every inbox
  the agent answers (so colleagues who share one, and leads, hear it) and the visitors with a
  widget of those inboxes open (`inbox_visitors.<id>`), whose online/offline mode follows.

Sending: with the Redis layer, one long-lived publisher thread owns an event loop and its Redis
connections, so a broadcast costs a hand-off instead of a new loop and connection per call
(measured as the most expensive line of a request: `bench/realtime_publish.py`), and a client that disconnects
after the commit cannot cancel it. The in-memory layer lives on the ASGI server's loop, so there
we hand the send to that loop with `async_to_sync`.
"""

import asyncio
import logging
import threading
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

EVENT_HANDLER_TYPE = "realtime.event"  # consumers implement `realtime_event`


def inbox_group(inbox_id: int) -> str:
    return f"inbox.{inbox_id}"


def conversation_group(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def agent_group(user_id: int) -> str:
    return f"agent.{user_id}"


def visitor_group(identity_id: int) -> str:
    return f"visitor.{identity_id}"


def inbox_visitors_group(inbox_id: int) -> str:
    """Every visitor with a widget of this inbox open (whatever their identity)."""
    return f"inbox_visitors.{inbox_id}"


def conversation_publish(*, inbox_id: int, conversation_id: int, event: str, **fields) -> None:
    """After commit: `event` about a conversation or one of its messages, to its audience."""
    _publish_on_commit(
        [inbox_group(inbox_id), conversation_group(conversation_id)], event, conversation_id=conversation_id, **fields
    )


def contact_publish(*, inbox_ids: Iterable[int], event: str, **fields) -> None:
    """After commit: `event` about a contact, to every inbox it has a conversation in."""
    _publish_on_commit([inbox_group(pk) for pk in inbox_ids], event, **fields)


def agents_publish(*, user_ids: Iterable[int], event: str, **fields) -> None:
    """After commit: a personal `event` for these agents only."""
    _publish_on_commit([agent_group(pk) for pk in user_ids], event, **fields)


def agent_availability_publish(*, user_id: int, inbox_ids: Iterable[int], **fields) -> None:
    """After commit: `availability_changed` for this agent, to their own tabs, the inboxes they
    answer and those inboxes' open widgets."""
    inbox_ids = list(inbox_ids)
    groups = [agent_group(user_id), *map(inbox_group, inbox_ids), *map(inbox_visitors_group, inbox_ids)]
    _publish_on_commit(groups, "availability_changed", user_id=user_id, **fields)


def visitor_publish(*, to_identity: int | None, event: str, waiting: Iterable[str] = (), now: bool = False, **fields):
    """`event` to every open tab of a live-chat visitor (`to_identity`) and to `waiting`, the
    groups of tabs still waiting to learn who their visitor is. `now`: the caller has committed
    already (a Sender after delivery)."""
    groups = [*([visitor_group(to_identity)] if to_identity is not None else []), *waiting]
    if now:
        publish_now(list(dict.fromkeys(groups)), {"type": EVENT_HANDLER_TYPE, "event": event, **fields})
    else:
        _publish_on_commit(groups, event, **fields)


def _publish_on_commit(groups: Iterable[str], event: str, **fields) -> None:
    """Send `event` (past tense: `message_created`) to `groups` once the transaction commits."""
    group_list = list(dict.fromkeys(groups))
    if not group_list:
        return
    message = {"type": EVENT_HANDLER_TYPE, "event": event, **fields}
    transaction.on_commit(lambda: publish_now(group_list, message))


_server_loop: asyncio.AbstractEventLoop | None = None


def bind_server_loop() -> None:
    """Remember the ASGI server's event loop (called from the websocket entry point).

    The in-memory layer's queues live on that loop, so a send from a thread that runs an
    event loop of its own must be handed to it."""
    global _server_loop
    _server_loop = asyncio.get_running_loop()


def publish_now(groups: list[str], message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    if isinstance(layer, InMemoryChannelLayer):
        try:
            _send_in_memory(layer, groups, message)
        except Exception:  # a lost hint must never break the write that caused it
            logger.warning("realtime send failed for %s", message.get("event"), exc_info=True)
        return
    _publisher().submit(layer, groups, message)


async def _send_all(layer, groups: list[str], message: dict) -> None:
    for group in groups:
        await layer.group_send(group, message)


def _send_in_memory(layer, groups: list[str], message: dict) -> None:
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is None:
        # A sync thread: under ASGI, async_to_sync hands the send to the server's loop.
        async_to_sync(_send_all)(layer, groups, message)
        return
    # A thread that runs an event loop of its own (e.g. a browser driver in tests) cannot use
    # async_to_sync; hand the send to the server's loop, where the layer's queues live.
    server = _server_loop if _server_loop is not None and _server_loop.is_running() else None
    if server is not None and server is not running:
        asyncio.run_coroutine_threadsafe(_send_all(layer, groups, message), server)
    else:
        running.create_task(_send_all(layer, groups, message))


async def publish_async(groups: Iterable[str], event: str, **fields) -> None:
    """Send an ephemeral event (typing, presence) from a consumer's event loop. Nothing is
    committed with it, so there is nothing to wait for; a lost one is simply not shown."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": EVENT_HANDLER_TYPE, "event": event, **fields}
    for group in dict.fromkeys(groups):
        try:
            await layer.group_send(group, message)
        except Exception:
            logger.warning("realtime send failed for %s", event, exc_info=True)


class _Publisher:
    """A daemon thread running one event loop for all broadcasts of this process.

    Sends queue up and a few senders on that loop work through them in order. Without the queue
    every hint was a coroutine of its own: a batch of 1,000 messages started thousands at once,
    each taking a Redis connection (2,500 were seen), until connecting timed out and hints were
    lost. Now the connections stay a handful however fast messages arrive; if the queue ever
    holds `MAX_QUEUED` hints (Redis gone for minutes), new ones are dropped and counted: they are
    hints, and browsers re-fetch when they reconnect."""

    SENDERS = 4
    MAX_QUEUED = 50_000

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=self.MAX_QUEUED)
        self.unsent = 0  # queued or being sent
        self.dropped = 0
        self.idle = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="realtime-publisher", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        for _ in range(self.SENDERS):
            self.loop.create_task(self._sender())
        self.loop.run_forever()

    def submit(self, layer, groups: list[str], message: dict) -> None:
        with self.idle:
            self.unsent += 1
        self.loop.call_soon_threadsafe(self._enqueue, (layer, groups, message))

    def _enqueue(self, item) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.dropped += 1
            self._sent()
            if self.dropped % 1000 == 1:
                logger.warning("realtime queue full: %d hints dropped so far", self.dropped)

    async def _sender(self) -> None:
        while True:
            layer, groups, message = await self.queue.get()
            try:
                await _send_all(layer, groups, message)
            except Exception as error:
                logger.warning("realtime send failed: %s", error)
            finally:
                self._sent()

    def _sent(self) -> None:
        with self.idle:
            self.unsent -= 1
            if self.unsent <= 0:
                self.idle.notify_all()

    def wait_idle(self, timeout: float) -> None:
        with self.idle:
            self.idle.wait_for(lambda: self.unsent <= 0, timeout=timeout)


_publisher_instance: _Publisher | None = None
_publisher_lock = threading.Lock()


def _publisher() -> _Publisher:
    global _publisher_instance
    with _publisher_lock:
        if _publisher_instance is None or not _publisher_instance.thread.is_alive():
            _publisher_instance = _Publisher()
        return _publisher_instance


def flush(timeout: float = 5.0) -> None:
    """Wait until every broadcast submitted so far has been sent (tests and benchmarks)."""
    if _publisher_instance is not None:
        _publisher_instance.wait_idle(timeout)
