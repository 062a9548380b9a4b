"""Every URL, walked: as an anonymous visitor and as an agent of another inbox.

Each route of the URL configuration is requested with GET and POST, every numeric id in it
set to a row of an inbox the agent is not in (all foreign rows share one id, so whatever the
route means by `pk`, it points at something foreign). Nothing may answer with, or change,
what belongs to that inbox. A new route is walked automatically; a public one must be named
in PUBLIC below with the reason.
"""

import re

import pytest
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from crm.models import Contact, ContactIdentity, ContactMerge, MergeSuggestion
from inbox.models import Attachment, CannedResponse, Conversation, Inbox, Message
from tests.factories import make_conversation, make_inbox, make_message, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

FOREIGN_ID = 900001
SECRET_TEXT = "GEHEIM-bericht-7731"
SECRET_NAME = "Geheime Klant Zwaan"

# Routes anyone may call, and why. Everything else needs a signed-in user.
PUBLIC = {
    "healthz": "load balancer probe, says nothing but ok",
    "healthz/": "the same",
    "favicon.ico": "the site's icon, asked for by every browser",
    "accounts/": "sign-in, sign-out and password reset pages",
    "webhooks/": "Meta calls these; the HMAC signature authenticates (tests/channels_*)",
    "widget/": "the public chat widget script",
    "livechat/<str:key>/upload/": "visitor uploads, checked by the visitor's session token",
    "livechat/files/": "visitor file links, signed and expiring",
    "livechat/demo/": "the demo host page, only with DEBUG or WEBCARE_DEMO_PAGE (demo inboxes)",
    "setup/": "first run: only while no admin exists, and only with the setup token (tests/workspace)",
}

# The lead and admin pages: an agent gets 404 on every one of them, whatever the method.
SETTINGS_PREFIXES = ("settings/", "automation/")
# Of those, the ones only an admin may use (channel credentials, Meta apps, deactivating an
# inbox): a lead gets 404 there too. Any route whose path names a Meta channel's setup is
# admin-only as well (`settings/inboxes/new/<kind>/` with a Meta kind, checked below).
ADMIN_ONLY = (
    "settings/inboxes/meta-apps/new/",
    "settings/inboxes/meta-apps/<int:pk>/secret/",
    "settings/inboxes/<int:pk>/active/",
)


def _routes():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return sorted({r for r in walk(get_resolver().url_patterns) if not r.startswith(("admin/", "^"))})


def _url(route: str) -> str:
    url = re.sub(r"<int:\w+>", str(FOREIGN_ID), route)
    url = re.sub(r"<str:decision>", "accept", url)
    url = re.sub(r"<(str|slug):\w+>", "not-a-real-key", url)
    url = re.sub(r"<\w+>", "x", url)
    return "/" + url


def _public(route: str) -> bool:
    return any(route == p or (p.endswith("/") and route.startswith(p)) for p in PUBLIC)


@pytest.fixture
def foreign(db):
    """A second organisation's inbox with one of everything, all with id FOREIGN_ID."""
    inbox = Inbox.objects.create(pk=FOREIGN_ID, kind="whatsapp", name="Foreign", external_id="foreign-1")
    contact = Contact.objects.create(pk=FOREIGN_ID, name=SECRET_NAME, phone="+31699999999")
    other = Contact.objects.create(name=SECRET_NAME + " 2")
    identity = ContactIdentity.objects.create(contact=contact, channel="whatsapp", external_id="31699999999")
    conversation = Conversation.objects.create(
        pk=FOREIGN_ID, inbox=inbox, contact=contact, identity=identity, last_message_at=timezone.now()
    )
    message = Message.objects.create(
        pk=FOREIGN_ID,
        conversation=conversation,
        inbox=inbox,
        direction="in",
        text=SECRET_TEXT,
        external_id="wamid.foreign",
        sent_at=timezone.now(),
        status="failed",
    )
    Attachment.objects.create(pk=FOREIGN_ID, message=message, kind="document", filename="secret.pdf")
    canned = CannedResponse.objects.create(pk=FOREIGN_ID, shortcut="geheim", title="Geheim", text=SECRET_TEXT)
    canned.inboxes.add(inbox)
    ContactMerge.objects.create(pk=FOREIGN_ID, survivor=contact, merged=other, snapshot={"name": SECRET_NAME})
    first, second = sorted([contact, other], key=lambda c: c.pk)
    MergeSuggestion.objects.create(pk=FOREIGN_ID, first=first, second=second, reason="name")
    return {"inbox": inbox, "contact": contact, "conversation": conversation, "message": message}


