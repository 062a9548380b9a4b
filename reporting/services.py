"""Writes of the reporting app: roll-ups, backfills, survey answers and
an inbox's survey setting.

Roll-ups only ever write reporting's own tables (see `rollup.py`); what other apps record is
read, never changed.
"""

import logging
import time
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from inbox.models import Conversation, Inbox, Message
from kernel.refusals import Refused

from .calendar import day_bounds, inbox_zone, local_date
from .models import RollupRun, SurveyKind, SurveyResponse, SurveySetting
from .rollup import inbox_day_rollup

logger = logging.getLogger(__name__)


class SurveyAnswerRefused(Refused):
    code = "survey_answer_refused"


def reports_rollup(*, now: datetime | None = None) -> dict:
    """The periodic roll-up: every inbox's today (in its own time zone), and its yesterday once
    more when it was last rolled up before the inbox's midnight (so late data is in)."""
    now = now or timezone.now()
    rolled = []
    for inbox in Inbox.objects.filter(is_active=True).order_by("pk"):
        zone = inbox_zone(inbox)
        today = local_date(zone, now)
        yesterday = today - timedelta(days=1)
        midnight = day_bounds(zone, today)[0]
        last = RollupRun.objects.filter(inbox=inbox, day=yesterday).values_list("rolled_at", flat=True).first()
        if last is None or last < midnight:
            inbox_day_rollup(inbox=inbox, day=yesterday, now=now)
            rolled.append([inbox.pk, yesterday.isoformat()])
        inbox_day_rollup(inbox=inbox, day=today, now=now)
        rolled.append([inbox.pk, today.isoformat()])
    return {"rolled": rolled}


def reports_backfill(*, start: date | None = None, end: date | None = None, inbox_ids=None, progress=None) -> dict:
    """Rebuild every local day from `start` to `end` (default: each inbox's first data up to
    its today) of the given (default: all) inboxes."""
    began = time.perf_counter()
    inboxes = Inbox.objects.order_by("pk")
    if inbox_ids:
        inboxes = inboxes.filter(pk__in=inbox_ids)
    days = 0
    for inbox in inboxes:
        zone = inbox_zone(inbox)
        first = start or _first_day(inbox)
        last = end or local_date(zone, timezone.now())
        if first is None:
            continue
        day = first
        while day <= last:
            inbox_day_rollup(inbox=inbox, day=day)
            days += 1
            day += timedelta(days=1)
        if progress:
            progress(inbox, first, last)
    return {"inboxes": inboxes.count(), "days": days, "seconds": round(time.perf_counter() - began, 2)}


def _first_day(inbox: Inbox) -> date | None:
    first = Message.objects.filter(inbox=inbox).order_by("sent_at").values_list("sent_at", flat=True).first()
    return local_date(inbox_zone(inbox), first) if first else None


def survey_response_record(
    *, conversation: Conversation, kind: str, score: int, comment: str = "", message=None, at=None
) -> SurveyResponse:
    """Store a customer's survey answer (CSAT 1..5 or NPS 0..10) for the conversation, about
    its current assignee. A second answer of the same kind replaces the first."""
    if kind not in SurveyKind.values:
        raise SurveyAnswerRefused(_("Unknown survey kind '{kind}'."), code="survey_kind_unknown", kind=kind)
    low, high = (1, 5) if kind == SurveyKind.CSAT else (0, 10)
    if not low <= int(score) <= high:
        raise SurveyAnswerRefused(
            _("A {kind} score is {low} to {high}."), code="score_out_of_range", kind=kind, low=low, high=high
        )
    answer, _created = SurveyResponse.objects.update_or_create(
        conversation=conversation,
        kind=kind,
        defaults={
            "inbox_id": conversation.inbox_id,
            "score": int(score),
            "comment": comment.strip(),
            "agent_id": conversation.assignee_id,
            "message": message,
            "answered_at": at or timezone.now(),
        },
    )
    return answer


def survey_setting_set(*, inbox: Inbox, survey: str, actor, questions: dict | None = None) -> bool:
    """Which survey (off, CSAT, NPS) the inbox sends when a conversation is resolved, and (when
    given) its own wording of the question per language (empty: the standard question).
    Returns whether anything changed; a change is audit-logged."""
    if survey not in SurveySetting.Survey.values:
        raise ValueError(f"Unknown survey '{survey}'.")
    with transaction.atomic():
        setting, _created = SurveySetting.objects.select_for_update().get_or_create(inbox=inbox)
        before = {"survey": setting.survey, "questions": dict(setting.questions or {})}
        after = {"survey": survey, "questions": before["questions"]}
        if questions is not None:
            after["questions"] = {lang: text.strip() for lang, text in questions.items() if text and text.strip()}
        if before == after:
            return False
        setting.survey, setting.questions = after["survey"], after["questions"]
        setting.save(update_fields=["survey", "questions", "updated_at"])
        audit_record(actor=actor, action=AuditAction.INBOX_SURVEY_CHANGED, target=inbox, before=before, after=after)
    return True
