"""Runs of customer messages: stored together, never out of order with what lies between."""

import pytest

from inbox.normalized import inbound_runs
from tests.factories import inbound

pytestmark = pytest.mark.smoke


def test_consecutive_messages_become_one_run_yielded_before_the_item_that_ends_it():
    first, second, third = (inbound(f"wamid.{n}") for n in range(3))
    status = object()
    pairs = [("event 1", first), ("event 1", second), ("event 2", status), ("event 2", third)]

    assert list(inbound_runs(pairs)) == [(None, [first, second]), ("event 2", status), (None, [third])]


def test_a_run_spans_events_and_nothing_is_yielded_for_an_empty_run():
    first, second = inbound("wamid.a"), inbound("wamid.b")
    status = object()

    assert list(inbound_runs([("e1", status), ("e1", first), ("e2", second)])) == [
        ("e1", status),
        (None, [first, second]),
    ]
    assert list(inbound_runs([])) == []
