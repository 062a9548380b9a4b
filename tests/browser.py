"""What the browser tests share about time.

`LIVE_WAIT_MS` is how long a browser test waits for something that should appear live (a
websocket update, a fragment swap). It is generous on purpose: on a busy machine things arrive
later but still arrive, and a test that passes never waits it out. Waits that assert that
something does NOT happen stay short and local to their test.
"""

LIVE_WAIT_MS = 20_000


def wait_longer_for_live_updates() -> None:
    """Make `expect(...)` wait as long as the explicit waits (its default is 5 s)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=LIVE_WAIT_MS)
