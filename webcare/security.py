"""Defences of the agent UI beyond Django's own: a Content-Security-Policy, login and
password-reset throttling.

The CSP is the second wall behind escaping: if a customer's text ever slipped through a
template unescaped, the browser would still refuse to run it (no inline scripts, no eval, no
foreign origins). Every script and style of the agent UI is a file under /static/.
"""

import contextlib
import hashlib
import logging
import math
import time
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kernel.file_headers import file_headers
from kernel.proxies import client_address

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
#
# Three counts, each over a window of LOGIN_LOCK_SECONDS from its first failure:
# - a username from one address: locked after LOGIN_FAILURES_PER_USERNAME failures;
# - one address, any username: locked after LOGIN_FAILURES_PER_ADDRESS failures;
# - a username from all addresses: never locked, only slowed down. Once it has failed
#   LOGIN_SLOWDOWN_AFTER times, each further attempt waits a few seconds after the last failure
#   (growing to LOGIN_SLOWDOWN_MAX_SECONDS), so guessing from many addresses is slow, while
#   whoever fails from other addresses cannot lock the real user out. An address where the user
#   signed in before skips that wait.
# The address is the client's, by kernel.proxies: forwarded headers count only from our proxies.

LOGIN_FAILURES_PER_USERNAME = 5
LOGIN_FAILURES_PER_ADDRESS = 30
LOGIN_LOCK_SECONDS = 15 * 60
LOGIN_SLOWDOWN_AFTER = 10
LOGIN_SLOWDOWN_MAX_SECONDS = 30
LOGIN_KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600


def _key(kind: str, *values: str) -> str:
    # Hashed: usernames and addresses never appear in the cache's key space as typed.
    value = "\n".join(values).lower()
    return f"login-failures:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _login_keys(request, username: str) -> SimpleNamespace:
    address = client_address(request)
    return SimpleNamespace(
        pair=_key("pair", username, address),
        address=_key("addr", address),
        user=_key("user", username),
        known=_key("known", username, address),
    )


def login_locked_for(request, username: str) -> int:
    """Seconds until this username may be tried again from this address; 0 when it may now."""
    keys = _login_keys(request, username)
    limits = {
        keys.pair: _setting("LOGIN_FAILURES_PER_USERNAME", LOGIN_FAILURES_PER_USERNAME),
        keys.address: _setting("LOGIN_FAILURES_PER_ADDRESS", LOGIN_FAILURES_PER_ADDRESS),
    }
    names = [*limits, *(f"{key}:since" for key in limits), keys.user, f"{keys.user}:last", keys.known]
    counts = cache.get_many(names)
    now = time.time()
    for key, limit in limits.items():
        if counts.get(key, 0) >= limit:
            since = counts.get(f"{key}:since", now)
            return max(int(since + LOGIN_LOCK_SECONDS - now), 1)
    beyond = counts.get(keys.user, 0) - _setting("LOGIN_SLOWDOWN_AFTER", LOGIN_SLOWDOWN_AFTER)
    if beyond < 0 or counts.get(keys.known):
        return 0
    delay = min(2 * (beyond + 1), _setting("LOGIN_SLOWDOWN_MAX_SECONDS", LOGIN_SLOWDOWN_MAX_SECONDS))
    wait = counts.get(f"{keys.user}:last", 0) + delay - now
    return math.ceil(wait) if wait > 0 else 0


def login_failed(request, username: str) -> None:
    """Count one failure for the username at this address, the address and the username. Each
    count is one atomic increment in the cache, so guesses sent in parallel are each counted;
    a count runs for LOGIN_LOCK_SECONDS from the first failure of its series."""
    keys = _login_keys(request, username)
    for key in (keys.pair, keys.address, keys.user):
        _count(key, timeout=LOGIN_LOCK_SECONDS)
    cache.set(f"{keys.user}:last", time.time(), timeout=LOGIN_LOCK_SECONDS)


def login_succeeded(request, username: str) -> None:
    """Forget this address's failures for the username and remember the address as the user's
    own. The username's count across addresses stays: it was not this user's doing."""
    keys = _login_keys(request, username)
    cache.delete_many([keys.pair, f"{keys.pair}:since"])
    cache.set(keys.known, 1, timeout=LOGIN_KNOWN_ADDRESS_SECONDS)


def _count(key: str, *, timeout: int) -> int:
    cache.add(f"{key}:since", time.time(), timeout=timeout)
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this one starts a new series
        cache.set(key, 1, timeout=timeout)
        return 1


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, f"WEBCARE_{name}", default))


def wait_message(seconds: int) -> str:
    if seconds < 60:
        return ngettext(
            "Too many failed sign-ins. Try again in %(seconds)s second.",
            "Too many failed sign-ins. Try again in %(seconds)s seconds.",
            seconds,
        ) % {"seconds": seconds}
    return gettext("Too many failed sign-ins. Try again in %(minutes)s minutes.") % {"minutes": (seconds + 59) // 60}


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form that stops answering after repeated failures (see above), so
    passwords cannot be guessed at speed, and says how long to wait. The refusal looks the
    same whether the password was right or not."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Your username and password didn't match. Please try again."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        wait = login_locked_for(self.request, username)
        if wait:
            raise ValidationError(wait_message(wait), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            login_failed(self.request, username)
            raise
        login_succeeded(self.request, username)
        return cleaned


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm

    def get_context_data(self, **kwargs):
        # A fresh installation has nobody to sign in as: point to the first-run setup.
        from inbox import first_run

        return {**super().get_context_data(**kwargs), "setup_open": first_run.setup_open()}


# --- Password reset ---------------------------------------------------------------------------

PASSWORD_RESET_WINDOW_SECONDS = 3600


def password_reset_allowed(request, email: str) -> bool:
    """Count one reset request for the address and for the e-mail address; False once either
    is over its hourly limit."""
    by_address = _count(_key("reset-addr", client_address(request)), timeout=PASSWORD_RESET_WINDOW_SECONDS)
    by_email = _count(_key("reset-email", email.strip()), timeout=PASSWORD_RESET_WINDOW_SECONDS)
    return by_address <= _setting("PASSWORD_RESETS_PER_ADDRESS", 5) and by_email <= _setting(
        "PASSWORD_RESETS_PER_EMAIL", 3
    )


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form that sends no more e-mails once an address or an e-mail address
    asked too often. The answer stays the same "e-mail sent" page, so it tells nothing about
    the limit, nor whether the account exists."""

    def save(self, *args, request=None, **kwargs):
        if not password_reset_allowed(request, self.cleaned_data["email"]):
            logger.warning("password reset not sent: too many requests from this address or for this e-mail")
            return None
        return super().save(*args, request=request, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm


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
