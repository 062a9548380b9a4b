"""The team's availability for leads: who is Online, Away or Offline, since when and why, and
a button to set an Online agent Away (never Online: only the agent can say they are there)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from inbox import availability, selectors

from ..access import require_manager


def _context(**extra) -> dict:
    return {
        "settings_section": "availability",
        "agents": selectors.team_availability(),
        "away_after_minutes": settings.WEBCARE_AWAY_AFTER_MINUTES,
        **extra,
    }


@login_required
def team_availability(request):
    require_manager(request.user)
    return render(request, "workspace/availability/team.html", _context())


@login_required
def team_availability_rows(request):
    """The table's rows alone: the page re-fetches them every few seconds."""
    require_manager(request.user)
    return render(request, "workspace/availability/_rows.html", _context())


@login_required
@require_POST
def agent_set_away(request, user_id: int):
    require_manager(request.user)
    agent = get_object_or_404(get_user_model(), pk=user_id, is_active=True, agent_profile__isnull=False)
    try:
        availability.agent_availability_set_away_by_lead(lead=request.user, agent=agent)
    except availability.AvailabilityChangeRefused as refused:
        return render(request, "workspace/availability/team.html", _context(error=refused.reason), status=400)
    return redirect("settings-availability")
