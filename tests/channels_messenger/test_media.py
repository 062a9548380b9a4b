"""Messenger media: fetched only from Meta's CDN over https to public addresses, stored by
what the bytes are and under a plain name; a refused address fails the download at once."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from inbox.models import Attachment
from meta_platform.media_hosts import MediaAddressRefused, is_public, media_url_check, public_session

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"fake jpeg " * 50
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>document.title="pwned"</script></svg>'
PHOTO = "v/t1.15752-9/photo1.jpg"


@pytest.fixture
def internal_service():
    """Something on our own network that must never be fetched: (url, hits)."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            body = JPEG
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def _deliver_photo_at(deliver, graph, url: str):
    # The fixture's CDN links point at the fake; this one points elsewhere.
    deliver("attachments_several", replace={f"{graph.base}/files/{PHOTO}".replace("/", "\\/"): url.replace("/", "\\/")})


def test_a_url_to_an_address_of_our_own_network_is_never_fetched_and_fails_at_once(deliver, graph, internal_service):
    url, hits = internal_service
    graph.cdn("v/t1.15752-9/photo2.jpg", JPEG)
    _deliver_photo_at(deliver, graph, f"{url}/latest/meta-data/iam")
    refused, fetched = Attachment.objects.order_by("id")
    assert hits == []
    assert refused.status == "failed" and "Meta's CDN" in refused.error and not refused.file
    assert fetched.status == "stored"  # the genuine one beside it is unaffected


@pytest.mark.parametrize(
    "url",
    [
        "https://scontent.xx.fbcdn.net.evil.example/v/photo.jpg",
        "https://evilfbcdn.net/v/photo.jpg",
        "http://scontent.xx.fbcdn.net/v/photo.jpg",
        "https://scontent.xx.fbcdn.net:8443/v/photo.jpg",
        "https://user:pw@scontent.xx.fbcdn.net/v/photo.jpg",
        "https://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "https://[::1]/x",
    ],
)
def test_urls_off_metas_cdn_are_refused_before_any_connection(url, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", _no_dns)
    with pytest.raises(MediaAddressRefused):
        media_url_check(url)


def test_a_cdn_name_that_resolves_to_a_private_address_is_refused(deliver, graph, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", _resolving({"scontent.xx.fbcdn.net": ["10.0.0.7", "157.240.1.1"]}))
    graph.cdn("v/t1.15752-9/photo2.jpg", JPEG)
    _deliver_photo_at(deliver, graph, "https://scontent.xx.fbcdn.net/v/t1/photo1.jpg?oh=1")
    refused = Attachment.objects.order_by("id").first()
    assert refused.status == "failed" and "private network" in refused.error


def test_a_cdn_name_that_resolves_to_public_addresses_is_allowed(monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        _resolving({"scontent.xx.fbcdn.net": ["157.240.1.1", "2a03:2880::1"], "cdn.fbsbx.com": ["31.13.1.1"]}),
    )
    assert media_url_check("https://scontent.xx.fbcdn.net/v/t1/photo1.jpg?oh=1") is True
    assert media_url_check("https://cdn.fbsbx.com/v/t59/factuur.pdf") is True


def test_the_connection_itself_refuses_a_private_address_whatever_dns_said_first(internal_service):
    url, hits = internal_service
    with pytest.raises(MediaAddressRefused):
        public_session().get(url + "/x", timeout=5)
    assert hits == []


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("157.240.1.1", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 - an address judged, nothing bound
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("2a03:2880::1", True),
    ],
)
def test_only_global_unicast_addresses_are_public(address, public):
    assert is_public(address) is public


def test_a_cdn_type_of_svg_is_stored_as_an_opaque_file(deliver, graph):
    graph.cdn(PHOTO, SVG, content_type="image/svg+xml")
    graph.cdn("v/t1.15752-9/photo2.jpg", JPEG, content_type="image/svg+xml")
    deliver("attachments_several")
    svg, jpeg = Attachment.objects.order_by("id")
    assert svg.status == "stored" and svg.mime_type == "application/octet-stream"
    assert jpeg.status == "stored" and jpeg.mime_type == "image/jpeg"


def test_a_file_whose_url_names_a_path_or_control_characters_is_stored_under_a_plain_name(deliver, graph):
    graph.cdn("v/t59.2708-21/..%5C..%5Cfac%00tuur.pdf", b"%PDF-1.4 factuur")
    deliver("file", replace={"factuur-2026-001.pdf": "..%5C..%5Cfac%00tuur.pdf"})
    attachment = Attachment.objects.get()
    assert attachment.status == "stored", attachment.error
    assert attachment.mime_type == "application/pdf"
    assert "\\" not in attachment.file.name and "\x00" not in attachment.file.name
    assert attachment.file.name.rsplit("/", 1)[-1].startswith("factuur")


def _no_dns(*args, **kwargs):
    raise AssertionError("no lookup expected")


def _resolving(table: dict):
    def getaddrinfo(host, port, *args, **kwargs):
        addresses = table[host]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    return getaddrinfo
