"""A Dutch or German team lead's screens: their words are longer than English ones and must
not push anything off the screen.

- A 1366x768 laptop, the most common office screen: where the top bar's links do not fit, they
  fold into the Menu button (which still reaches every page) rather than push the account menu
  off the screen.
- A phone (390 px): pages a lead opens besides the main ones keep to the screen even where a
  heading is one long word ("Standaardantwoorden", "Samenvoegingssuggesties") and a form has a
  wide text box."""

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


@pytest.fixture
def lead_page(app_url, browser):  # noqa: F811
    """open(language, width, height): a signed-in lead's page in that language and size."""
    lead = make_user("lea", role="lead", password="pw-secret-123")
    lead.first_name, lead.last_name = "Lea", "Jansen-Vermeulen"
    lead.save()
    contexts = []

    def open_as(language: str, width: int, height: int):
        AgentProfile.objects.filter(user=lead).update(language=language)
        phone = width < 600
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{app_url}/accounts/login/")
        page.fill("#id_username", "lea")
        page.fill("#id_password", "pw-secret-123")
        page.click("button[type=submit]")
        page.wait_for_url(f"{app_url}/")
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.mark.parametrize("language, settings_word", [("de", "Einstellungen"), ("nl", "Instellingen")])
def test_the_top_bar_fits_a_laptop_in_dutch_and_german(app_url, lead_page, language, settings_word):  # noqa: F811
    page = lead_page(language, 1366, 768)
    page.goto(f"{app_url}/settings/")
    page.wait_for_load_state("load")

    assert page.evaluate(OUTSIDE) == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1366
    expect(page.locator(".account-menu summary")).to_be_in_viewport()
    page.get_by_test_id("menu-toggle").click()
    page.locator("#topnav").get_by_role("link", name=settings_word).click()
    expect(page).to_have_url(f"{app_url}/settings/inboxes/")


def test_canned_responses_and_merge_suggestions_fit_a_phone_in_dutch(app_url, lead_page):  # noqa: F811
    page = lead_page("nl", 390, 844)
    wide = {}
    for path in ("/inbox/canned/manage/", "/contacts/suggestions/"):
        page.goto(f"{app_url}{path}")
        page.wait_for_load_state("load")
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > 390:
            wide[path] = width
    assert wide == {}
