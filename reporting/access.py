"""Who may see which report: the period and filters from query parameters, limited to the
inboxes the user may see (an inbox they may not see is 404, as everywhere)."""

from datetime import date

from django.http import Http404

from inbox import access

from .kpis import ReportFilter

MAX_PERIOD_DAYS = 366


class ReportFilterInvalid(ValueError):
    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field, self.reason = field, reason


EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)  # far outside, date arithmetic overflows


def _date(params, name: str) -> date:
    value = params.get(name, "")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ReportFilterInvalid(name, "A date as YYYY-MM-DD is required.") from None
    if not EARLIEST <= day <= LATEST:
        raise ReportFilterInvalid(name, f"A date between {EARLIEST} and {LATEST} is required.")
    return day


def _int(params, name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    number = access.row_id(value)
    if number is None:
        raise ReportFilterInvalid(name, "An id (ASCII digits) is required.")
    return number


def access_report_filter(user, params) -> ReportFilter:
    start, end = _date(params, "from"), _date(params, "to")
    if start > end:
        raise ReportFilterInvalid("to", "'to' is before 'from'.")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ReportFilterInvalid("to", f"A period is at most {MAX_PERIOD_DAYS} days.")
    inbox = _int(params, "inbox")
    visible = None if access.sees_everything(user) else tuple(access.visible_inbox_ids(user))
    if inbox is not None and visible is not None and inbox not in visible:
        raise Http404
    return ReportFilter(
        start=start,
        end=end,
        inbox_ids=visible,
        inbox=inbox,
        channel=params.get("channel") or None,
        team=_int(params, "team"),
        agent=_int(params, "agent"),
        tag=(params.get("tag") or "").strip().lower() or None,
    )
