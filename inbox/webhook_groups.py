"""Group commit for webhook requests: concurrent deliveries are stored and processed together.

Meta sends most messages one per webhook. Stored and processed one at a time, each costs two
commits and a dozen round trips, which caps single messages at a fraction of the server's
`/healthz` rate (`bench/whatsapp_webhook.py`). Under ASGI every request runs in its own thread, so while one
thread is writing, the deliveries that arrive meanwhile wait here; the next writer (one of the
waiting threads, the "leader") takes all of them at once:

1. stores their raw bodies, one row per inbox a body belongs to (`webhook_routing`), and the
   entries no inbox takes, in one committed transaction (`webhook_events_store`),
2. processes them, those of one inbox as one batch (`webhook_events_process`),
3. wakes their requests, which answer 200: the message has reached the inbox.

Nothing else changes for a delivery. Its raw event is committed before it is processed and
before it is acknowledged; if storing fails, every request of the group gets the error (a 503
from `DatabaseUnavailableMiddleware`) and Meta retries. A lone request, or a process with one
thread (WSGI sync workers, the test client), is a group of one and never waits for anyone.
Groups are capped so a burst does not make one leader's transaction unbounded, and large bodies
(batches already) are written on their own.
"""

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import DataError, IntegrityError, connection

from .models import Inbox, WebhookEvent
from .webhooks import webhook_events_process, webhook_events_store

logger = logging.getLogger(__name__)

GROUP_MAX = 200
# A body this large is a batch already (about ten messages or more): it is written on its own,
# in parallel with the others. Grouping batches would only queue them behind one writer, which
# makes batches slower (`bench/whatsapp_webhook.py`).
GROUPED_BODY_MAX = 8 * 1024
GATHER_MAX_S = 0.005


@dataclass(eq=False)
class _Delivery:
    """One verified body: stored once per inbox it belongs to (`inboxes`, routed by
    `webhook_routing`), with the entries no inbox takes (`unrouted`), all in one transaction."""

    inboxes: list[Inbox]
    channel: str
    body: bytes
    headers: dict
    unrouted: list[dict] = field(default_factory=list)
    woken: threading.Event = field(default_factory=threading.Event)
    leads: bool = False  # this delivery's thread writes the next group
    done: bool = False
    events: list[WebhookEvent] | None = None
    error: BaseException | None = None

    @property
    def event(self) -> WebhookEvent | None:
        return self.events[0] if self.events else None

    def outcome(self) -> list[WebhookEvent]:
        if self.error is not None:
            raise self.error
        return self.events or []


class _Arrival:
    """A webhook request on its way to `submit` (verifying, parsing): worth a leader's short wait."""

    def __init__(self) -> None:
        self.submitted = False


class _GroupCommit:
    def __init__(self, group_max: int = GROUP_MAX) -> None:
        self.group_max = group_max
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._waiting: list[_Delivery] = []
        self._leading = False
        self._arriving = 0

    @contextmanager
    def arriving(self):
        arrival = _Arrival()
        with self._lock:
            self._arriving += 1
        try:
            yield arrival
        finally:
            if not arrival.submitted:  # refused (403, 400, 404) or failed before submitting
                with self._lock:
                    self._arrival_settled()

    def settle(self, arrival: _Arrival) -> None:
        """`arrival` will not join a group (written on its own)."""
        with self._lock:
            arrival.submitted = True
            self._arrival_settled()

    def _arrival_settled(self) -> None:
        self._arriving -= 1
        if self._arriving == 0:
            self._arrived.notify_all()

    def submit(self, delivery: _Delivery, arrival: _Arrival | None = None) -> list[WebhookEvent]:
        with self._lock:
            self._waiting.append(delivery)
            if arrival is not None:
                arrival.submitted = True
                self._arrival_settled()
            if not self._leading:
                self._leading = delivery.leads = True
        if not delivery.leads:
            _connection_release()
            delivery.woken.wait()  # until done, or until handed the lead
        if delivery.leads:
            self._lead(delivery)
        return delivery.outcome()

    def _lead(self, own: _Delivery) -> None:
        try:
            while not own.done:
                with self._lock:
                    # Requests of this process still verifying and parsing join this group if
                    # they get here within a few milliseconds: a group of 8 costs a third of 8
                    # groups of one per message. With nothing on its way, nobody waits.
                    self._arrived.wait_for(lambda: self._arriving == 0, timeout=GATHER_MAX_S)
                    group = self._waiting[: self.group_max]
                    del self._waiting[: self.group_max]
                _group_write(group)
        finally:
            # Hand the lead to the oldest waiting delivery, so this request can answer now.
            with self._lock:
                if self._waiting:
                    successor = self._waiting[0]
                    successor.leads = True
                    successor.woken.set()
                else:
                    self._leading = False


