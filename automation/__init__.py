"""Automation: out-of-hours replies, the FAQ bot and its hand-over, rules, preparatory tags,
auto-assignment and service-level alerts.

Driven by `inbox.hooks` (the hook ingest calls after every customer message commits) and
by periodic tasks; writes go through `inbox` services and the outbox like any agent's.
"""
