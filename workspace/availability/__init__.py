"""Settings: availability."""
