"""The demo host page in a real headless Chromium, under its own Content-Security-Policy: the
widget loads, opens its socket and sends, and the browser reports no violation.

Fixtures (uvicorn in a thread, the browser) come from test_widget_e2e.
"""

import os

import pytest

from inbox.models import Availability, Message
from tests.factories import make_inbox, make_user
from tests.livechat.test_widget_e2e import CHROMIUM, _messages, _wait, app_url, browser  # noqa: F401

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


def test_the_widget_works_on_the_demo_page_under_its_policy(browser, app_url, settings):  # noqa: F811
    from playwright.sync_api import expect

    settings.DEBUG = True
    inbox = make_inbox("livechat", name="Demo shop")
    agent = make_user("anna", inboxes=[inbox])
    agent.agent_profile.availability = Availability.ONLINE
    agent.agent_profile.save()
    page = browser.new_context(locale="en-US").new_page()
    complaints = []
    page.on("console", lambda m: complaints.append(m.text) if "Content Security Policy" in m.text else None)
    served = page.goto(f"{app_url}/livechat/demo/?key={inbox.public_key}")
    assert served.headers["content-security-policy"].startswith("default-src 'none'")

    page.get_by_test_id("webcare-launcher").click()
    page.get_by_test_id("webcare-input").fill("Hello from the demo page")
    page.get_by_test_id("webcare-send").click()
    mine = _messages(page).and_(page.locator("[data-direction=in]"))
    expect(mine).to_have_count(1)
    expect(mine.first).not_to_contain_text("Sending")
    _wait(lambda: Message.objects.filter(text="Hello from the demo page").exists())
    assert complaints == []  # the widget needed nothing the policy refuses
    # An inline script on the page is refused: the policy is in force.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("window.__ran") is None
    _wait(lambda: any("inline script" in c for c in complaints))
