"""Wiring automation into the inbox's hooks (see inbox.automation)."""


def register() -> None:
    pass
