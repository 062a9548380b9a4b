"""The colours a tag can have: a small palette, so every chip stays readable and the pages
need no inline styles (the Content-Security-Policy allows none). Stored as the hex value;
`static/css/webcare.css` has a `tag-color-<name>` class per entry."""

from django.utils.translation import gettext_lazy as _

PALETTE = (
    ("slate", "#64748b", _("Grey")),
    ("red", "#dc2626", _("Red")),
    ("orange", "#ea580c", _("Orange")),
    ("amber", "#d97706", _("Yellow")),
    ("green", "#16a34a", _("Green")),
    ("teal", "#0d9488", _("Teal")),
    ("blue", "#2563eb", _("Blue")),
    ("indigo", "#4f46e5", _("Indigo")),
    ("purple", "#9333ea", _("Purple")),
    ("pink", "#db2777", _("Pink")),
)
DEFAULT_COLOR = PALETTE[0][1]
_NAMES = {hex_value: name for name, hex_value, _label in PALETTE}


def color_choices() -> list[tuple[str, str]]:
    """(hex value, label) for a colour picker."""
    return [(hex_value, label) for _name, hex_value, label in PALETTE]


def color_name(hex_value: str) -> str:
    """The palette name of a stored colour (an unknown one shows as grey)."""
    return _NAMES.get((hex_value or "").lower(), PALETTE[0][0])


def color_valid(hex_value: str) -> bool:
    return (hex_value or "").lower() in _NAMES
