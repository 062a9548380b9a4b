"""Per-request agent context: the agent's chosen language wins over the browser's
(LocaleMiddleware runs first), dates and times are shown in the agent's own time zone
(`timezone.get_current_timezone()` is theirs for the request), and the user object is marked as
living for this request only, so `access` may remember the agent's inboxes until the response
is sent."""

from zoneinfo import ZoneInfo

from django.utils import timezone, translation

from kernel.time_zones import valid_time_zone

from .access import REQUEST_SCOPED


class AgentLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = None
        if user is not None and user.is_authenticated:
            setattr(user, REQUEST_SCOPED, True)
            profile = getattr(user, "agent_profile", None)  # cached on the user for the request
            if profile is not None and profile.language:
                translation.activate(profile.language)
                request.LANGUAGE_CODE = profile.language
            if profile is not None and valid_time_zone(profile.time_zone):
                zone = ZoneInfo(profile.time_zone)
        # Always set (or reset): a thread serves many agents, and the zone would otherwise
        # carry over from the previous request.
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
