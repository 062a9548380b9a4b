"""Agents' availability: Online, Away, Offline, and the moments that change it.

- Signing in makes an agent Online, signing out Offline (`agent_signed_in`, `agent_signed_out`,
  connected to Django's login signals in `apps.py`).
- The agent picks a status in the top bar (`agent_availability_choose`).
- An Online agent with no inbox tab open for `WEBCARE_AWAY_AFTER_MINUTES` becomes Away
  (`agents_idle_away`, a periodic task). Open tabs are known by `AgentProfile.last_seen_at`,
  written on every inbox websocket connect, heartbeat and disconnect (`agent_seen`): a process
  that dies sends no disconnect, so a stale heartbeat, not a socket count, decides. Opening the
  inbox again brings an agent who was set Away this way back Online.
- A lead sets someone Away (`agent_availability_set_away_by_lead`), never Online on their
  behalf; that is written to the audit log.

Every change is announced after commit to the agent's tabs, to the inboxes they answer and to
those inboxes' open widgets (`kernel.realtime.agent_availability_publish`); an agent becoming
Online runs `inbox.hooks.on_agent_online` (auto-assignment of waiting conversations). Each
change also closes the agent's current `AvailabilityPeriod` and opens the next one, in the same
transaction: the reports' online and away time are measured from these exact periods.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from kernel import realtime
from kernel.refusals import Refused

from . import hooks
from .models import AgentProfile, Availability, AvailabilityPeriod, AvailabilityReason, Inbox

# An agent may pick any of these; a lead may only set someone Away.
CHOOSABLE = (Availability.ONLINE, Availability.AWAY, Availability.OFFLINE)


class AvailabilityChangeRefused(Refused):
    code = "availability_refused"


def agent_inbox_ids(user_id: int) -> list[int]:
    """The inboxes an agent answers: as a member, or through the inbox's team."""
    return list(
        Inbox.objects.filter(Q(members=user_id) | Q(team__members=user_id)).values_list("pk", flat=True).distinct()
    )


def agent_availability_set(
    *,
    user_id: int,
    availability: str,
    reason: str,
    now: datetime | None = None,
    only_from: tuple[str, ...] | None = None,
    idle_before: datetime | None = None,
) -> str | None:
    """Set an agent's availability; returns what it was, or None when nothing changed (already
    so, no profile, not in `only_from`, or, with `idle_before`, seen since). Announced after
    commit; becoming Online runs the `on_agent_online` hook."""
    now = now or timezone.now()
    with transaction.atomic():
        profile = AgentProfile.objects.select_for_update().filter(user_id=user_id).first()
        if profile is None or profile.availability == availability:
            return None
        if only_from is not None and profile.availability not in only_from:
            return None
        if idle_before is not None and not _idle(profile, idle_before):
            return None
        before = profile.availability
        profile.availability = availability
        profile.availability_reason = reason
        profile.availability_changed_at = now
        profile.save(update_fields=["availability", "availability_reason", "availability_changed_at", "updated_at"])
        availability_period_begin(user_id=user_id, availability=availability, reason=reason, at=now)
        realtime.agent_availability_publish(
            user_id=user_id,
            inbox_ids=agent_inbox_ids(user_id),
            availability=availability,
            version=int(now.timestamp() * 1000),
        )
        if availability == Availability.ONLINE:
            transaction.on_commit(lambda: hooks.agent_online(user_id))
    return before


def availability_period_begin(*, user_id: int, availability: str, reason: str, at: datetime) -> None:
    """End the agent's open period at `at` and begin the next one. The caller holds the agent
    profile's row lock, so two changes never both leave a period open."""
    AvailabilityPeriod.objects.filter(user_id=user_id, ended_at__isnull=True).update(ended_at=at)
    AvailabilityPeriod.objects.create(user_id=user_id, availability=availability, reason=reason, started_at=at)


def _idle(profile: AgentProfile, cutoff: datetime) -> bool:
    """No inbox tab seen, and no status change, since `cutoff`."""
    return all(moment is None or moment < cutoff for moment in (profile.last_seen_at, profile.availability_changed_at))


def agent_signed_in(*, user_id: int) -> str | None:
    """Signing in makes an agent Online."""
    return agent_availability_set(
        user_id=user_id, availability=Availability.ONLINE, reason=AvailabilityReason.SIGNED_IN
    )


def agent_signed_out(*, user_id: int) -> str | None:
    """Signing out makes an agent Offline."""
    return agent_availability_set(
        user_id=user_id, availability=Availability.OFFLINE, reason=AvailabilityReason.SIGNED_OUT
    )


def agent_availability_choose(*, user, availability: str) -> str | None:
    """The agent's own pick in the top bar."""
    if availability not in CHOOSABLE:
        raise AvailabilityChangeRefused(_("Choose Online, Away or Offline."))
    return agent_availability_set(user_id=user.pk, availability=availability, reason=AvailabilityReason.CHOSEN)


def agent_availability_set_away_by_lead(*, lead, agent) -> str | None:
    """A lead sets an Online agent Away (e.g. gone home without signing out), so nothing more is
    assigned to them and the widget stops naming them. Written to the audit log. Someone Offline
    stays Offline: Away would claim they are about."""
    with transaction.atomic():
        before = agent_availability_set(
            user_id=agent.pk,
            availability=Availability.AWAY,
            reason=AvailabilityReason.LEAD,
            only_from=(Availability.ONLINE,),
        )
        if before is None:
            current = AgentProfile.objects.filter(user_id=agent.pk).values_list("availability", flat=True).first()
            if current == Availability.AWAY:
                return None
            raise AvailabilityChangeRefused(_("Only someone who is online can be set away."))
        audit_record(
            actor=lead,
            action=AuditAction.AGENT_AVAILABILITY_CHANGED,
            target=agent,
            label=agent.get_full_name() or agent.get_username(),
            before=before,
            after=Availability.AWAY,
        )
    return before


def agent_seen(*, user_id: int, now: datetime | None = None, returning: bool = False) -> None:
    """An inbox tab of this agent is open (connect, heartbeat) or just closed (disconnect).
    `returning` (a tab connected): an agent set Away for having no tab open is Online again."""
    now = now or timezone.now()
    AgentProfile.objects.filter(user_id=user_id).update(last_seen_at=now)
    if not returning:
        return
    idle_away = AgentProfile.objects.filter(
        user_id=user_id, availability=Availability.AWAY, availability_reason=AvailabilityReason.IDLE
    )
    if idle_away.exists():
        agent_availability_set(
            user_id=user_id,
            availability=Availability.ONLINE,
            reason=AvailabilityReason.RETURNED,
            only_from=(Availability.AWAY,),
            now=now,
        )


def agents_idle_away(*, now: datetime | None = None) -> int:
    """Set Away every Online agent with no inbox tab seen (and no status change) for
    `WEBCARE_AWAY_AFTER_MINUTES`; returns how many. Safe to run twice and alongside heartbeats:
    each agent is re-checked under its row lock."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.WEBCARE_AWAY_AFTER_MINUTES)
    idle = AgentProfile.objects.filter(availability=Availability.ONLINE).filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=cutoff),
        Q(availability_changed_at__isnull=True) | Q(availability_changed_at__lt=cutoff),
    )
    changed = 0
    for user_id in idle.values_list("user_id", flat=True):
        before = agent_availability_set(
            user_id=user_id,
            availability=Availability.AWAY,
            reason=AvailabilityReason.IDLE,
            now=now,
            only_from=(Availability.ONLINE,),
            idle_before=cutoff,
        )
        changed += before is not None
    return changed
