"""The demo: a truthful demo for `make run` (`load_demo`: ninety days of history, rolled up by the
real reporting code, and customers writing in now through the real ingest path) and bulk data for
benchmarks (`seed_demo`). It names no channel: each channel declares its demo inbox, customers
and questions in the channel registry (`ChannelDemo`). It sits on top of every app; nothing
imports it."""
