"""Instagram fixtures: `graph` (the fake Graph API), `ig_inbox`, `deliver` (signed fixture posts)."""

from tests.channels_instagram.fakes import deliver, graph, ig_inbox  # noqa: F401
