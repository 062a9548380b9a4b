"""Formatting of report figures (display only: no rule lives here)."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """1 h 05 m, 4 m 10 s, 12 s; a dash when there is no figure."""
    if seconds is None or seconds == "":
        return "–"
    seconds = round(float(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} m"
    if minutes:
        return f"{minutes} m {secs:02d} s"
    return f"{secs} s"


@register.filter
def percent(share) -> str:
    """24.5% in English, 24,5% in Dutch and German: the decimal mark of the reader's language."""
    return "–" if share is None else f"{number_format(float(share) * 100, decimal_pos=1)}%"


@register.filter
def signed_percent(change) -> str:
    if change is None:
        return ""
    sign = "+" if float(change) >= 0 else "-"
    return f"{sign}{number_format(abs(float(change)) * 100, decimal_pos=1)}%"


@register.filter
def figure(value, unit: str) -> str:
    if unit == "seconds":
        return duration(value)
    if unit == "share":
        return percent(value)
    return "–" if value is None else str(value)
