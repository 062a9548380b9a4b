"""A team lead on a 1366x768 laptop, the most common office screen, in Dutch or German: the top
bar's links are longer than in English, and must not push the account menu off the screen.
Where they do not fit, they fold into the Menu button, which still reaches every page."""

import os

import pytest
from playwright.sync_api import expect

from inbox.models import AgentProfile
from tests.factories import make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]

OUTSIDE = """() => Array.from(document.querySelectorAll(".topbar a, .topbar button, .topbar select, .topbar summary"))
  .filter(el => { const box = el.getBoundingClientRect();
                  return box.width > 0 && (box.right > window.innerWidth + 1 || box.left < -1); })
  .map(el => el.textContent.trim() || el.id)"""


@pytest.mark.parametrize("language, settings_word", [("de", "Einstellungen"), ("nl", "Instellingen")])
def test_the_top_bar_fits_a_laptop_in_dutch_and_german(app_url, browser, language, settings_word):  # noqa: F811
    lead = make_user("lea", role="lead", password="pw-secret-123")
    lead.first_name, lead.last_name = "Lea", "Jansen-Vermeulen"
    lead.save()
    AgentProfile.objects.filter(user=lead).update(language=language)
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        page.goto(f"{app_url}/accounts/login/")
        page.fill("#id_username", "lea")
        page.fill("#id_password", "pw-secret-123")
        page.click("button[type=submit]")
        page.goto(f"{app_url}/settings/")
        page.wait_for_load_state("load")

        assert page.evaluate(OUTSIDE) == []
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 1366
        expect(page.locator(".account-menu summary")).to_be_in_viewport()
        page.get_by_test_id("menu-toggle").click()
        page.locator("#topnav").get_by_role("link", name=settings_word).click()
        expect(page).to_have_url(f"{app_url}/settings/inboxes/")
    finally:
        context.close()
