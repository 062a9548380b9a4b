"""The REST API's gatekeeping beyond DRF's defaults: request rates, failed API tokens and who
may read the schema.

Rates are counted in fixed windows with one atomic increment in the shared cache (Redis on the
full stack), so every server process counts against the same limit and requests sent in
parallel are each counted. DRF authenticates before it throttles, so a flood of wrong tokens
would otherwise reach the token table at full speed: failed token authentications are counted
per client address, and past the limit the address gets 429 before its token is looked up.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions, permissions, throttling
from rest_framework.settings import api_settings

from inbox.api.authentication import ApiTokenAuthentication
from kernel.proxies import client_address

KEY_PREFIX = "api"  # tests give each test its own
TOKEN_FAILURES_PER_ADDRESS = 20
TOKEN_LOCK_SECONDS = 15 * 60


def _hashed(value: str) -> str:
    # Addresses never appear in the cache's key space as typed.
    return hashlib.sha256(value.lower().encode()).hexdigest()[:32]


def _client(request) -> str:
    return _hashed(client_address(request))


def _window_count(key: str, *, seconds: int) -> int:
    """Add one to this window's count and return it. The count is created with the window's
    lifetime, so it vanishes on its own."""
    cache.add(key, 0, timeout=seconds + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this request starts a new count
        cache.set(key, 1, timeout=seconds + 1)
        return 1


class _FixedWindowThrottle(throttling.SimpleRateThrottle):
    """DRF's rate throttle (scope and rate from DEFAULT_THROTTLE_RATES) counting in fixed
    windows: DRF's own keeps a list of every request's time per client, read and written back
    whole on each request, which loses parallel requests and grows with the rate."""

    def get_rate(self):
        # Read when the throttle is made (once per request), not when the class was defined.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        count = _window_count(f"{KEY_PREFIX}:rate:{self.scope}:{ident}:{window}", seconds=self.duration)
        self.wait_seconds = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self):
        return max(getattr(self, "wait_seconds", 1), 1)


class AnonRateThrottle(_FixedWindowThrottle):
    """Anonymous requests, per client address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return _client(request)


class UserRateThrottle(_FixedWindowThrottle):
    """Signed-in requests (API token or session), per user."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return f"u{request.user.pk}"


def _token_failures_key(request) -> str:
    return f"{KEY_PREFIX}:token-failures:{_client(request)}"


def _token_limit() -> int:
    return int(getattr(settings, "WEBCARE_API_TOKEN_FAILURES_PER_ADDRESS", TOKEN_FAILURES_PER_ADDRESS))


def _token_lock_seconds() -> int:
    return int(getattr(settings, "WEBCARE_API_TOKEN_LOCK_SECONDS", TOKEN_LOCK_SECONDS))


class ThrottledTokenAuthentication(ApiTokenAuthentication):
    """The API's token authentication (named tokens, then DRF's own) that counts failed
    tokens per client address. Once an address has failed WEBCARE_API_TOKEN_FAILURES_PER_ADDRESS times, it gets 429 with
    Retry-After, before any database lookup, until the lock (counted from its first failure)
    runs out; its right tokens wait too, so guessing gains nothing."""

    def authenticate(self, request):
        if not self.authenticate_header_present(request):
            return None
        key = _token_failures_key(request)
        counted = cache.get_many([key, f"{key}:since"])
        if counted.get(key, 0) >= _token_limit():
            since = counted.get(f"{key}:since", time.time())
            raise exceptions.Throttled(wait=max(since + _token_lock_seconds() - time.time(), 1))
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            cache.add(f"{key}:since", time.time(), timeout=_token_lock_seconds())
            _window_count(key, seconds=_token_lock_seconds())
            raise

    def authenticate_header_present(self, request) -> bool:
        from rest_framework.authentication import get_authorization_header

        words = get_authorization_header(request).split()
        return bool(words) and words[0].lower() == self.keyword.lower().encode()


class SchemaReader(permissions.BasePermission):
    """The OpenAPI schema is for integrators: a request with a valid API token, or a lead's or
    admin's session. It maps every endpoint and parameter, so it is not handed to anonymous
    visitors or to every agent's browser."""

    def has_permission(self, request, view):
        from inbox import access

        if not (request.user and request.user.is_authenticated):
            return False
        # A token (named or DRF's) sets request.auth; a browser session leaves it None.
        return request.auth is not None or access.sees_everything(request.user)
