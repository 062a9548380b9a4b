"""Live chat that continues by email, in a real Chromium: the visitor leaves a message while
nobody is there (the notice promises an answer by email), closes the page; the agent's reply
arrives by email (a real SMTP server, aiosmtpd), and the link in it opens the chat on the host
page again, in another browser, with the history."""

import re
import time

import pytest
from playwright.sync_api import expect

from inbox.models import Conversation
from inbox.provisioning import inbox_create
from livechat import presence
from tests.browser import LIVE_WAIT_MS, wait_longer_for_live_updates
from tests.channels_email.conftest import smtp_server  # noqa: F401 (a fixture)
from tests.factories import make_inbox, make_token, make_user
from tests.livechat.test_widget_e2e import (  # noqa: F401 (fixtures)
    _agent_reply,
    _messages,
    _wait,
    app_url,
    browser,
    host_site,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(app_url, host_site, smtp_server):  # noqa: F811
    from livechat.snippet import snippet_for

    email_inbox = inbox_create(
        kind="email",
        name="Shop mail",
        external_id="support@shop.test",
        credentials={"smtp_password": ""},
        config={
            "address": "support@shop.test",
            "company": "Shop",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_server.port,
            "smtp_security": "none",
        },
    )
    origin, embed = host_site
    inbox = make_inbox(
        "livechat",
        name="Shop chat",
        config={"allowed_origins": [origin], "email_inbox_id": email_inbox.pk, "email_after_minutes": 10},
    )
    agent = make_user("anna", inboxes=[inbox])  # offline: the widget asks for an email address
    return {"inbox": inbox, "url": embed(snippet_for(inbox)), "app": app_url, "token": make_token(agent)}


def test_a_visitor_who_left_gets_the_reply_by_email_and_its_link_reopens_the_chat(browser, shop, smtp_server):  # noqa: F811
    wait_longer_for_live_updates()
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(shop["url"])
    page.get_by_test_id("webcare-launcher").click()
    notice = page.get_by_text("We're not here right now.")
    expect(notice).to_contain_text("we'll answer by email")
    page.get_by_label("Email (required)").fill("vera@example.net")
    page.get_by_test_id("webcare-input").fill("Do you ship to Belgium?")
    page.get_by_test_id("webcare-send").click()
    expect(_messages(page).and_(page.locator("[data-direction=in]")).first).not_to_contain_text("Sending")
    conversation = _wait(lambda: Conversation.objects.filter(inbox=shop["inbox"]).first())
    key = conversation.identity.external_id
    closed_at = time.time()
    context.close()  # the visitor leaves; the server hears the socket close
    _wait(lambda: time.time() - presence.seconds_away(shop["inbox"].pk, key) >= closed_at, timeout=LIVE_WAIT_MS / 1000)

    # Eleven minutes later (the widget's last sign of life is moved back rather than waited for).
    presence.presence_touch(shop["inbox"].pk, key, at=time.time() - 11 * 60)
    _agent_reply(shop, conversation.pk, "Yes, Belgium is two days.")

    received = _wait(lambda: smtp_server.received, timeout=LIVE_WAIT_MS / 1000)
    assert received[0]["to"] == ["vera@example.net"]
    text = received[0]["message"].get_body(preferencelist=("plain",)).get_content()
    assert "Yes, Belgium is two days." in text
    [link] = re.findall(r"http://\S+#webcare_resume=\S+", text)
    assert link.startswith(shop["url"])

    # The visitor opens the link in another browser: the chat opens by itself, with the history.
    other = browser.new_context(locale="en-US")
    page = other.new_page()
    page.goto(link)
    expect(_messages(page)).to_have_count(2, timeout=LIVE_WAIT_MS)
    expect(_messages(page).nth(0)).to_contain_text("Do you ship to Belgium?")
    expect(_messages(page).nth(1)).to_contain_text("Yes, Belgium is two days.")
    assert "webcare_resume" not in page.url  # the token leaves the address bar
    # ... and writes on in the same conversation.
    page.get_by_test_id("webcare-input").fill("Great, thanks!")
    page.get_by_test_id("webcare-send").click()
    _wait(lambda: conversation.messages.filter(text="Great, thanks!").exists())
    assert Conversation.objects.filter(inbox=shop["inbox"]).count() == 1
    other.close()
