"""The agent's chosen language wins over the browser's (LocaleMiddleware runs first)."""

from django.utils import translation


class AgentLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "agent_profile", None)  # cached on the user for the request
            if profile is not None and profile.language:
                translation.activate(profile.language)
                request.LANGUAGE_CODE = profile.language
        return self.get_response(request)
