"""Defences of the agent UI beyond Django's own: a Content-Security-Policy and login throttling.

The CSP is the second wall behind escaping: if a customer's text ever slipped through a
template unescaped, the browser would still refuse to run it (no inline scripts, no eval, no
foreign origins). Every script and style of the agent UI is a file under /static/.
"""

import contextlib
import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

AGENT_UI_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Django's admin sets a few style attributes inline; its scripts are files like ours.
ADMIN_POLICY = AGENT_UI_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
# Pages that host the public widget (the demo page) follow the widget's needs, not ours.
EXEMPT_PREFIXES = ("/livechat/demo/",)
# Where stored files are served (agents' attachments, the visitors' signed file links): every
# answer there, a file, a 404 or a redirect to the login, is a sandboxed document that may
# load nothing, so no file can ever run script on our origin.
FILE_PREFIXES = ("/attachments/", "/livechat/files/")
# A sandboxed document with no sources at all: nothing runs and nothing loads, even if a
# browser ever rendered a file's bytes as a page; and no guessing of a type we did not send.
FILE_POLICY = "default-src 'none'; sandbox"


def file_headers(response):
    """The headers of every response that carries (or stands in for) a stored file."""
    response["Content-Security-Policy"] = FILE_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(FILE_PREFIXES):
            return file_headers(response)
        if "Content-Security-Policy" in response or request.path.startswith(EXEMPT_PREFIXES):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        admin = request.path.startswith("/admin/")
        response["Content-Security-Policy"] = ADMIN_POLICY if admin else AGENT_UI_POLICY
        return response


# --- Login throttling ---------------------------------------------------------------------------

LOGIN_FAILURES_PER_USERNAME = 5
LOGIN_FAILURES_PER_ADDRESS = 30
LOGIN_LOCK_SECONDS = 15 * 60


def _key(kind: str, value: str) -> str:
    # Hashed: usernames and addresses never appear in the cache's key space as typed.
    return f"login-failures:{kind}:{hashlib.sha256(value.lower().encode()).hexdigest()[:32]}"


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def login_locked_for(request, username: str) -> int:
    """Seconds until this username (or this address) may try again; 0 when not locked."""
    limits = {
        _key("user", username): _setting("LOGIN_FAILURES_PER_USERNAME", LOGIN_FAILURES_PER_USERNAME),
        _key("addr", _client_address(request)): _setting("LOGIN_FAILURES_PER_ADDRESS", LOGIN_FAILURES_PER_ADDRESS),
    }
    counts = cache.get_many([*limits, *(f"{key}:since" for key in limits)])
    for key, limit in limits.items():
        if counts.get(key, 0) >= limit:
            since = counts.get(f"{key}:since", time.time())
            return max(int(since + LOGIN_LOCK_SECONDS - time.time()), 1)
    return 0


def login_failed(request, username: str) -> None:
    """Count one failure for the username and for the address. The count is one atomic
    increment in the cache, so guesses sent in parallel are each counted; the lock runs for
    LOGIN_LOCK_SECONDS from the first failure of the series."""
    for key in (_key("user", username), _key("addr", _client_address(request))):
        cache.add(f"{key}:since", time.time(), timeout=LOGIN_LOCK_SECONDS)
        cache.add(key, 0, timeout=LOGIN_LOCK_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr: this failure starts a new series
            cache.set(key, 1, timeout=LOGIN_LOCK_SECONDS)


def login_succeeded(request, username: str) -> None:
    key = _key("user", username)
    cache.delete_many([key, f"{key}:since"])


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, f"WEBCARE_{name}", default))


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form that stops answering after repeated failures for a username or an
    address (for 15 minutes), so passwords cannot be guessed at speed. The refusal looks the
    same whether the password was right or not."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Your username and password didn't match. Please try again."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        wait = login_locked_for(self.request, username)
        if wait:
            raise ValidationError(
                _("Too many failed sign-ins. Try again in %(minutes)s minutes."),
                code="throttled",
                params={"minutes": (wait + 59) // 60},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            login_failed(self.request, username)
            raise
        login_succeeded(self.request, username)
        return cleaned


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm


# --- Database outages -----------------------------------------------------------------------------


class DatabaseUnavailableMiddleware:
    """While PostgreSQL is down (restarting, failing over), answer 503 with Retry-After instead
    of a 500 and a traceback in the log for every request. Meta and browsers retry a 503; a
    webhook is acknowledged only once its raw event is stored, so nothing is lost. Django opens
    a fresh connection on the next request, so service resumes by itself when the database is
    back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError, connection

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        with contextlib.suppress(Exception):  # closing a dead connection may fail too
            connection.close()  # drop the broken connection; the next request opens a new one
        return database_unavailable_response()


def database_unavailable_response():
    from django.http import JsonResponse

    response = JsonResponse({"status": "error", "detail": "The database is unavailable; try again."}, status=503)
    response["Retry-After"] = "5"
    return response


def server_error(request, *args, **kwargs):
    """handler500: an outage met outside a view (in a middleware) is a 503 as well."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.views.defaults import server_error as django_server_error

    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable_response()
    return django_server_error(request, *args, **kwargs)


class NulQueryMiddleware:
    """A NUL character in the query string can go in no database column (PostgreSQL refuses it
    in text): answer 400 at the door instead of a 500 wherever the parameter is used."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            from django.http import HttpResponseBadRequest

            return HttpResponseBadRequest("Null characters are not allowed.", content_type="text/plain")
        return self.get_response(request)
