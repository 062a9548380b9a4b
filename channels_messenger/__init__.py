"""Messenger channel: a Facebook Page's inbox through the Messenger Platform, nothing else.

Turns webhook events into normalized dataclasses for `inbox.ingest`, sends replies through
the Send API and knows Messenger's rules (24-hour standard window, HUMAN_AGENT tag). Until the
Messenger issue lands, the registry holds a placeholder Sender that fails permanently.
"""
