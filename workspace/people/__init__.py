"""Settings: people."""
