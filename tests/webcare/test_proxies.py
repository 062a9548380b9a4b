"""Forwarded headers (X-Forwarded-For / -Proto) count only from the proxies in
settings.TRUSTED_PROXIES: in uvicorn as `runstack`, the Dockerfile and compose start it, in the
ASGI application itself, and in the address every per-address limit uses."""

import re
from pathlib import Path

import pytest
import uvicorn
from asgiref.sync import async_to_sync
from django.test import RequestFactory

from inbox.management.commands.runstack import uvicorn_proxy_options
from kernel.proxies import TrustedProxies, client_address

ROOT = Path(__file__).resolve().parents[2]


class Seen:
    """The innermost ASGI app: remembers the scope it was given."""

    scope = None

    async def __call__(self, scope, receive, send):
        self.scope = scope


def scope_through(app, *, peer: str, headers, kind: str = "http") -> dict:
    scope = {"type": kind, "path": "/", "scheme": "http", "headers": list(headers), "client": (peer, 40000)}
    async_to_sync(app)(scope, None, None)
    return scope


def served_scope(*, peer: str, headers) -> dict:
    """The scope our application gets from uvicorn started as `runstack` starts it."""
    seen = Seen()
    config = uvicorn.Config(TrustedProxies(seen), **uvicorn_proxy_options())
    config.load()
    scope_through(config.loaded_app, peer=peer, headers=headers)
    return seen.scope


FORGED = [(b"x-forwarded-for", b"203.0.113.99"), (b"x-forwarded-proto", b"https")]


def test_without_trusted_proxies_a_local_peer_cannot_pick_its_address(settings):
    """uvicorn's own default trusts 127.0.0.1: anyone on the machine (or a proxy that passes the
    header on) could rotate X-Forwarded-For and get unlimited sign-in guesses."""
    settings.TRUSTED_PROXIES = []

    scope = served_scope(peer="127.0.0.1", headers=FORGED)

    assert scope["client"][0] == "127.0.0.1"
    assert scope["scheme"] == "http"
    assert not any(name.startswith(b"x-forwarded") for name, _ in scope["headers"])


def test_a_trusted_proxy_names_the_client_and_the_scheme(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    chain = (b"x-forwarded-for", b"1.1.1.1, 198.51.100.7, 10.0.0.9")
    scope = served_scope(peer="10.1.2.3", headers=[chain, *FORGED[1:]])

    # the nearest address that is not one of our proxies; what the client wrote further left is ignored
    assert scope["client"][0] == "198.51.100.7"
    assert scope["scheme"] == "https"


def test_the_application_alone_ignores_forwarded_headers_from_others(settings):
    """Whatever server is in front: a peer outside TRUSTED_PROXIES has its headers removed."""
    settings.TRUSTED_PROXIES = ["2001:db8:ffff::/48"]
    seen = Seen()

    scope_through(TrustedProxies(seen), peer="192.0.2.1", headers=FORGED)
    assert seen.scope["client"][0] == "192.0.2.1" and seen.scope["headers"] == []

    scope_through(TrustedProxies(seen), peer="2001:db8:ffff::1", headers=FORGED, kind="websocket")
    assert seen.scope["client"][0] == "203.0.113.99" and seen.scope["scheme"] == "wss"


def test_the_client_address_of_a_django_request(settings):
    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.99")
    settings.TRUSTED_PROXIES = []
    assert client_address(forged) == "192.0.2.1"
    settings.TRUSTED_PROXIES = ["192.0.2.1"]
    assert client_address(forged) == "203.0.113.99"


@pytest.mark.django_db
def test_the_scheme_header_is_believed_only_from_a_trusted_proxy(client, settings):
    """Django's SECURE_PROXY_SSL_HEADER is global: the header is removed unless a trusted proxy
    sent it, so a client cannot claim https (secure cookies, no redirect) on plain HTTP."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = []

    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="192.0.2.1").status_code == 301

    settings.TRUSTED_PROXIES = ["192.0.2.1"]
    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="192.0.2.1").status_code == 200


def test_the_scheme_header_setting_follows_trusted_proxies():
    settings_text = (ROOT / "webcare" / "settings.py").read_text()
    assert re.search(r"if TRUSTED_PROXIES:\n\s+SECURE_PROXY_SSL_HEADER", settings_text)


@pytest.mark.parametrize("name", ["Dockerfile", "docker-compose.yml"])
def test_the_containers_start_uvicorn_with_the_trusted_proxies(name):
    text = (ROOT / name).read_text()
    assert "--proxy-headers" not in text
    assert re.search(r'--forwarded-allow-ips=\\?"?\$\{TRUSTED_PROXIES:-\}', text)
