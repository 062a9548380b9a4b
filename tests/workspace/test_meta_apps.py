"""Settings: Meta apps. An admin adds an app and gets the callback URL and a generated verify
token to paste into Meta; Meta's handshake on that URL shows up as verified; rotating the app
secret reaches every inbox holding the old one. Leads see the list without the token and may not
create or rotate; agents get 404. The app secret is never shown."""

import pytest

from audit.models import AuditAction, AuditEntry
from meta_platform.meta_apps import meta_app_create
from meta_platform.models import MetaApp
from tests.factories import make_inbox, make_user

pytestmark = pytest.mark.django_db

SECRET = "old-app-secret-SECRET"
NEW_SECRET = "new-app-secret-SECRET"
PUBLIC_URL = "https://webcare.example.nl"


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.PUBLIC_URL = PUBLIC_URL


@pytest.fixture
def admin(db):
    return make_user("ada", role="admin")


@pytest.fixture
def lead(db):
    return make_user("lena", role="lead")


@pytest.fixture
def app(db):
    return meta_app_create(name="Acme Meta", app_secret=SECRET, verify_token="app-verify-TOKEN", app_id="4242")


def meta_inbox(kind: str, external_id: str, secret: str, name: str):
    credentials = {"access_token": "token", "app_secret": secret, "verify_token": f"verify-{external_id}"}
    return make_inbox(kind, name=name, external_id=external_id, credentials=credentials)


def test_an_admin_adds_an_app_and_gets_the_url_and_a_generated_token(client, admin):
    client.force_login(admin)
    response = client.post(
        "/settings/inboxes/meta-apps/new/", {"name": "Webshop app", "app_id": "1234567", "app_secret": SECRET}
    )

    app = MetaApp.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/settings/inboxes/meta-apps/{app.pk}/"
    assert (app.name, app.app_id, app.credentials["app_secret"]) == ("Webshop app", "1234567", SECRET)
    token = app.credentials["verify_token"]
    assert len(token) >= 24
    assert AuditEntry.objects.filter(action=AuditAction.META_APP_CREATED, actor=admin).exists()

    page = client.get(response["Location"]).content.decode()
    assert f"{PUBLIC_URL}/webhooks/meta/{app.public_key}/" in page
    assert token in page and "Not verified yet" in page
    assert SECRET not in page

    listing = client.get("/settings/inboxes/meta-apps/").content.decode()
    assert "Webshop app" in listing and "1234567" in listing and f"/webhooks/meta/{app.public_key}/" in listing
    assert token not in listing and SECRET not in listing


def test_the_form_refuses_a_missing_secret_and_a_non_numeric_app_id(client, admin):
    client.force_login(admin)
    response = client.post("/settings/inboxes/meta-apps/new/", {"name": "X", "app_id": "abc", "app_secret": ""})
    assert response.status_code == 200 and not MetaApp.objects.exists()
    assert "Meta&#x27;s ids are digits only" in response.content.decode()
    assert "This field is required." in response.content.decode()


def test_the_handshake_on_the_app_url_shows_as_verified(client, admin, app):
    handshake = {"hub.mode": "subscribe", "hub.verify_token": "app-verify-TOKEN", "hub.challenge": "8812"}
    assert client.get(app.webhook_path, handshake).content == b"8812"

    client.force_login(admin)
    for url in ["/settings/inboxes/meta-apps/", f"/settings/inboxes/meta-apps/{app.pk}/"]:
        page = client.get(url).content.decode()
        assert 'data-verified="true"' in page and "Meta verified the webhook at" in page, url
        assert "Not verified yet" not in page


def test_the_list_shows_the_inboxes_that_hold_the_apps_secret(client, lead, app):
    meta_inbox("whatsapp", "2001", SECRET, "WhatsApp NL")
    meta_inbox("messenger", "1001", SECRET, "Messenger NL")
    meta_inbox("messenger", "1002", "another-secret", "Elsewhere")
    client.force_login(lead)
    page = client.get("/settings/inboxes/meta-apps/").content.decode()
    assert "WhatsApp NL" in page and "Messenger NL" in page and "Elsewhere" not in page