def _connection_release() -> None:
    """A waiting request needs no database connection: give its pooled one back for the leader
    and the other requests. It is opened again on its next query, if it comes to lead."""
    if getattr(connection, "pool", None) is not None and not connection.in_atomic_block:
        connection.close()


def _group_write(group: list[_Delivery]) -> None:
    try:
        stored = _group_store(group)
        try:  # a failure is recorded on the event rows for the re-processing task
            webhook_events_process(stored)
        except Exception:
            logger.exception("processing %d stored webhook events failed; they stay stored", len(stored))
    finally:  # whatever happened, no request of the group is left waiting
        for delivery in group:
            delivery.done = True
            delivery.woken.set()


def _group_store(group: list[_Delivery]) -> list[WebhookEvent]:
    """Store the group's bodies; returns the events stored. A delivery that could not be stored
    gets the error (not acknowledged: Meta retries). A row the database refuses (its inbox was
    deleted a moment ago) must not refuse the others: then each is stored on its own. When the
    database is down, nothing is retried here."""
    try:
        events = webhook_events_store(
            [row for delivery in group for row in _stored_fields(delivery)],
            unrouted=[row for delivery in group for row in delivery.unrouted],
        )
    except (IntegrityError, DataError) as error:
        if len(group) == 1:
            group[0].error = error
            return []
        return [event for delivery in group for event in _group_store([delivery])]
    except BaseException as error:
        for delivery in group:
            delivery.error = error
        return []
    remaining = iter(events)
    for delivery in group:
        delivery.events = [next(remaining) for _ in delivery.inboxes]
    return events


def _stored_fields(delivery: _Delivery) -> list[dict]:
    return [
        {"inbox": inbox, "channel": delivery.channel, "body": delivery.body, "headers": delivery.headers}
        for inbox in delivery.inboxes
    ]


_group_commit = _GroupCommit()


def webhook_arriving():
    """Wrap a webhook request's checks (inbox, signature, body) and its `webhook_receive` in
    this, so a group being formed waits for it (briefly)."""
    return _group_commit.arriving()


def webhook_receive(
    *,
    channel: str,
    body: bytes,
    headers,
    inbox: Inbox | None = None,
    inboxes: list[Inbox] | None = None,
    unrouted: list[dict] | None = None,
    arrival: _Arrival | None = None,
) -> WebhookEvent | None:
    """Store a verified webhook body for `inbox` (or each of `inboxes`) with the entries no
    inbox takes (`unrouted`), and process it, grouped with whatever other deliveries this
    process is receiving at the same moment. Returns once the events are stored and processed
    (or recorded as failed), with the first event (None if only unrouted entries were kept);
    raises if it could not be stored."""
    targets = list(inboxes) if inboxes is not None else [inbox] if inbox is not None else []
    delivery = _Delivery(inboxes=targets, channel=channel, body=body, headers=dict(headers), unrouted=unrouted or [])
    if len(body) > GROUPED_BODY_MAX:
        if arrival is not None:
            _group_commit.settle(arrival)
        _group_write([delivery])
    else:
        _group_commit.submit(delivery, arrival)
    return delivery.event
