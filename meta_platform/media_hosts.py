"""Where a media download may go: Meta's CDN over HTTPS, never an address inside our network.

A media URL arrives in a webhook body (Messenger) or a Graph answer (WhatsApp). A signed body
proves it came from Meta, but not that the URL in it points at Meta: fetching it blindly would
let whoever can get such a URL in front of us make the server read `http://127.0.0.1:...` or a
cloud metadata address and hand the answer to agents as "the customer's file". So a download
goes only to `settings.META_MEDIA_HOSTS`:

- an entry without a scheme is a host (`cdn.fbsbx.com`) or, with a leading dot, a domain and
  its subdomains (`.fbcdn.net`); such URLs must be `https` on the default port, and every
  address the host resolves to must be public. The connection itself checks the address it
  reached again, so a name that resolves differently the second time (DNS rebinding) gains
  nothing;
- an entry with a scheme (`http://127.0.0.1:8025`) is one exact origin the operator trusts as
  it is, private or not (a local stand-in for Meta in tests and demos).
"""

import ipaddress
import socket
import threading
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

DEFAULT_MEDIA_HOSTS = (".fbcdn.net", ".fbsbx.com", ".facebook.com", ".cdninstagram.com")

_local = threading.local()


class MediaAddressRefused(Exception):
    """The URL is not on Meta's CDN (or leads into our own network): it is never fetched."""


def media_url_check(url: str) -> bool:
    """Refuse (MediaAddressRefused) a URL outside META_MEDIA_HOSTS. Returns whether the
    connection must be checked for a public address (False for an explicitly trusted origin)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise MediaAddressRefused("The file's address is not a valid URL.") from error
    host = (parts.hostname or "").rstrip(".").lower()
    entries = [str(entry).strip().lower() for entry in _allowed_hosts() if str(entry).strip()]
    if any("://" in entry and _origin(entry) == _origin(url) for entry in entries):
        return False
    if parts.scheme != "https" or not host or port not in (None, 443) or parts.username or parts.password:
        raise MediaAddressRefused("The file's address is not an https address on Meta's CDN.")
    if not any(_host_matches(host, entry) for entry in entries if "://" not in entry):
        raise MediaAddressRefused(f"The file's address ({host}) is not on Meta's CDN.")
    try:
        found = socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except OSError as error:
        raise requests.ConnectionError(f"could not resolve {host}") from error  # may work later
    if not found or not all(is_public(info[4][0]) for info in found):
        raise MediaAddressRefused(f"The file's address ({host}) leads to a private network.")
    return True


def _allowed_hosts():
    return getattr(settings, "META_MEDIA_HOSTS", DEFAULT_MEDIA_HOSTS)


def _host_matches(host: str, entry: str) -> bool:
    if entry.startswith("."):
        return host.endswith(entry) and len(host) > len(entry)
    return host == entry


def _origin(url: str) -> tuple:
    try:
        parts = urlsplit(url)
        default = {"http": 80, "https": 443}.get(parts.scheme)
        return (parts.scheme, (parts.hostname or "").lower(), parts.port or default)
    except ValueError:
        return ("", "", None)


def is_public(address: str) -> bool:
    """A globally routable unicast address: not private, loopback, link-local, shared (CGNAT),
    reserved, multicast or unspecified (IPv4 inside IPv6 judged as the IPv4 address)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _checked(connection, sock):
    address = sock.getpeername()[0]
    if not is_public(address):
        sock.close()
        raise MediaAddressRefused(f"The file's address ({connection.host}) leads to a private network.")
    return sock


class _PublicHTTPConnection(HTTPConnection):
    def _new_conn(self):
        return _checked(self, super()._new_conn())


class _PublicHTTPSConnection(HTTPSConnection):
    def _new_conn(self):
        return _checked(self, super()._new_conn())


class _PublicHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _PublicAdapter(HTTPAdapter):
    """Connections that refuse to talk to a non-public address, whatever DNS said before."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PublicHTTPConnectionPool,
            "https": _PublicHTTPSConnectionPool,
        }


def public_session() -> requests.Session:
    """A keep-alive session per thread whose connections reach public addresses only. It
    ignores proxy settings from the environment: through a proxy the address reached would be
    the proxy's, and the check would mean nothing."""
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
        session.trust_env = False
        adapter = _PublicAdapter()
        session.mount("https://", adapter)
        session.mount("http://", adapter)
    return session
