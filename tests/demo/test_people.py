"""The demo's made-up customers: each one is a person of their own on every channel."""

import random

from demo.history import _People


def test_namesakes_get_addresses_of_their_own():
    # Ninety days of demo history make thousands of customers from a few dozen names per
    # language, so the same name comes back often; a shared address would be one identity
    # twice and stop `load_demo` on the database's unique rule.
    people = _People(random.Random("webcare-demo"))
    customers = [people.new(language) for _ in range(1500) for language in ("nl", "de", "en")]
    names = [c.name for c in customers]
    assert len(set(names)) < len(names)  # namesakes exist, so the check below means something
    emails = [c.email for c in customers]
    assert len(set(emails)) == len(emails)
    assert len({c.phone for c in customers}) == len(customers)
