"""Colleagues' status in the inbox itself, live, in a real headless Chromium: the sidebar's list
and the assign picker show who is online, and change when a colleague signs in or picks Away,
without a reload (the inbox socket's availability events)."""

import os

import pytest

from tests.browser import LIVE_WAIT_MS
from tests.factories import make_conversation, make_inbox, make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


def sign_in(context, app_url, username):  # noqa: F811
    page = context.new_page()
    page.goto(f"{app_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-secret-123")
    page.click("button[type=submit]")
    page.wait_for_selector("#inbox[data-ws-path]", timeout=LIVE_WAIT_MS)
    return page


def test_a_colleague_signing_in_and_going_away_shows_live_in_the_sidebar_and_picker(browser, app_url):  # noqa: F811
    from playwright.sync_api import expect

    # given: Anna and Bram answer the same inbox; Bram is offline; Anna has a conversation open
    inbox = make_inbox("whatsapp", name="Support")
    make_user("anna", inboxes=[inbox])
    bram = make_user("bram", inboxes=[inbox])
    bram.first_name, bram.last_name = "Bram", "de Boer"
    bram.save()
    conversation = make_conversation(inbox)
    desk = browser.new_context(locale="en-US")
    page = sign_in(desk, app_url, "anna")
    page.goto(f"{app_url}/?c={conversation.pk}")
    bram_row = page.locator(f'[data-testid="colleague"][data-presence-user="{bram.pk}"]')
    option = page.locator(f'[data-testid="assignee-select"] option[data-presence-user="{bram.pk}"]')
    expect(bram_row).to_have_attribute("data-availability", "offline")
    expect(option).to_have_attribute("data-availability", "offline")
    expect(option).to_have_text("● Bram de Boer (Offline)")
    page.wait_for_function("() => window.webcareInboxSocket && window.webcareInboxSocket()?.readyState === 1")
    page.evaluate("window.__notReloaded = true")

    # when: Bram signs in (Online)
    other = browser.new_context(locale="en-US")
    bram_page = sign_in(other, app_url, "bram")

    # then: Anna sees it at once, in the list (online first) and in the picker
    expect(bram_row).to_have_attribute("data-availability", "online", timeout=LIVE_WAIT_MS)
    expect(bram_row.locator(".availability-dot")).to_have_attribute("data-value", "online")
    expect(page.get_by_test_id("colleague").first).to_have_attribute("data-presence-user", str(bram.pk))
    expect(option).to_have_attribute("data-availability", "online")
    expect(option).to_have_text("● Bram de Boer (Online)")

    # when: Bram picks Away
    bram_page.get_by_test_id("availability").select_option("away")

    # then
    expect(bram_row).to_have_attribute("data-availability", "away", timeout=LIVE_WAIT_MS)
    expect(option).to_have_text("● Bram de Boer (Away)")
    assert page.evaluate("window.__notReloaded") is True  # live, not a page load
    other.close()
    desk.close()
