"""WhatsApp channel: the WhatsApp Business Platform Cloud API and nothing else of the inbox.

Turns webhook payloads into the inbox's normalized dataclasses and hands them to
`inbox.ingest`; sends agents' replies through the Graph API (the channel's Sender) and knows
WhatsApp's rules (the 24-hour customer-service window, templates). Until the WhatsApp issue
lands, the registry holds a placeholder Sender that fails permanently with "channel not
configured".
"""
