"""WhatsApp fixtures: `graph` (the fake Graph API), `wa_inbox`, `deliver` (signed fixture posts)."""

from tests.channels_whatsapp.fakes import deliver, graph, wa_inbox  # noqa: F401
