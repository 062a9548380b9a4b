"""Settings: inboxes."""
