"""Per-request agent context: the agent's chosen language wins over the browser's
(LocaleMiddleware runs first), and the user object is marked as living for this request only,
so `access` may remember the agent's inboxes until the response is sent."""

from django.utils import translation

from .access import REQUEST_SCOPED


class AgentLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            setattr(user, REQUEST_SCOPED, True)
            profile = getattr(user, "agent_profile", None)  # cached on the user for the request
            if profile is not None and profile.language:
                translation.activate(profile.language)
                request.LANGUAGE_CODE = profile.language
        return self.get_response(request)
