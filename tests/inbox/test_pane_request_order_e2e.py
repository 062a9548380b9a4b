"""The conversation pane shows what the agent asked for last, in a real Chromium: a refresh of
the conversation she just left that is answered late never takes the pane back to it."""

import re

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


def test_a_late_refresh_of_the_conversation_she_left_does_not_replace_the_one_she_opened(app_url, browser):  # noqa: F811
    chat = make_inbox("livechat", name="Website")
    make_user("anna", inboxes=[chat], password="pw-secret-123")
    first = message_ingest(inbox=chat, inbound=inbound("m1", sender_id="v1", name="Sanne")).message.conversation
    second = message_ingest(inbox=chat, inbound=inbound("m2", sender_id="v2", name="Max")).message.conversation
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{app_url}/accounts/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", "pw-secret-123")
    page.click("button[type=submit]")
    page.click(f'[data-conversation-id="{first.pk}"] a')
    expect(page.locator(f'.conversation-view[data-conversation-id="{first.pk}"]')).to_be_visible()

    # a refresh of the open conversation (a live event's) is on its way, and slow...
    held = []
    page.route(re.compile(rf"/inbox/conversations/{first.pk}/$"), lambda route: held.append(route))
    page.evaluate(  # not awaited: htmx.ajax's promise ends only with the answer held below
        'id => { htmx.ajax("GET", "/inbox/conversations/" + id + "/", {target: "#conversation-pane"}); }', first.pk
    )
    for _ in range(200):  # the request reaches the route (handlers run while Playwright waits)
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the refresh did not start"

    # ...meanwhile she opens the next conversation, which is answered at once
    page.click(f'[data-conversation-id="{second.pk}"] a')
    expect(page.locator(f'.conversation-view[data-conversation-id="{second.pk}"]')).to_be_visible()

    # then the old refresh is answered: the pane stays on the conversation she opened
    page.evaluate(
        """id => document.addEventListener("htmx:afterRequest", function (e) {
             var xhr = e.detail.xhr;
             if (xhr && xhr.responseURL.endsWith("/inbox/conversations/" + id + "/")) window.__lateAnswered = true;
           })""",
        first.pk,
    )
    held[0].continue_()
    page.wait_for_function("() => window.__lateAnswered === true", timeout=20000)
    expect(page.locator(f'.conversation-view[data-conversation-id="{second.pk}"]')).to_be_visible()
    assert f"c={second.pk}" in page.url
    context.close()
