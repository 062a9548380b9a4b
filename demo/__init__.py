"""The demo: a small, truthful demo for `make run` (`load_demo`) and bulk data for benchmarks
(`seed_demo`). It sits on top of every app and may name every channel; nothing imports it."""
