"""WhatsApp channel: the WhatsApp Business Platform Cloud API and nothing else of the inbox.

Turns webhook payloads into the inbox's normalized dataclasses and hands them to
`inbox.ingest`; sends agents' replies through the Graph API (the channel's Sender) and knows
WhatsApp's rules (the 24-hour customer-service window, templates). Registered in the channel
registry by `apps.WhatsappConfig.ready()`.

Modules: `views` (webhook), `parser` (pure payload -> dataclasses), `processor` (dataclasses
-> inbox services), `graph` (Graph API client), `sender` (the Sender, throughput, error
classes), `errors` (Meta's codes in plain words), `rules` (24-hour window), `media` + `tasks`
(downloads), `templates` (sync and compose), `receipts` (mark as read).
"""
