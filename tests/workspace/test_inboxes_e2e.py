"""Connecting a WhatsApp number from the settings in a real headless Chromium against the real
ASGI app and the fake Graph API: an admin fills the form, copies the callback URL and verify
token, tests the connection (the display number and quality rating come back), then Meta's
handshake arrives and the page says so. Screenshots of the pages go to docs/screenshots/."""

from pathlib import Path

import pytest
import requests
from django.utils import timezone
from playwright.sync_api import expect

from inbox.models import Inbox
from tests.channels_whatsapp.fakes import WhatsappGraph, whatsapp_default
from tests.factories import make_conversation, make_inbox, make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures
from tests.meta_graph import Answer, serve

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Debian's chromium at {CHROMIUM}"),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE_ID = "106540352242922"
WABA = "102290129340398"


@pytest.fixture
def wa_graph(settings):
    yield from serve(WhatsappGraph(whatsapp_default), settings)


def test_an_admin_connects_a_whatsapp_number_from_the_settings(browser, app_url, wa_graph):  # noqa: F811
    make_user("ada", role="admin")
    website = make_inbox("livechat", name="Website chat", members=[make_user("anna"), make_user("bram")])
    make_conversation(website)
    wa_graph.script(
        "GET",
        f"/{PHONE_ID}",
        Answer(
            json={
                "display_phone_number": "+31 20 123 4567",
                "verified_name": "Webshop BV",
                "quality_rating": "GREEN",
                "id": PHONE_ID,
            }
        ),
    )
    wa_graph.script("GET", f"/{WABA}/message_templates", Answer(json={"data": [], "paging": {}}))
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{app_url}/accounts/login/")
        page.fill("#id_username", "ada")
        page.fill("#id_password", "pw-secret-123")
        page.click("button[type=submit]")
        page.wait_for_load_state()

        # given: the settings' inbox list
        page.goto(f"{app_url}/settings/inboxes/")
        page.get_by_test_id("inbox-add").click()
        page.get_by_test_id("add-whatsapp").click()

        # when: the admin fills in the number's details
        page.fill("#id_name", "Klantenservice WhatsApp")
        page.fill("#id_phone_number_id", PHONE_ID)
        page.fill("#id_waba_id", WABA)
        page.fill("#id_access_token", "EAAG-browser-token")
        page.fill("#id_app_secret", "browser-app-secret")
        page.get_by_test_id("inbox-setup-save").click()

        # then: the callback URL and the generated verify token to paste into Meta
        inbox = Inbox.objects.get(kind="whatsapp")
        callback = page.get_by_test_id("copy-callback_url")
        expect(callback).to_have_value(f"{app_url}/webhooks/whatsapp/{inbox.public_key}/")
        verify_token = inbox.credentials["verify_token"]
        expect(page.get_by_test_id("copy-verify_token")).to_have_value(verify_token)
        expect(page.locator("#id_access_token")).to_have_value("")  # write-only

        # when: Test connection
        page.get_by_test_id("connection-test").click()
        result = page.get_by_test_id("connection-result")
        expect(result).to_have_attribute("data-ok", "true")
        expect(result).to_contain_text("+31 20 123 4567")
        expect(result).to_contain_text("GREEN")
        page.screenshot(path=str(SCREENSHOTS / "settings-whatsapp.png"), full_page=True)

        # when: Meta verifies the webhook (the handshake GET on the callback URL)
        handshake = requests.get(
            callback.input_value(),
            params={"hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": "1158201444"},
            timeout=10,
        )
        assert handshake.status_code == 200 and handshake.text == "1158201444"
        page.goto(f"{app_url}/settings/inboxes/{inbox.pk}/")
        verified = page.get_by_test_id("webhook-verified")
        inbox.refresh_from_db()
        assert inbox.webhook_verified_at is not None
        expect(verified).to_contain_text("WhatsApp verified the webhook at")
        expect(verified).to_contain_text(timezone.localtime(inbox.webhook_verified_at).strftime("%H:%M"))

        # and the list shows both inboxes with their counts
        page.goto(f"{app_url}/settings/inboxes/")
        expect(page.get_by_test_id("inbox-row")).to_have_count(2)
        row = page.locator(f'[data-testid="inbox-row"][data-inbox-id="{website.pk}"]')
        expect(row.get_by_test_id("open-count")).to_have_text("1")
        expect(row.get_by_test_id("member-count")).to_have_text("2")
        page.screenshot(path=str(SCREENSHOTS / "settings-inboxes.png"), full_page=True)
        assert errors == []
    finally:
        context.close()
