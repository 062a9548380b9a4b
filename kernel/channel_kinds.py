"""The channel-kind vocabulary: which kinds of channel exist and what they are called.

Channel apps add their kind when they register with the inbox's channel registry; model fields
take their choices from here (a callable, so a channel added later needs no migration of the
core). The kernel itself names no channel.
"""

from django.utils.functional import Promise

_labels: dict[str, str | Promise] = {}


def kind_register(kind: str, label: str | Promise) -> None:
    """Make `kind` a known channel kind, shown to people as `label`."""
    _labels[kind] = label


def kind_choices() -> list[tuple[str, str | Promise]]:
    """(kind, label) of every registered channel, in registration order: model field choices."""
    return list(_labels.items())


def kind_label(kind: str) -> str:
    """The translated name of a channel kind ("Live chat", "Livechat"); the kind itself if unknown."""
    return str(_labels.get(kind, kind))


def kinds() -> list[str]:
    return list(_labels)


def kind_unregister(kind: str) -> None:
    _labels.pop(kind, None)
