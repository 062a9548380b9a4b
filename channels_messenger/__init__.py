"""Messenger channel: a Facebook Page's inbox through the Messenger Platform, nothing else.

Turns webhook events (messages, echoes, postbacks, reactions, referrals, opt-ins, delivery and
read watermarks; `standby` events too) into the inbox's normalized dataclasses for
`inbox.ingest`; sends agents' replies through the Send API (the channel's Sender) and knows
Messenger's rules (the 24-hour standard window, the HUMAN_AGENT tag up to 7 days). Registered
in the channel registry by `apps.MessengerConfig.ready()`.

Modules: `views` (webhook, the shared `meta_platform.webhook`), `parser` (pure payload ->
dataclasses), `processor` (dataclasses -> inbox services), `graph` (the shared Graph client),
`sender` (the Sender), `errors` (Meta's codes in plain words), `rules` (window and tag),
`sender_actions` (mark_seen, typing_on), `profiles` (User Profile API), `media` + `tasks`
(downloads, profiles, sender actions).
"""