@pytest.fixture
def outsider(foreign):
    """An agent with an inbox of their own (and a conversation in it), not the foreign one."""
    own = make_inbox("whatsapp", name="Own")
    agent = make_user("outsider", inboxes=[own])
    make_message(make_conversation(own), text="own message")
    return agent


def _snapshot(foreign) -> tuple:
    conversation = Conversation.objects.get(pk=FOREIGN_ID)
    message = Message.objects.get(pk=FOREIGN_ID)
    contact = Contact.objects.get(pk=FOREIGN_ID)
    return (
        conversation.status,
        conversation.assignee_id,
        conversation.version,
        sorted(conversation.tags.values_list("name", flat=True)),
        message.reactions,
        message.content,
        message.status,
        Message.objects.filter(conversation_id=FOREIGN_ID).count(),
        contact.name,
        contact.phone,
        contact.merged_into_id,
        CannedResponse.objects.filter(pk=FOREIGN_ID).exists(),
        MergeSuggestion.objects.get(pk=FOREIGN_ID).status,
    )


POST_BODY = {
    "text": "x",
    "emoji": "👍",
    "status": "resolved",
    "assignee": "me",
    "tags": "hacked",
    "field": "name",
    "value": "hacked",
    "confirm": "ERASE",
    "other": str(FOREIGN_ID),
    "ids": [str(FOREIGN_ID)],
    "action": "resolve",
    "name": "hacked",
}


def _settings_routes() -> list[str]:
    return [route for route in _routes() if route.startswith(SETTINGS_PREFIXES)]


def test_an_agent_gets_404_on_every_settings_route(client, foreign, outsider):
    client.force_login(outsider)
    routes = _settings_routes()
    assert len(routes) > 25  # every settings page, found from the URL configuration
    for route in routes:
        url = _url(route).replace(str(FOREIGN_ID), str(foreign["inbox"].pk))
        for method in ("get", "post"):
            response = getattr(client, method)(url, POST_BODY if method == "post" else None)
            assert response.status_code in (404, 405), f"{method.upper()} {url} answered {response.status_code}"


def test_a_lead_gets_404_on_the_admin_only_settings(client, foreign):
    client.force_login(make_user("lea", role="lead"))
    for route in ADMIN_ONLY:
        assert route in _settings_routes(), f"{route} is no longer a route: update ADMIN_ONLY"
        url = _url(route).replace(str(FOREIGN_ID), str(foreign["inbox"].pk))
        response = client.post(url, {"secret": "hacked", "active": "0", "app_id": "1", "name": "x"})
        assert response.status_code == 404, f"POST {url} answered {response.status_code} to a lead"
    for kind in ("whatsapp", "messenger"):
        assert client.get(f"/settings/inboxes/new/{kind}/").status_code == 404
    assert Inbox.objects.get(pk=FOREIGN_ID).is_active


def test_every_route_refuses_anonymous_visitors(client, foreign):
    before = _snapshot(foreign)
    checked = 0
    for route in _routes():
        if _public(route):
            continue
        url = _url(route)
        for method in ("get", "post"):
            response = getattr(client, method)(url, POST_BODY if method == "post" else None)
            location = response.get("Location", "")
            assert response.status_code in (401, 403, 404, 405) or (
                response.status_code == 302 and "/accounts/login/" in location
            ), f"{method.upper()} {url} answered {response.status_code} to an anonymous visitor"
            assert SECRET_TEXT.encode() not in response.content
            checked += 1
    assert checked > 80  # the walk really walked
    assert _snapshot(foreign) == before


def test_every_route_hides_and_protects_another_inboxs_data_from_an_agent(client, foreign, outsider):
    client.force_login(outsider)
    before = _snapshot(foreign)
    for route in _routes():
        if route.startswith(("accounts/", "webhooks/", "widget/", "livechat/files/", "livechat/<str:key>")):
            continue  # public by design (see PUBLIC), no agent data behind them
        url = _url(route)
        for method in ("get", "post"):
            response = getattr(client, method)(url, POST_BODY if method == "post" else None)
            body = b"" if getattr(response, "streaming", False) else response.content
            if getattr(response, "streaming", False):
                body = b"".join(response.streaming_content)
            assert SECRET_TEXT.encode() not in body, f"{method.upper()} {url} showed a foreign message"
            assert SECRET_NAME.encode() not in body, f"{method.upper()} {url} showed a foreign contact"
            if str(FOREIGN_ID) in url:
                assert response.status_code in (400, 403, 404, 405), (
                    f"{method.upper()} {url} answered {response.status_code} for another inbox's row"
                )
    assert _snapshot(foreign) == before, "a request changed another inbox's data"
