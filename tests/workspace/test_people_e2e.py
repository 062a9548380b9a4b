"""A lead invites an agent in a real headless Chromium; the invited person opens the one-time
link, chooses a password and lands in the inbox."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from inbox.models import Team
from tests.browser import LIVE_WAIT_MS
from tests.factories import make_inbox, make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Debian's chromium at {CHROMIUM}"),
]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "settings-agents.png"


def test_a_lead_invites_an_agent_who_sets_a_password_and_lands_in_the_inbox(app_url, browser):  # noqa: F811
    # given: a lead, some inboxes and a team
    make_inbox("whatsapp", name="WhatsApp NL")
    website = make_inbox("livechat", name="Website chat")
    make_inbox("messenger", name="Messenger BE")
    Team.objects.create(name="Retouren")
    lead = make_user("lea", role="lead", password="pw-secret-123")
    lead.first_name, lead.last_name = "Lea", "Visser"
    lead.save()
    context = browser.new_context(
        viewport={"width": 1400, "height": 800}, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{app_url}/accounts/login/")
    page.fill("#id_username", "lea")
    page.fill("#id_password", "pw-secret-123")
    page.click("button[type=submit]")
    page.wait_for_selector('[data-testid="settings-link"]')

    # when: the lead invites Bram, picking the inbox and team by typing in the pickers
    page.goto(f"{app_url}/settings/people/agents/")
    page.click('[data-testid="invite-agent"]')
    page.fill("#id_name", "Bram de Boer")
    page.fill("#id_email", "bram@example.nl")
    page.select_option("#id_role", "agent")
    assert page.locator('#id_role option[value="admin"]').count() == 0  # leads cannot make admins
    inboxes = page.locator("[data-picker]").first
    inboxes.locator("[data-picker-search]").fill("web")
    assert inboxes.get_by_label("WhatsApp NL").is_hidden()
    inboxes.get_by_label("Website chat").check()
    page.locator("[data-picker]").nth(1).get_by_label("Retouren").check()
    page.select_option("#id_language", "nl")
    page.fill("#id_capacity", "6")
    page.click('[data-testid="agent-save"]')

    # then: the one-time link is shown to copy
    link_box = page.locator('[data-testid="one-time-link"]')
    link_box.wait_for()
    link = link_box.input_value()
    assert link.startswith(f"{app_url}/accounts/invite/")
    page.get_by_role("button", name="Copy").click()
    page.get_by_role("button", name="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link

    page.goto(f"{app_url}/settings/people/agents/")
    row = page.locator('[data-testid="agent-row"][data-agent="bram@example.nl"]')
    assert row.locator(".badge-invited").inner_text() == "Invited"
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # when: Bram opens the link in his own browser and chooses a password
    bram_context = browser.new_context(viewport={"width": 1280, "height": 800})
    bram_page = bram_context.new_page()
    bram_page.on("pageerror", lambda error: errors.append(str(error)))
    bram_page.goto(link)
    bram_page.fill("#id_new_password1", "Zonnebloem-Kade-42")
    bram_page.fill("#id_new_password2", "Zonnebloem-Kade-42")
    bram_page.click('[data-testid="invite-form"] button[type=submit]')

    # then: he is signed in and in the inbox, with the inbox he was given
    bram_page.wait_for_selector("#inbox[data-ws-path]", timeout=LIVE_WAIT_MS)
    assert bram_page.url.rstrip("/") == app_url
    bram = get_user_model().objects.get(username="bram@example.nl")
    assert bram.has_usable_password() and list(bram.inboxes.all()) == [website]
    # and Online: the top bar says so, and so does the lead's team page
    expect(bram_page.get_by_test_id("availability")).to_have_value("online", timeout=LIVE_WAIT_MS)
    page.goto(f"{app_url}/settings/availability/")
    row = page.locator(f'[data-testid="team-availability-row"][data-user-id="{bram.pk}"]')
    expect(row).to_have_attribute("data-availability", "online", timeout=LIVE_WAIT_MS)
    assert bram.agent_profile.capacity == 6 and list(bram.teams.values_list("name", flat=True)) == ["Retouren"]

    # and the link does not work a second time
    bram_page.goto(link)
    assert bram_page.locator("text=Link niet meer geldig").count() == 1  # in Bram's language, Dutch
    assert errors == []
    bram_context.close()
    context.close()
