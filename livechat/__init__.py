"""Live chat: the website widget and the visitor's websocket.

Owns the visitor session (signed visitor token, idempotent client message ids) and hands each
visitor message to `inbox.ingest` like every other channel. Agent replies reach the visitor
through the livechat Sender, which publishes to the visitor's realtime group after commit.
"""

KIND = "livechat"  # its channel kind in the registry, on inboxes and identities
