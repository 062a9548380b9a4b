"""Availability end to end, in a real headless Chromium: an agent signs in and is Online, and
an open widget on a cross-origin host page switches to online mode without a reload; the agent
picks Offline in the top bar and the widget is back in offline mode, asking for an email
address "so we can reach you" and promising no email answer.

Fixtures (uvicorn in a thread, the cross-origin host page, the browser) come from test_widget_e2e.
"""

import os
import re

import pytest

from inbox.models import AgentProfile, Availability
from tests.browser import LIVE_WAIT_MS
from tests.factories import make_inbox, make_user
from tests.livechat.test_widget_e2e import (  # noqa: F401 - shared fixtures
    CHROMIUM,
    _wait,
    app_url,
    browser,
    host_site,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


@pytest.fixture
def shop(app_url, host_site):  # noqa: F811
    from livechat.snippet import snippet_for

    origin, embed = host_site
    inbox = make_inbox("livechat", name="Demo shop", config={"allowed_origins": [origin]})
    anna = make_user("anna", inboxes=[inbox])
    anna.first_name = "Anna"
    anna.save()
    return {"inbox": inbox, "agent": anna, "url": embed(snippet_for(inbox)), "app": app_url}


def _availability(user) -> str:
    return AgentProfile.objects.get(user=user).availability


def test_the_widget_follows_the_agent_online_and_offline_live(browser, shop):  # noqa: F811
    from playwright.sync_api import expect

    # A visitor has the chat open while nobody is there: offline mode.
    visitor = browser.new_context(locale="en-US")
    page = visitor.new_page()
    page.goto(shop["url"])
    page.get_by_test_id("webcare-launcher").click()
    panel = page.locator("webcare-chat [role=dialog]")
    expect(panel).to_have_attribute("data-online", "false")
    notice = page.get_by_text("We're not here right now.")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("so we can reach you")
    expect(notice).not_to_contain_text("answer by email")
    expect(page.get_by_label("Email (required)")).to_be_visible()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))

    # The agent signs in: Online, shown in the top bar.
    desk = browser.new_context(locale="en-US")
    agent = desk.new_page()
    agent.goto(f"{shop['app']}/accounts/login/")
    agent.fill("#id_username", "anna")
    agent.fill("#id_password", "pw-secret-123")
    agent.locator("form button[type=submit], form input[type=submit]").first.click()
    control = agent.get_by_test_id("availability")
    expect(control).to_have_value("online", timeout=LIVE_WAIT_MS)
    assert _availability(shop["agent"]) == Availability.ONLINE

    # The widget switches to online mode live: no reload, no new socket.
    expect(panel).to_have_attribute("data-online", "true", timeout=LIVE_WAIT_MS)
    expect(notice).to_be_hidden()
    expect(page.get_by_text("Anna", exact=True)).to_be_visible()
    expect(page.get_by_label("Email (required)")).to_have_count(0)

    # The agent goes Offline from the top bar: the widget is back in offline mode.
    control.select_option("offline")
    expect(agent.locator("[data-availability-dot]")).to_have_attribute("data-value", "offline")
    _wait(lambda: _availability(shop["agent"]) == Availability.OFFLINE, timeout=LIVE_WAIT_MS / 1000)
    expect(panel).to_have_attribute("data-online", "false", timeout=LIVE_WAIT_MS)
    expect(page.get_by_text("We're not here right now.")).to_be_visible()
    expect(page.get_by_label("Email (required)")).to_be_visible()
    assert sockets == [], "the widget reconnected instead of switching live"

    # The control keeps what was chosen across pages.
    agent.reload()
    expect(agent.get_by_test_id("availability")).to_have_value("offline")
    desk.close()
    visitor.close()


def test_the_offline_notice_in_dutch_asks_for_an_email_to_reach_you(browser, shop):  # noqa: F811
    from playwright.sync_api import expect

    visitor = browser.new_context(locale="nl-NL")
    page = visitor.new_page()
    page.goto(shop["url"])
    page.get_by_test_id("webcare-launcher").click()
    notice = page.get_by_text("We zijn er nu niet.")
    expect(notice).to_contain_text("zodat we je kunnen bereiken", timeout=LIVE_WAIT_MS)
    expect(notice).not_to_contain_text(re.compile("per e-mail", re.I))
    visitor.close()
