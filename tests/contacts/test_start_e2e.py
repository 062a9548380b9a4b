# ruff: noqa: F811 - the fake Graph API and browser fixtures are imported by name
"""Starting a WhatsApp conversation from a contact's page in a real headless Chromium: the
template picker shows the chosen template's parameters, the template reaches the fake Graph
API, and the agent lands in the new conversation."""

import time

import pytest
from playwright.sync_api import expect

from channels_whatsapp.models import MessageTemplate
from crm.services import contact_create
from inbox.models import Conversation
from tests.channels_whatsapp.fakes import graph, wa_inbox  # noqa: F401 - fixtures
from tests.factories import make_inbox, make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


@pytest.fixture
def world(wa_inbox):
    website = make_inbox("livechat", name="Website")
    make_user("lena", role="lead", inboxes=[wa_inbox, website])
    MessageTemplate.objects.create(
        inbox=wa_inbox,
        name="hello",
        language="nl",
        status="APPROVED",
        components=[{"type": "BODY", "text": "Hallo, hier is Webcare."}],
    )
    MessageTemplate.objects.create(
        inbox=wa_inbox,
        name="order_update",
        language="nl",
        status="APPROVED",
        components=[{"type": "BODY", "text": "Hallo {{1}}, uw bestelling wordt {{2}} bezorgd."}],
        parameter_names=["body.1", "body.2"],
        parameter_count=2,
    )
    return contact_create(name="Sanne", phone="+31612345678")


def test_a_lead_starts_a_whatsapp_conversation_with_a_template(app_url, browser, graph, wa_inbox, world):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: "Content Security Policy" in m.text and errors.append(m.text))
    try:
        page.goto(f"{app_url}/accounts/login/")
        page.fill("#id_username", "lena")
        page.fill("#id_password", "pw-secret-123")
        page.click("button[type=submit]")
        page.wait_for_selector("#conversation-list")
        page.goto(f"{app_url}/contacts/{world.pk}/")
        options = page.locator('[data-testid="start-option"]')
        website = options.filter(has_text="Website")
        expect(website.locator('[data-testid="start-reason"]')).to_contain_text("Live chat cannot start a conversation")
        whatsapp = options.filter(has_text="Klantenservice")
        expect(whatsapp.locator('[data-testid="start-parameter"]:visible')).to_have_count(0)  # "hello" has none
        whatsapp.locator('[data-testid="start-template-select"]').select_option("order_update|nl")
        parameters = whatsapp.locator('[data-testid="start-parameter"]:visible')
        expect(parameters).to_have_count(2)
        expect(whatsapp.locator(".template-body:visible")).to_have_text(
            "Hallo {{1}}, uw bestelling wordt {{2}} bezorgd."
        )
        parameters.nth(0).fill("Sanne")
        parameters.nth(1).fill("morgen")
        whatsapp.locator('[data-testid="start-send-template"]').click()
        page.wait_for_selector(".conversation-view")
        conversation = Conversation.objects.get(contact=world)
        assert f"c={conversation.pk}" in page.url
        deadline = time.monotonic() + 20
        while not [r for r in graph.sent() if r.json.get("type") == "template"] and time.monotonic() < deadline:
            time.sleep(0.1)
        sent = [r for r in graph.sent() if r.json.get("type") == "template"][-1].json
        assert sent["to"] == "31612345678" and sent["template"]["name"] == "order_update"
        assert sent["template"]["components"][0]["parameters"][1] == {"type": "text", "text": "morgen"}
        expect(page.locator('[data-testid="message"][data-direction="out"]')).to_contain_text(
            "Hallo Sanne, uw bestelling wordt morgen bezorgd."
        )
        assert errors == []
    finally:
        context.close()
