"""Formatting of report figures (display only: no rule lives here)."""

from django import template

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
    return "–" if share is None else f"{float(share) * 100:.1f}%"


@register.filter
def signed_percent(change) -> str:
    return "" if change is None else f"{float(change) * 100:+.1f}%"


@register.filter
def figure(value, unit: str) -> str:
    if unit == "seconds":
        return duration(value)
    if unit == "share":
        return percent(value)
    return "–" if value is None else str(value)
