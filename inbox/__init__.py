"""Inbox: conversations, messages and the one way data flows through Webcare.

Owns inboxes (one channel account each), teams and agent profiles, conversations, messages,
conversation events (the audit trail reporting reads), tags and the raw webhook event store.
`inbox.ingest` is the single entry point for everything customers send, whatever the channel;
`inbox.replies` is the outbox for everything agents send; `kernel.realtime` is the only module
that talks to the channel layer; `inbox.access` answers who may see and act on what.
Channel apps plug in through `inbox.channels` (a registry keyed by channel kind).
"""
