"""How the REST API answers a refusal: 400 with the reason in the token owner's language and a
stable code, the same for every endpoint, so views let refusals propagate."""

from django.utils import translation
from rest_framework.response import Response
from rest_framework.views import exception_handler

from kernel.refusals import Refused


def api_exception_handler(exc, context):
    if not isinstance(exc, Refused):
        return exception_handler(exc, context)
    user = getattr(context.get("request"), "user", None)
    profile = getattr(user, "agent_profile", None) if user is not None and user.is_authenticated else None
    language = getattr(profile, "language", "") or translation.get_language()
    with translation.override(language):
        return Response({"detail": exc.reason, "code": exc.code}, status=400)
