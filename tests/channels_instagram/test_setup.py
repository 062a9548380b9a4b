"""Connecting an Instagram account in the settings: the guided "Add inbox" form (both ways to
connect), the callback URL and verify token to paste into Meta, and "Test connection" against
the fake Graph API on the right host."""

import pytest

from inbox.models import Inbox
from tests.channels_instagram.fakes import ACCOUNT_ID, PAGE_ID, Answer
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return make_user("ada", role="admin")


def test_an_admin_connects_an_account_through_its_page_and_tests_the_connection(client, admin, graph):
    client.force_login(admin)
    form = {
        "name": "Instagram",
        "account_id": ACCOUNT_ID,
        "login": "facebook",
        "access_token": "EAAM",
        "app_secret": "s",
    }
    refused = client.post("/settings/inboxes/new/instagram/", form)
    assert "needs the Page id" in refused.content.decode() and not Inbox.objects.exists()

    client.post("/settings/inboxes/new/instagram/", {**form, "page_id": PAGE_ID})
    inbox = Inbox.objects.get(kind="instagram")
    assert inbox.external_id == ACCOUNT_ID and inbox.config == {"login": "facebook", "page_id": PAGE_ID}
    assert inbox.credentials["verify_token"]
    page = client.get(f"/settings/inboxes/{inbox.pk}/").content.decode()
    assert f"/webhooks/instagram/{inbox.public_key}/" in page

    graph.script("GET", f"/{ACCOUNT_ID}", Answer(json={"username": "modehuis", "id": ACCOUNT_ID}))
    result = client.post(f"/settings/inboxes/{inbox.pk}/test/").content.decode()
    assert 'data-ok="true"' in result and "@modehuis" in result
    lookup = [r for r in graph.requests if r.path == f"/{ACCOUNT_ID}"][-1]
    assert lookup.host == "facebook" and lookup.query == {"fields": "username,name"}


def test_an_instagram_login_account_needs_no_page_and_is_tested_on_the_instagram_host(client, admin, graph):
    client.force_login(admin)
    client.post(
        "/settings/inboxes/new/instagram/",
        {
            "name": "IG",
            "account_id": ACCOUNT_ID,
            "login": "instagram",
            "page_id": PAGE_ID,
            "access_token": "IGAA",
            "app_secret": "s",
        },
    )
    inbox = Inbox.objects.get(kind="instagram")
    assert inbox.config == {"login": "instagram", "page_id": ""}
    graph.script("GET", f"/{ACCOUNT_ID}", Answer(json={"username": "modehuis"}))
    assert "@modehuis" in client.post(f"/settings/inboxes/{inbox.pk}/test/").content.decode()
    assert [r.host for r in graph.requests if r.path == f"/{ACCOUNT_ID}"] == ["instagram"]