def test_rotating_the_secret_updates_the_app_and_every_inbox_with_the_old_one(client, admin, app):
    mine = [meta_inbox("whatsapp", "2001", SECRET, "WA"), meta_inbox("messenger", "1001", SECRET, "FB")]
    other = meta_inbox("messenger", "1002", "another-secret", "Other")
    client.force_login(admin)

    response = client.post(f"/settings/inboxes/meta-apps/{app.pk}/secret/", {"app_secret": NEW_SECRET})

    assert response.status_code == 302
    app.refresh_from_db()
    assert app.credentials["app_secret"] == NEW_SECRET and app.credentials["verify_token"] == "app-verify-TOKEN"
    for inbox in mine:
        inbox.refresh_from_db()
        assert inbox.credentials["app_secret"] == NEW_SECRET
    other.refresh_from_db()
    assert other.credentials["app_secret"] == "another-secret"
    entry = AuditEntry.objects.get(action=AuditAction.META_APP_SECRET_CHANGED)
    assert NEW_SECRET not in str(entry.__dict__) and SECRET not in str(entry.__dict__)
    page = client.get(response["Location"]).content.decode()
    assert "on 2 inboxes" in page and NEW_SECRET not in page


def test_an_empty_new_secret_changes_nothing(client, admin, app):
    client.force_login(admin)
    response = client.post(f"/settings/inboxes/meta-apps/{app.pk}/secret/", {"app_secret": ""})
    assert response.status_code == 400
    app.refresh_from_db()
    assert app.credentials["app_secret"] == SECRET


def test_a_lead_sees_the_apps_without_the_token_and_may_not_create_or_rotate(client, lead, app):
    client.force_login(lead)
    listing = client.get("/settings/inboxes/meta-apps/")
    detail = client.get(f"/settings/inboxes/meta-apps/{app.pk}/")
    assert listing.status_code == 200 and detail.status_code == 200
    for page in (listing.content.decode(), detail.content.decode()):
        assert "Acme Meta" in page and f"{PUBLIC_URL}{app.webhook_path}" in page
        assert "app-verify-TOKEN" not in page and SECRET not in page
        assert "/settings/inboxes/meta-apps/new/" not in page and "/secret/" not in page

    assert client.get("/settings/inboxes/meta-apps/new/").status_code == 404
    assert client.post("/settings/inboxes/meta-apps/new/", {"name": "X", "app_secret": "s"}).status_code == 404
    assert client.post(f"/settings/inboxes/meta-apps/{app.pk}/secret/", {"app_secret": "s"}).status_code == 404
    assert MetaApp.objects.count() == 1
    app.refresh_from_db()
    assert app.credentials["app_secret"] == SECRET


def test_agents_get_404_everywhere(client, app):
    client.force_login(make_user(role="agent"))
    for url in ["/settings/inboxes/meta-apps/", "/settings/inboxes/meta-apps/new/",
                f"/settings/inboxes/meta-apps/{app.pk}/"]:  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert client.post(f"/settings/inboxes/meta-apps/{app.pk}/secret/", {"app_secret": "s"}).status_code == 404
    app.refresh_from_db()
    assert app.credentials["app_secret"] == SECRET


def test_the_inbox_list_links_to_the_meta_apps(client, lead):
    client.force_login(lead)
    page = client.get("/settings/inboxes/").content.decode()
    assert 'href="/settings/inboxes/meta-apps/"' in page and "Use one callback URL for the app." in page


@pytest.mark.parametrize(
    "language, words",
    [
        ("nl", ["Meta-apps", "Meta-app toevoegen", "Nog niet geverifieerd"]),
        ("de", ["Meta-Apps", "Meta-App hinzufügen", "Noch nicht verifiziert"]),
    ],
)
def test_the_page_speaks_dutch_and_german(client, admin, app, language, words):
    client.force_login(admin)
    page = client.get("/settings/inboxes/meta-apps/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for word in words:
        assert word in page
