"""The `make run` demo as a first-time visitor sees it, in a real headless Chromium: the lead's
dashboard over ninety days of history, the inbox on a laptop and a conversation on a phone.
Takes the README's demo screenshots on the way."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from demo.data import DEMO_PASSWORD, load_demo
from inbox.models import Conversation
from tests.browser import LIVE_WAIT_MS
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHARTS = ("volume", "first-response", "service-level", "feedback", "sentiment", "tags")


def _log_in(browser, app_url, username, *, width, height, locale="en-GB"):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"{app_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#conversation-list")
    return context, page


def test_the_demo_shows_a_dashboard_an_inbox_and_a_phone_view(app_url, browser):  # noqa: F811
    load_demo()

    # the lead's dashboard: every chart drawn from the demo's own history
    context, page = _log_in(browser, app_url, "lea", width=1440, height=900)
    try:
        page.goto(f"{app_url}/reports/")
        page.wait_for_selector('[data-testid="report-charts"]')
        for chart in CHARTS:
            drawn = f"(Chart.getChart('chart-{chart}') || {{data: {{datasets: []}}}}).data.datasets"
            points = page.evaluate(f"{drawn}.flatMap(d => d.data).filter(v => Number(v) > 0).length")
            assert points > 0, f"the {chart} chart is empty"
        page.screenshot(path=str(SCREENSHOTS / "demo-dashboard.png"), full_page=True)

        # the inbox: customers waiting now on every demo channel, and a demo badge on each inbox
        page.goto(f"{app_url}/")
        expect(page.locator('[data-testid="conversation-item"]').first).to_be_visible()
        assert page.locator('[data-testid="demo-badge"]').count() >= 1
        page.screenshot(path=str(SCREENSHOTS / "demo-inbox.png"))
        assert page.errors == []
    finally:
        context.close()

    # on a phone: one pane at a time, a conversation fills the screen and goes back to the list
    waiting = Conversation.objects.filter(status="open", inbox__members__username="anna").order_by("-id").first()
    context, page = _log_in(browser, app_url, "anna", width=390, height=844, locale="nl-NL")
    try:
        page.click(f'[data-testid="conversation-item"][data-conversation-id="{waiting.pk}"] a')
        view = page.locator(f'.conversation-view[data-conversation-id="{waiting.pk}"]')
        expect(view).to_be_visible(timeout=LIVE_WAIT_MS)
        expect(page.locator("#conversation-list")).to_be_hidden()
        composer = page.locator('[data-testid="composer-input"]')
        expect(composer).to_be_in_viewport()
        box = page.locator("#timeline").bounding_box()
        assert box and box["height"] > 300, box  # the messages have room
        page.screenshot(path=str(SCREENSHOTS / "demo-phone.png"))
        page.click('[data-testid="back-to-list"]')
        expect(page.locator("#conversation-list")).to_be_visible()
        assert page.errors == []
    finally:
        context.close()
