"""Settings: audit_log."""
