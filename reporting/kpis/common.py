"""Shared pieces of the KPI selectors: the filter, the period in each inbox's time zone,
percentiles (PostgreSQL's percentile_cont, the same interpolation on SQLite)."""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Avg, Count, FloatField, Q, QuerySet
from django.db.models.aggregates import Aggregate

from inbox.models import Inbox

from ..calendar import day_bounds, inbox_zone

BREACHES_SHOWN = 100
TURNED_NEGATIVE_SHOWN = 50
COMMENTS_SHOWN = 20


@dataclass(frozen=True)
class ReportFilter:
    """A period (local dates, both included) and optional filters. `inbox_ids` is the set the
    user may see (None: all)."""

    start: date
    end: date
    inbox_ids: tuple[int, ...] | None = None
    inbox: int | None = None
    channel: str | None = None
    team: int | None = None
    agent: int | None = None
    tag: str | None = None

    def previous(self) -> "ReportFilter":
        """The period of the same length just before this one (for the change on the tiles)."""
        length = (self.end - self.start).days + 1
        return ReportFilter(**{**self.__dict__, "start": self.start - timedelta(days=length),
                               "end": self.start - timedelta(days=1)})  # fmt: skip


class PercentileCont(Aggregate):
    """PostgreSQL's interpolated percentile."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def inboxes(f: ReportFilter) -> QuerySet[Inbox]:
    inboxes = Inbox.objects.all()
    if f.inbox_ids is not None:
        inboxes = inboxes.filter(pk__in=f.inbox_ids)
    if f.inbox:
        inboxes = inboxes.filter(pk=f.inbox)
    if f.channel:
        inboxes = inboxes.filter(kind=f.channel)
    return inboxes


def conversation_q(f: ReportFilter, prefix: str, *, agent_field: str | None) -> Q:
    """Team, tag and agent filters on a table that points at a conversation."""
    q = Q()
    if f.team:
        q &= Q(**{f"{prefix}team_id": f.team})
    if f.tag:  # a tag's name is unique, so this join never repeats a row
        q &= Q(**{f"{prefix}tags__name": f.tag})
    if f.agent and agent_field:
        q &= Q(**{agent_field: f.agent})
    return q


def rolled(model, f: ReportFilter, *, day_field: str = "day", agent_field: str | None = None) -> QuerySet:
    """A rolled-up table filtered by period, inboxes and conversation filters."""
    inbox_ids = list(inboxes(f).values_list("pk", flat=True))
    qs = model.objects.filter(**{f"{day_field}__gte": f.start, f"{day_field}__lte": f.end}, inbox_id__in=inbox_ids)
    return qs.filter(conversation_q(f, "conversation__", agent_field=agent_field or "conversation__assignee_id"))


def moment_q(f: ReportFilter, field: str, *, inbox_field: str = "inbox_id", until_end_only: bool = False) -> Q:
    """Moments within the period's local days, one UTC range per time zone of the inboxes."""
    by_zone: dict[str, list[int]] = {}
    for pk, zone_name in inboxes(f).values_list("pk", "time_zone"):
        by_zone.setdefault(zone_name, []).append(pk)
    q = Q(pk__in=[])
    for zone_name, ids in by_zone.items():
        zone = inbox_zone(Inbox(time_zone=zone_name))
        start = day_bounds(zone, f.start)[0]
        end = day_bounds(zone, f.end)[1]
        bounds = {f"{field}__lt": end} if until_end_only else {f"{field}__gte": start, f"{field}__lt": end}
        q |= Q(**{f"{inbox_field}__in": ids}, **bounds)
    return q


def percentiles(qs: QuerySet, field: str, **more) -> dict:
    """median, p90 and mean of `field` over `qs` (None when empty), and any `more` aggregates
    computed in the same pass."""
    if connection.vendor == "postgresql":
        row = qs.aggregate(
            median=PercentileCont(field, percentile=0.5),
            p90=PercentileCont(field, percentile=0.9),
            mean=Avg(field),
            count=Count("pk"),
            **more,
        )
    else:  # SQLite has no percentile: the same interpolation from two neighbouring rows
        row = qs.aggregate(mean=Avg(field), count=Count("pk"), **more)
        ordered = qs.order_by(field).values_list(field, flat=True)
        for name, fraction in (("median", 0.5), ("p90", 0.9)):
            row[name] = interpolate(ordered, row["count"], fraction)
    return {
        "median_seconds": round_(row["median"]),
        "p90_seconds": round_(row["p90"]),
        "mean_seconds": round_(row["mean"]),
        "count": row["count"],
        **{name: row[name] for name in more},
    }


def interpolate(ordered: QuerySet, count: int, fraction: float) -> float | None:
    if not count:
        return None
    position = fraction * (count - 1)
    low = math.floor(position)
    values = list(ordered[low : low + 2])
    if len(values) == 1:
        return values[0]
    return values[0] + (values[1] - values[0]) * (position - low)


def round_(value, digits: int = 1):
    return None if value is None else round(float(value), digits)


def share(part, whole) -> float | None:
    return round(part / whole, 4) if whole else None


def kinds(f: ReportFilter) -> list[str]:
    return sorted(set(inboxes(f).values_list("kind", flat=True)))
