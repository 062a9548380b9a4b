"""Who is asking: the client's address, trusting forwarded headers only from our own proxies.

Anyone can send `X-Forwarded-For` or `X-Forwarded-Proto`. Only a reverse proxy listed in
settings.TRUSTED_PROXIES (addresses or networks; none by default) may tell us the client's
address or scheme; from anyone else these headers are removed before the request reaches
Django, so no code (nor Django's SECURE_PROXY_SSL_HEADER) can be fooled by them. Every
per-address limit (sign-in, password reset, new live-chat sessions) asks `client_address`.
"""

import functools
import ipaddress

from django.conf import settings

FORWARDED_HEADERS = (
    b"x-forwarded-for",
    b"x-forwarded-proto",
    b"x-forwarded-host",
    b"x-forwarded-port",
    b"x-real-ip",
    b"forwarded",
)


@functools.lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted if entry.strip())


def is_trusted_proxy(address: str) -> bool:
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not address:
        return False
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in networks)


def address_behind_proxies(peer: str, forwarded_for: str) -> str:
    """The client's address: the direct peer, unless that is a trusted proxy; then the nearest
    address in X-Forwarded-For that is not one of our proxies (addresses further left were
    written by the client itself and prove nothing)."""
    if not is_trusted_proxy(peer) or not forwarded_for:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted_proxy(hop):
            return hop
    return hops[0] if hops else peer


def client_address(request) -> str:
    """The address of the client of a Django request (see the module docstring)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    return address_behind_proxies(peer, request.META.get("HTTP_X_FORWARDED_FOR", "")) or "unknown"


def scope_client_address(scope) -> str:
    """The address of the client of an ASGI scope (a websocket) after `TrustedProxies`."""
    client = scope.get("client") or ("",)
    return client[0] or "unknown"


class TrustedProxies:
    """ASGI middleware for HTTP and websockets: from a trusted proxy, take the client's address
    and scheme from its X-Forwarded-For / X-Forwarded-Proto; from anyone else, drop those headers.

    uvicorn does the first part too when started with --forwarded-allow-ips; then the peer seen
    here is already the client, not a proxy, and its headers are simply dropped."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        client = scope.get("client") or ("", 0)
        headers = scope.get("headers") or []
        if is_trusted_proxy(client[0]):
            forwarded_for = b", ".join(value for name, value in headers if name == b"x-forwarded-for").decode("latin1")
            address = address_behind_proxies(client[0], forwarded_for)
            proto = next((value for name, value in headers if name == b"x-forwarded-proto"), b"").decode("latin1")
            scope = dict(scope, client=(address, client[1] if address == client[0] else 0))
            proto = proto.split(",")[0].strip().lower()
            if proto in ("http", "https"):
                scope["scheme"] = proto if scope["type"] == "http" else proto.replace("http", "ws")
        else:
            scope = dict(scope, headers=[(name, value) for name, value in headers if name not in FORWARDED_HEADERS])
        return await self.app(scope, receive, send)


class ForwardedHeadersMiddleware:
    """The same rule where no ASGI server is in front (WSGI): drop forwarded headers that did
    not come from a trusted proxy, before SecurityMiddleware asks whether the request is https."""

    META_NAMES = tuple("HTTP_" + name.decode().upper().replace("-", "_") for name in FORWARDED_HEADERS)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for name in self.META_NAMES:
                request.META.pop(name, None)
        return self.get_response(request)
