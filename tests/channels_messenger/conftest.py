"""Messenger fixtures: `graph` (the fake Graph API), `page_inbox`, `deliver` (signed fixture posts)."""

from tests.channels_messenger.fakes import deliver, graph, page_inbox  # noqa: F401
