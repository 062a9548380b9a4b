"""The navigation's counts follow live, in a real Chromium: after a new conversation, a bulk
assignment, a resolve and a snooze, without a reload and without polling."""

import pytest
from playwright.sync_api import expect

from inbox.ingest import message_ingest
from tests.factories import inbound, make_inbox, make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


def _count(page, testid, key, value):
    return page.locator(f'[data-testid="{testid}"][data-{key}="{value}"]')


def test_the_navigation_counts_follow_every_change_live(app_url, browser):  # noqa: F811
    # given two live-chat conversations and one on WhatsApp, all open and unassigned
    chat, whatsapp = make_inbox("livechat", name="Website"), make_inbox("whatsapp", name="Shop")
    make_user("anna", inboxes=[chat, whatsapp], password="pw-secret-123")
    first = message_ingest(inbox=chat, inbound=inbound("m1", sender_id="v1", name="Sanne")).message.conversation
    second = message_ingest(inbox=chat, inbound=inbound("m2", sender_id="v2", name="Max")).message.conversation
    message_ingest(inbox=whatsapp, inbound=inbound("m3", sender_id="31611111111", name="Kees"))
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{app_url}/accounts/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", "pw-secret-123")
    page.click("button[type=submit]")
    page.wait_for_selector('[data-testid="conversation-item"]')
    page.evaluate("window.__notReloaded = true")
    expect(_count(page, "view-count", "view", "all")).to_have_text("3")
    expect(_count(page, "view-count", "view", "unassigned")).to_have_text("3")
    expect(_count(page, "channel-count", "channel", "livechat")).to_have_text("2")

    # when a new customer writes, the counts go up
    message_ingest(inbox=chat, inbound=inbound("m4", sender_id="v3", name="Lotte"))
    expect(_count(page, "view-count", "view", "all")).to_have_text("4")
    expect(_count(page, "channel-count", "channel", "livechat")).to_have_text("3")
    expect(_count(page, "status-count", "status", "open")).to_have_text("4")

    # when the agent assigns two to herself at once
    page.check(f'[data-conversation-id="{first.pk}"] .bulk-pick')
    page.check(f'[data-conversation-id="{second.pk}"] .bulk-pick')
    page.click('[data-testid="bulk-bar"] button[value="assign_me"]')
    expect(_count(page, "view-count", "view", "mine")).to_have_text("2")
    expect(_count(page, "view-count", "view", "unassigned")).to_have_text("2")

    # when she resolves one from its header
    page.click(f'[data-conversation-id="{first.pk}"] a')
    page.click('[data-testid="resolve"]')
    expect(_count(page, "view-count", "view", "mine")).to_have_text("1")
    expect(_count(page, "status-count", "status", "resolved")).to_have_text("1")
    expect(_count(page, "view-count", "view", "all")).to_have_text("3")

    # and snoozes the other (no time given: until tomorrow morning)
    page.click(f'[data-conversation-id="{second.pk}"] a')
    expect(page.locator(f'.conversation-view[data-conversation-id="{second.pk}"]')).to_be_visible()
    page.select_option('[data-testid="status-select"]', "snoozed")
    expect(_count(page, "status-count", "status", "snoozed")).to_have_text("1")
    expect(_count(page, "view-count", "view", "mine")).to_have_text("0")
    expect(_count(page, "view-count", "view", "all")).to_have_text("2")
    assert page.evaluate("window.__notReloaded") is True
    context.close()
