"""Reads: the KPIs of docs/kpis.md for a period and filters, aggregated in SQL.

Rolled-up tables (`ConversationDay`, `AgentConversationDay`, `ConversationFact`,
`ResponseFact`, `ResolutionFact`) are filtered by their local `day`; the few live sources
(events, survey answers, availability samples, current statuses) by each inbox's local day
turned into UTC bounds, one time zone at a time.
"""

from .agents import agents, live
from .common import ReportFilter
from .figures import (
    bots,
    business_hours,
    cases,
    csat,
    first_response,
    leads,
    next_response,
    nps,
    resolution,
    sentiment,
    service_level,
    tags,
    volume,
)
from .public import public_comments

__all__ = ["ReportFilter", "summary_compute"]


def summary_compute(*, report_filter: ReportFilter, now=None) -> dict:
    """Every KPI of docs/kpis.md for the filter: the body of GET /api/v1/reports/summary/."""
    f = report_filter
    return {
        "period": {"from": f.start.isoformat(), "to": f.end.isoformat()},
        "volume": volume(f),
        "cases": cases(f, now=now),
        "first_response": first_response(f),
        "next_response": next_response(f),
        "resolution": resolution(f),
        "service_level": service_level(f),
        "agents": agents(f, now=now),
        "business_hours": business_hours(f),
        "csat": csat(f),
        "nps": nps(f),
        "sentiment": sentiment(f),
        "tags": tags(f),
        "leads": leads(f),
        "bots": bots(f),
        "live": live(f, now=now),
        "public": public_comments(f, now=now),
    }
